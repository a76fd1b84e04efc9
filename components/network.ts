import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { checkWhenResolved, ResolvedArgs, valueRules } from "./validation";

/** What the other parts need to know of the network. */
export interface Network {
    vpcId: pulumi.Output<string>;
    /** The VPC's CIDR (new or existing). */
    vpcCidr: string;
    publicSubnetIds: pulumi.Output<string[]>;
    privateSubnetIds: pulumi.Output<string[]>;
    /** Every route table of the cluster VPC: each gets the routes to the peers. */
    routeTableIds: pulumi.Output<string[]>;
    /**
     * How many route tables there are, known before their ids (during a preview), so resources
     * per route table can be declared and shown before the VPC exists.
     */
    routeTableCount: pulumi.Output<number>;
    /** The zones the new VPC spans (for an existing VPC: unknown here, empty). */
    availabilityZones: pulumi.Output<string[]>;
    /** The subnets the nodes live in, per `subnetVisibility`. */
    nodeSubnetIds: pulumi.Output<string[]>;
}

/** Interface endpoints a node needs to join the cluster and pull images with no internet route. */
export const INTERFACE_ENDPOINT_SERVICES = ["ecr.api", "ecr.dkr", "sts", "ec2", "logs", "elasticloadbalancing", "autoscaling"];

/** Zones EKS cannot place control-plane or node capacity in. */
const ZONES_WITHOUT_EKS = new Set(["us-east-1e"]);

/**
 * The zones a new VPC uses when none are given: the region's first available zones, 3 of them,
 * or 2 in us-east-1 (whose older zones are often out of capacity), never one EKS does not serve.
 */
export function defaultAvailabilityZones(region: string, availableZoneNames: string[]): string[] {
    const wanted = region === "us-east-1" ? 2 : 3;
    return [...availableZoneNames]
        .filter((zone) => !ZONES_WITHOUT_EKS.has(zone))
        .sort()
        .slice(0, wanted);
}

/** awsx gives every subnet a route table of its own: one public and one private per zone. */
const SUBNETS_PER_ZONE = 2;

const AWSX_NAT_STRATEGY = { none: "None", single: "Single", highly_available: "OnePerAz" } as const;

/** Builds the cluster's network: a new VPC, or the given one, with endpoints and flow logs per the arguments. */
export function createNetwork(name: string, args: ResolvedArgs, tags: Record<string, string>, parent: pulumi.Resource): Network {
    const region = aws.getRegionOutput({}, { parent }).region;
    const base = args.existingVpc ? existingNetwork(args, parent) : newNetwork(name, args, tags, region, parent);

    if (args.vpcEndpoints !== "none") {
        createVpcEndpoints(name, args, base, region, tags, parent);
    }
    if (args.flowLogs) {
        createFlowLogs(name, args, base.vpcId, tags, parent);
    }
    return base;
}

