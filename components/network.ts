import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { createFlowLogs } from "./flowLogs";
import { PolicyDocument, policyJson } from "./policyDocument";
import { SubnetVisibility } from "./args";
import { Settings } from "./settings";
import { Within } from "./parts";

/** What the other parts need to know of the network. */
export interface Network {
    vpcId: pulumi.Output<string>;
    /** The VPC's CIDR (new or existing). */
    vpcCidr: string;
    publicSubnetIds: pulumi.Output<string[]>;
    privateSubnetIds: pulumi.Output<string[]>;
    /**
     * The route tables the S3 gateway endpoint serves (a new VPC's all, an existing VPC's given ones,
     * which also get the routes to peers), and how many there are, known before their ids (during a
     * preview) so one route per table can be declared up front.
     */
    routeTables: { ids: pulumi.Output<string[]>; count: number | undefined };
    /** A new VPC's subnets, so peering can pick them by tier and zone; undefined for an existing VPC. */
    newVpcSubnets: NewVpcSubnets | undefined;
    /** The subnets the nodes live in, per `subnetVisibility`. */
    nodeSubnetIds: pulumi.Output<string[]>;
    /** The VPC flow log, when `flowLogs` is on. */
    flowLogId?: pulumi.Output<string>;
    /** The zones a new VPC spans, in order; undefined for an existing VPC. */
    availabilityZones: pulumi.Output<string[]> | undefined;
}

/**
 * A new VPC's subnets in awsx's order, each with its own route table and CIDR: per zone, its public
 * then its private subnet (awsx creates each subnet's route table with it, public first).
 */
export interface NewVpcSubnets {
    zoneCount: number;
    subnets: pulumi.Output<{ routeTableId: string; cidrBlock: string }[]>;
}

/** The zone of each subnet, read from AWS (for an existing VPC, whose subnets the arguments name). */
export function subnetZones(
    subnetIds: pulumi.Input<string>[],
    parent: pulumi.Resource,
): pulumi.Output<{ availability_zone: string; subnet_id: string }[]> {
    return pulumi.all(
        subnetIds.map((id) =>
            aws.ec2
                .getSubnetOutput({ id }, { parent })
                .apply((subnet) => ({ availability_zone: subnet.availabilityZone, subnet_id: subnet.id })),
        ),
    );
}

/** Interface endpoints a node needs to join the cluster and pull images with no internet route. */
export const INTERFACE_ENDPOINT_SERVICES = ["ecr.api", "ecr.dkr", "sts", "ec2", "logs", "elasticloadbalancing", "autoscaling"];

/**
 * How many zones a new VPC spans when none are given: 3, or 2 in us-east-1 (whose older zones are
 * often out of capacity). awsx takes the region's first zones, so `us-east-1e` is never among them.
 */
export function defaultZoneCount(region: string | undefined): number {
    return region === "us-east-1" ? 2 : 3;
}

/** awsx gives every subnet a route table of its own: one public and one private per zone. */
const SUBNETS_PER_ZONE = 2;

/** Where a new VPC's subnet of a tier and zone is in {@link NewVpcSubnets} (and in awsx's route tables). */
export function subnetPosition(tier: SubnetVisibility, zone: number): number {
    return zone * SUBNETS_PER_ZONE + (tier === "public" ? 0 : 1);
}

const AWSX_NAT_STRATEGY = { none: "None", single: "Single", highly_available: "OnePerAz" } as const;

/** What the network part reads of the settings. */
export type NetworkSettings = Pick<
    Settings,
    | "clusterName"
    | "vpcCidr"
    | "availabilityZones"
    | "existingVpc"
    | "natGateway"
    | "subnetVisibility"
    | "vpcEndpoints"
    | "flowLogs"
    | "logRetentionDays"
    | "protectData"
    | "s3EndpointAccess"
    | "modelBucketArns"
>;

/**
 * The S3 gateway endpoint's policy with `s3EndpointAccess: "clusterBuckets"`: the Cortex and model
 * buckets, and the AWS buckets nodes read: ECR keeps image layers in
 * `prod-REGION-starport-layer-bucket` (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html),
 * Amazon Linux 2023 its packages in `al2023-repos-REGION-de612dc2`
 * (https://docs.aws.amazon.com/linux/al2023/ug/s3-gateway-endpoint.html). A network boundary only:
 * IAM still decides who may do what in these buckets.
 */
export function s3EndpointPolicy(region: string, partition: string, clusterBucketArns: string[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "TheClustersBuckets",
                Effect: "Allow",
                Principal: "*",
                Action: "s3:*",
                Resource: clusterBucketArns.flatMap((arn) => [arn, `${arn}/*`]),
            },
            {
                Sid: "WhatNodesPull",
                Effect: "Allow",
                Principal: "*",
                Action: "s3:GetObject",
                Resource: [
                    `arn:${partition}:s3:::prod-${region}-starport-layer-bucket/*`,
                    `arn:${partition}:s3:::al2023-repos-${region}-de612dc2/*`,
                ],
            },
        ],
    };
}

/** Builds the cluster's network: a new VPC, or the given one, with endpoints and flow logs per the settings. */
export function createNetwork(part: {
    name: string;
    settings: NetworkSettings;
    /** The component's KMS key, for the flow logs' log group. */
    keyArn: pulumi.Output<string>;
    /** The Cortex bucket, which the S3 endpoint's policy admits with `clusterBuckets`. */
    cortexBucketArn: pulumi.Output<string>;
    tags: Record<string, string>;
    within: Within;
}): Network {
    const { name, settings, keyArn, cortexBucketArn, tags, within } = part;
    const network = settings.existingVpc ? existingNetwork(settings, within.parent) : newNetwork(name, settings, tags, within);
    if (settings.vpcEndpoints !== "none") {
        createVpcEndpoints(name, settings, network, cortexBucketArn, tags, within);
    }
    const flowLogId = settings.flowLogs ? createFlowLogs(name, settings, network.vpcId, keyArn, tags, within) : undefined;
    return { ...network, flowLogId };
}