function newNetwork(
    name: string,
    args: ResolvedArgs,
    tags: Record<string, string>,
    region: pulumi.Output<string>,
    parent: pulumi.Resource,
): Network {
    const zones = args.availabilityZones
        ? pulumi.output(args.availabilityZones)
        : pulumi
              .all([
                  region,
                  aws.getAvailabilityZonesOutput(
                      { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
                      { parent },
                  ),
              ])
              .apply(([regionName, available]) => defaultAvailabilityZones(regionName, available.names));

    // awsx needs the zone names as plain strings, so the VPC is declared once they are known.
    const vpc = zones.apply(
        (zoneNames) =>
            new awsx.ec2.Vpc(
                `${name}-vpc`,
                {
                    cidrBlock: args.vpcCidr,
                    availabilityZoneNames: zoneNames,
                    enableDnsHostnames: true,
                    enableDnsSupport: true,
                    subnetStrategy: "Auto",
                    natGateways: { strategy: AWSX_NAT_STRATEGY[args.natGateway] },
                    subnetSpecs: [
                        // Where load balancers go: Kubernetes and Cortex find subnets by these role tags.
                        { type: "Public", name: "public", tags: { ...tags, "kubernetes.io/role/elb": "1" } },
                        { type: "Private", name: "private", tags: { ...tags, "kubernetes.io/role/internal-elb": "1" } },
                    ],
                    tags,
                },
                { parent },
            ),
    );
    const publicSubnetIds = vpc.apply((v) => v.publicSubnetIds);
    const privateSubnetIds = vpc.apply((v) => v.privateSubnetIds);
    return {
        vpcId: vpc.apply((v) => v.vpcId),
        vpcCidr: args.vpcCidr,
        publicSubnetIds,
        privateSubnetIds,
        // A remote component hands back route tables as resources (or, in a mock, plain objects): take their ids.
        routeTableIds: vpc.apply((v) => v.routeTables).apply((tables) => pulumi.all(tables.map((table) => table.id))),
        routeTableCount: zones.apply((zoneNames) => zoneNames.length * SUBNETS_PER_ZONE),
        availabilityZones: zones,
        nodeSubnetIds: args.subnetVisibility === "private" ? privateSubnetIds : publicSubnetIds,
    };
}

function existingNetwork(args: ResolvedArgs, parent: pulumi.Resource): Network {
    const existing = args.existingVpc!;
    // Ids that arrive as Outputs (from another stack, say) are checked once they resolve.
    const vpcId = checkWhenResolved("existingVpc.vpcId", valueRules.vpcId, existing.vpcId, parent);
    const subnets = (tier: "publicSubnetIds" | "privateSubnetIds") =>
        pulumi.all(existing[tier].map((id, index) => checkWhenResolved(`existingVpc.${tier}[${index}]`, valueRules.subnetId, id, parent)));
    const publicSubnetIds = subnets("publicSubnetIds");
    const privateSubnetIds = subnets("privateSubnetIds");
    const routeTableIds = aws.ec2.getRouteTablesOutput({ vpcId }, { parent }).ids;
    return {
        vpcId,
        vpcCidr: existing.cidrBlock,
        publicSubnetIds,
        privateSubnetIds,
        routeTableIds,
        routeTableCount: routeTableIds.apply((ids) => ids.length),
        availabilityZones: pulumi.output([]),
        nodeSubnetIds: args.subnetVisibility === "private" ? privateSubnetIds : publicSubnetIds,
    };
}

function createVpcEndpoints(
    name: string,
    args: ResolvedArgs,
    network: Network,
    region: pulumi.Output<string>,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): void {
    // Model downloads from S3 skip the NAT (and its per-GB charge); gateway endpoints are free.
    new aws.ec2.VpcEndpoint(
        `${name}-s3`,
        {
            vpcId: network.vpcId,
            serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: network.routeTableIds,
            tags: { ...tags, Name: `${args.clusterName}-s3` },
        },
        { parent },
    );
    if (args.vpcEndpoints !== "all") {
        return;
    }
    const endpointSecurityGroup = new aws.ec2.SecurityGroup(
        `${name}-endpoints`,
        {
            vpcId: network.vpcId,
            description: "VPC interface endpoints: HTTPS from inside the VPC only",
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [network.vpcCidr], description: "HTTPS from the VPC" }],
            tags: { ...tags, Name: `${args.clusterName}-endpoints` },
        },
        { parent },
    );
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
        new aws.ec2.VpcEndpoint(
            `${name}-${service.replace(".", "-")}`,
            {
                vpcId: network.vpcId,
                serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: network.privateSubnetIds,
                securityGroupIds: [endpointSecurityGroup.id],
                tags: { ...tags, Name: `${args.clusterName}-${service}` },
            },
            { parent },
        );
    }
}

function createFlowLogs(
    name: string,
    args: ResolvedArgs,
    vpcId: pulumi.Output<string>,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): void {
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-flow-logs`,
        { name: `/aws/vpc/${args.clusterName}/flow-logs`, retentionInDays: args.logRetentionDays, tags },
        { parent, retainOnDelete: args.protectData },
    );
    const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
    const role = new aws.iam.Role(
        `${name}-flow-logs`,
        {
            description: `Lets VPC flow logs of ${args.clusterName} write to their log group`,
            // Only the flow-logs service, and only on behalf of this account (no confused deputy).
            assumeRolePolicy: account.apply((accountId) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                        },
                    ],
                }),
            ),
            tags,
        },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-flow-logs`,
        {
            role: role.id,
            policy: logGroup.arn.apply((arn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            Resource: [arn, `${arn}:*`],
                        },
                    ],
                }),
            ),
        },
        { parent },
    );
    new aws.ec2.FlowLog(
        `${name}-flow-logs`,
        {
            vpcId,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: logGroup.arn,
            iamRoleArn: role.arn,
            tags,
        },
        { parent },
    );
}