function newNetwork(name: string, settings: NetworkSettings, tags: Record<string, string>, within: Within): Network {
    // The region of the stack's AWS provider config; a program that passes another provider names its zones.
    const zoneCount = settings.availabilityZones?.length ?? defaultZoneCount(aws.config.region);
    const vpc = new awsx.ec2.Vpc(
        `${name}-vpc`,
        {
            cidrBlock: settings.vpcCidr,
            ...(settings.availabilityZones
                ? { availabilityZoneNames: settings.availabilityZones }
                : { numberOfAvailabilityZones: zoneCount }),
            enableDnsHostnames: true,
            enableDnsSupport: true,
            subnetStrategy: "Auto",
            natGateways: { strategy: AWSX_NAT_STRATEGY[settings.natGateway] },
            subnetSpecs: [
                // Where load balancers go: Kubernetes and Cortex find subnets by these role tags.
                { type: "Public", name: "public", tags: { ...tags, "kubernetes.io/role/elb": "1" } },
                { type: "Private", name: "private", tags: { ...tags, "kubernetes.io/role/internal-elb": "1" } },
            ],
            tags,
        },
        within.remote,
    );
    // The VPC's default security group is attached to anything created without one: empty it, so
    // such a thing reaches nothing and is reached by nothing (CIS; checkov CKV2_AWS_12).
    new aws.ec2.DefaultSecurityGroup(
        `${name}-default-sg`,
        { vpcId: vpc.vpcId, tags: { ...tags, Name: `${settings.clusterName}-default-no-rules` } },
        within,
    );
    return {
        vpcId: vpc.vpcId,
        vpcCidr: settings.vpcCidr,
        publicSubnetIds: vpc.publicSubnetIds,
        privateSubnetIds: vpc.privateSubnetIds,
        // A remote component hands back route tables as resources (or, in a mock, plain objects): take their ids.
        routeTables: {
            ids: vpc.routeTables.apply((tables) => pulumi.all(tables.map((table) => table.id))),
            count: zoneCount * SUBNETS_PER_ZONE,
        },
        newVpcSubnets: {
            zoneCount,
            subnets: pulumi
                .all([vpc.subnets, vpc.routeTables])
                .apply(([subnets, tables]) =>
                    pulumi.all(subnets.map((subnet, i) => pulumi.output({ routeTableId: tables[i].id, cidrBlock: subnet.cidrBlock }))),
                ),
        },
        nodeSubnetIds: settings.subnetVisibility === "private" ? vpc.privateSubnetIds : vpc.publicSubnetIds,
        availabilityZones: vpc.subnets.apply((subnets) =>
            pulumi.all(subnets.map((subnet) => subnet.availabilityZone)).apply((zones) => [...new Set(zones)]),
        ),
    };
}

function existingNetwork(settings: NetworkSettings, parent: pulumi.Resource): Network {
    const existing = settings.existingVpc!;
    const vpcId = pulumi.output(existing.vpcId);
    const publicSubnetIds = pulumi.output(existing.publicSubnetIds);
    const privateSubnetIds = pulumi.output(existing.privateSubnetIds);
    return {
        vpcId,
        vpcCidr: existing.cidrBlock,
        publicSubnetIds,
        privateSubnetIds,
        routeTables: existing.routeTableIds
            ? { ids: pulumi.all(existing.routeTableIds), count: existing.routeTableIds.length }
            : // Every route table of the VPC; their number is not known until they are read.
              { ids: aws.ec2.getRouteTablesOutput({ vpcId }, { parent }).ids, count: undefined },
        newVpcSubnets: undefined,
        nodeSubnetIds: settings.subnetVisibility === "private" ? privateSubnetIds : publicSubnetIds,
        availabilityZones: undefined,
    };
}

function createVpcEndpoints(
    name: string,
    settings: NetworkSettings,
    network: Network,
    cortexBucketArn: pulumi.Output<string>,
    tags: Record<string, string>,
    within: Within,
): void {
    const { parent } = within;
    const region = aws.getRegionOutput({}, { parent }).region;
    const partition = aws.getPartitionOutput({}, { parent }).partition;
    const policy =
        settings.s3EndpointAccess === "clusterBuckets"
            ? policyJson(
                  pulumi
                      .all([region, partition, cortexBucketArn, pulumi.all(settings.modelBucketArns)])
                      .apply(([r, p, cortex, models]) => s3EndpointPolicy(r, p, [cortex, ...models])),
              )
            : undefined;
    // Model downloads from S3 skip the NAT (and its per-GB charge); gateway endpoints are free.
    new aws.ec2.VpcEndpoint(
        `${name}-s3`,
        {
            vpcId: network.vpcId,
            serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: network.routeTables.ids,
            policy,
            tags: { ...tags, Name: `${settings.clusterName}-s3` },
        },
        within,
    );
    if (settings.vpcEndpoints !== "all") {
        return;
    }
    const endpointSecurityGroup = new aws.ec2.SecurityGroup(
        `${name}-endpoints`,
        {
            vpcId: network.vpcId,
            description: "VPC interface endpoints: HTTPS from inside the VPC only",
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [network.vpcCidr], description: "HTTPS from the VPC" }],
            tags: { ...tags, Name: `${settings.clusterName}-endpoints` },
        },
        within,
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
                tags: { ...tags, Name: `${settings.clusterName}-${service}` },
            },
            within,
        );
    }
}
