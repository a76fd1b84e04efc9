// The network part: zones, NAT, subnets and their tags, endpoints, flow logs, or a VPC made elsewhere.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { CLUSTER_NAME_TAG, CortexSecureClusterArgs, CORTEX_SECURE_CLUSTER_TYPE } from "../components";
import { CLUSTER_PARTS, ClusterPartName, clusterPartType } from "../components/parts";
import { defaultZoneCount } from "../components/network";
import { INTERFACE_ENDPOINT_SERVICES } from "../components/network";
import { build, Built, valueOf } from "./harness";
import { ACCOUNT_ID, mockCloud } from "../tools/mockCloud";

const VPC = "awsx:ec2:Vpc";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

interface MockSubnet {
    id: string;
    availabilityZone: string;
    type: "Public" | "Private";
    tags: Record<string, string>;
}

const vpcInputs = (b: Built) =>
    b.one(VPC).inputs as {
        cidrBlock: string;
        availabilityZoneNames?: string[];
        numberOfAvailabilityZones?: number;
        natGateways: { strategy: string };
        subnetSpecs: { type: string; tags: Record<string, string> }[];
        tags: Record<string, string>;
    };
const vpcState = (b: Built) =>
    b.one(VPC).state as { vpcId: string; subnets: MockSubnet[]; natGateways: unknown[]; routeTables: { id: string }[] };
const json = (text: unknown) => JSON.parse(text as string);
/** The resources of a type the network part declares, by their name's suffix (other parts have their own). */
const named = (b: Built, type: string, suffix: string) => b.ofType(type).filter((r) => r.name.endsWith(suffix));

/**
 * Whether a resource type takes tags, as its SDK says: the constructor of a taggable type passes
 * a `tags` input on (`aws:iam/group:Group` or `aws:iam/rolePolicy:RolePolicy` do not).
 */
function isTaggable(type: string): boolean {
    const [pkg, module, name] = type.split(":");
    // Providers take no tags, and Kubernetes objects have labels, not AWS tags.
    if (pkg === "pulumi") return false;
    const file = pkg === "aws" ? `${module}.js` : `${module === "index" ? "" : `${module}/`}${name[0].toLowerCase()}${name.slice(1)}.js`;
    return readFileSync(require.resolve(`@pulumi/${pkg}/${file}`), "utf8").includes('resourceInputs["tags"]');
}

const EXISTING = {
    vpcId: "vpc-0a1b2c3d4e5f60000",
    cidrBlock: "10.50.0.0/16",
    publicSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    privateSubnetIds: ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"],
};

describe("network: availability zones", () => {
    it("spans 3 zones by default, 2 in us-east-1", () => {
        assert.equal(defaultZoneCount("us-west-2"), 3);
        assert.equal(defaultZoneCount("eu-west-1"), 3);
        assert.equal(defaultZoneCount(undefined), 3);
        assert.equal(defaultZoneCount("us-east-1"), 2);
    });

    it("spans 3 zones in us-west-2 when building", async () => {
        const b = await build({});
        assert.equal(vpcInputs(b).numberOfAvailabilityZones, 3);
        assert.deepEqual(new Set(vpcState(b).subnets.map((s) => s.availabilityZone)), new Set(["us-west-2a", "us-west-2b", "us-west-2c"]));
    });

    it("spans 2 zones in us-east-1 when building", async () => {
        mockCloud.region = "us-east-1";
        const b = await build({});
        assert.equal(vpcInputs(b).numberOfAvailabilityZones, 2);
        assert.deepEqual(new Set(vpcState(b).subnets.map((s) => s.availabilityZone)), new Set(["us-east-1a", "us-east-1b"]));
    });

    it("leaves the zones to awsx, which takes the region's first ones", async () => {
        mockCloud.region = "eu-west-1";
        const b = await build({});
        assert.equal(vpcInputs(b).availabilityZoneNames, undefined);
        assert.deepEqual(new Set(vpcState(b).subnets.map((s) => s.availabilityZone)), new Set(["eu-west-1a", "eu-west-1b", "eu-west-1c"]));
    });

    it("uses given zones as given", async () => {
        const b = await build({ availabilityZones: ["us-west-2d", "us-west-2b"] });
        assert.deepEqual(vpcInputs(b).availabilityZoneNames, ["us-west-2d", "us-west-2b"]);
    });
});

describe("network: NAT gateways", () => {
    const cases: { args: CortexSecureClusterArgs; strategy: string; count: number }[] = [
        { args: { subnetVisibility: "public", natGateway: "none" }, strategy: "None", count: 0 },
        { args: { subnetVisibility: "public" }, strategy: "None", count: 0 },
        { args: { natGateway: "single" }, strategy: "Single", count: 1 },
        { args: {}, strategy: "Single", count: 1 },
        { args: { natGateway: "highly_available" }, strategy: "OnePerAz", count: 3 },
        { args: { natGateway: "none", vpcEndpoints: "all" }, strategy: "None", count: 0 },
    ];
    for (const { args, strategy, count } of cases) {
        it(`${JSON.stringify(args)} asks awsx for ${strategy} and gets ${count} NAT gateway(s)`, async () => {
            const b = await build(args);
            assert.equal(vpcInputs(b).natGateways.strategy, strategy);
            assert.equal(vpcState(b).natGateways.length, count);
        });
    }

    it("puts a NAT gateway in every zone when highly available, whatever the zone count", async () => {
        const b = await build({ natGateway: "highly_available", availabilityZones: ["us-west-2a", "us-west-2b"] });
        assert.equal(vpcState(b).natGateways.length, 2);
    });
});

describe("network: subnets", () => {
    it("builds one public and one private subnet in every zone of the VPC CIDR", async () => {
        const b = await build({ vpcCidr: "10.20.0.0/16" });
        assert.equal(vpcInputs(b).cidrBlock, "10.20.0.0/16");
        assert.deepEqual(
            vpcInputs(b).subnetSpecs.map((spec) => spec.type),
            ["Public", "Private"],
        );
        for (const zone of ["us-west-2a", "us-west-2b", "us-west-2c"]) {
            const inZone = vpcState(b).subnets.filter((s) => s.availabilityZone === zone);
            assert.deepEqual(inZone.map((s) => s.type).sort(), ["Private", "Public"], zone);
        }
    });

    it("tags public subnets for internet-facing and private ones for internal load balancers", async () => {
        const b = await build({});
        const [publicSpec, privateSpec] = vpcInputs(b).subnetSpecs;
        assert.equal(publicSpec.tags["kubernetes.io/role/elb"], "1");
        assert.equal(publicSpec.tags["kubernetes.io/role/internal-elb"], undefined);
        assert.equal(privateSpec.tags["kubernetes.io/role/internal-elb"], "1");
        assert.equal(privateSpec.tags["kubernetes.io/role/elb"], undefined);
        for (const subnet of vpcState(b).subnets) {
            const role = subnet.type === "Public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb";
            assert.equal(subnet.tags[role], "1", subnet.id);
        }
    });

    it("outputs the VPC and its public and private subnets", async () => {
        const b = await build({});
        const state = vpcState(b);
        assert.equal(await valueOf(b.cluster.vpcId), state.vpcId);
        assert.deepEqual(
            await valueOf(b.cluster.publicSubnetIds),
            state.subnets.filter((s) => s.type === "Public").map((s) => s.id),
        );
        assert.deepEqual(
            await valueOf(b.cluster.privateSubnetIds),
            state.subnets.filter((s) => s.type === "Private").map((s) => s.id),
        );
        assert.equal((await valueOf(b.cluster.privateSubnetIds)).length, 3);
    });
});

describe("network: VPC endpoints", () => {
    it("builds none when vpcEndpoints is none", async () => {
        const b = await build({ vpcEndpoints: "none" });
        assert.deepEqual(b.ofType(ENDPOINT), []);
        assert.deepEqual(named(b, SECURITY_GROUP, "-endpoints"), []);
    });

    it("builds the S3 gateway endpoint on every route table by default", async () => {
        const b = await build({});
        const [s3] = b.ofType(ENDPOINT);
        assert.equal(b.ofType(ENDPOINT).length, 1);
        assert.equal(s3.inputs.vpcEndpointType, "Gateway");
        assert.equal(s3.inputs.serviceName, "com.amazonaws.us-west-2.s3");
        assert.equal(s3.inputs.vpcId, vpcState(b).vpcId);
        const routeTables = vpcState(b).routeTables.map((table) => table.id);
        assert.equal(routeTables.length, 6);
        assert.deepEqual(s3.inputs.routeTableIds, routeTables);
    });

    it("names the endpoint services of the region it deploys to", async () => {
        mockCloud.region = "eu-west-1";
        const b = await build({ vpcEndpoints: "all" });
        for (const endpoint of b.ofType(ENDPOINT)) {
            assert.match(endpoint.inputs.serviceName as string, /^com\.amazonaws\.eu-west-1\./);
        }
    });

    it("adds the interface endpoints a node needs without internet, in the private subnets, when all", async () => {
        const b = await build({ vpcEndpoints: "all", natGateway: "none" });
        const interfaces = b.ofType(ENDPOINT).filter((e) => e.inputs.vpcEndpointType === "Interface");
        assert.deepEqual(INTERFACE_ENDPOINT_SERVICES, ["ecr.api", "ecr.dkr", "sts", "ec2", "logs", "elasticloadbalancing", "autoscaling"]);
        assert.deepEqual(
            interfaces.map((e) => e.inputs.serviceName),
            INTERFACE_ENDPOINT_SERVICES.map((service) => `com.amazonaws.us-west-2.${service}`),
        );
        const privateSubnets = vpcState(b)
            .subnets.filter((s) => s.type === "Private")
            .map((s) => s.id);
        const securityGroup = b.one(SECURITY_GROUP, "-endpoints");
        for (const endpoint of interfaces) {
            assert.deepEqual(endpoint.inputs.subnetIds, privateSubnets);
            assert.equal(endpoint.inputs.privateDnsEnabled, true);
            assert.deepEqual(endpoint.inputs.securityGroupIds, [securityGroup.id]);
        }
        assert.equal(b.ofType(ENDPOINT).filter((e) => e.inputs.vpcEndpointType === "Gateway").length, 1);
    });

    it("admits only HTTPS from the VPC CIDR to the interface endpoints", async () => {
        const b = await build({ vpcEndpoints: "all", vpcCidr: "10.20.0.0/16" });
        const securityGroup = b.one(SECURITY_GROUP, "-endpoints");
        assert.equal(securityGroup.inputs.vpcId, vpcState(b).vpcId);
        assert.deepEqual(
            (securityGroup.inputs.ingress as Record<string, unknown>[]).map(
                ({ protocol, fromPort, toPort, cidrBlocks, ipv6CidrBlocks, securityGroups }) => ({
                    protocol,
                    fromPort,
                    toPort,
                    cidrBlocks,
                    ipv6CidrBlocks,
                    securityGroups,
                }),
            ),
            [
                {
                    protocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrBlocks: ["10.20.0.0/16"],
                    ipv6CidrBlocks: undefined,
                    securityGroups: undefined,
                },
            ],
        );
    });
});

describe("network: flow logs", () => {
    it("sends all of the VPC's traffic to a log group kept for logRetentionDays", async () => {
        const b = await build({ logRetentionDays: 90, clusterName: "cortex-a" });
        const logGroup = b.one(LOG_GROUP, "-flow-logs");
        assert.equal(logGroup.inputs.retentionInDays, 90);
        assert.equal(logGroup.inputs.name, "/aws/vpc/cortex-a/flow-logs");
        const flowLog = b.one(FLOW_LOG);
        assert.equal(flowLog.inputs.vpcId, vpcState(b).vpcId);
        assert.equal(flowLog.inputs.trafficType, "ALL");
        assert.equal(flowLog.inputs.logDestinationType, "cloud-watch-logs");
        assert.equal(flowLog.inputs.logDestination, logGroup.state.arn);
        assert.equal(flowLog.inputs.iamRoleArn, b.one(ROLE, "-flow-logs").state.arn);
    });

    it("keeps the log group for 365 days by default", async () => {
        const b = await build({});
        assert.equal(b.one(LOG_GROUP, "-flow-logs").inputs.retentionInDays, 365);
    });

    it("retains the log group on destroy when protectData (the default), and not otherwise", async () => {
        assert.equal((await build({})).one(LOG_GROUP, "-flow-logs").options.retainOnDelete, true);
        assert.equal((await build({ protectData: true })).one(LOG_GROUP, "-flow-logs").options.retainOnDelete, true);
        assert.equal((await build({ protectData: false })).one(LOG_GROUP, "-flow-logs").options.retainOnDelete, false);
    });

    it("lets only the flow-logs service of this account assume the role", async () => {
        const b = await build({});
        assert.deepEqual(json(b.one(ROLE, "-flow-logs").inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } },
                },
            ],
        });
    });

    it("allows the role to write only to its own log group", async () => {
        const b = await build({});
        const logGroupArn = b.one(LOG_GROUP, "-flow-logs").state.arn as string;
        const policy = b.one(ROLE_POLICY, "-flow-logs");
        assert.equal(policy.inputs.role, b.one(ROLE, "-flow-logs").id);
        assert.deepEqual(json(policy.inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    Resource: [logGroupArn, `${logGroupArn}:*`],
                },
            ],
        });
    });

    it("builds none of it when flowLogs is false", async () => {
        const b = await build({ flowLogs: false });
        assert.deepEqual(b.ofType(FLOW_LOG), []);
        for (const type of [LOG_GROUP, ROLE, ROLE_POLICY]) {
            assert.deepEqual(named(b, type, "-flow-logs"), [], type);
        }
    });
});

describe("network: an existing VPC", () => {
    it("is used as given: no new VPC, its ids as the outputs", async () => {
        const b = await build({ existingVpc: EXISTING });
        assert.deepEqual(b.ofType(VPC), []);
        assert.equal(await valueOf(b.cluster.vpcId), EXISTING.vpcId);
        assert.deepEqual(await valueOf(b.cluster.publicSubnetIds), EXISTING.publicSubnetIds);
        assert.deepEqual(await valueOf(b.cluster.privateSubnetIds), EXISTING.privateSubnetIds);
    });

    it("takes ids that arrive as Outputs (a bad one is checked when it resolves: tests/hostedPrograms.test.ts)", async () => {
        const fromAnotherStack = {
            ...EXISTING,
            vpcId: pulumi.output(EXISTING.vpcId),
            privateSubnetIds: EXISTING.privateSubnetIds.map((id) => pulumi.output(id)),
        };
        const b = await build({ existingVpc: fromAnotherStack });
        assert.equal(await valueOf(b.cluster.vpcId), EXISTING.vpcId);
        assert.deepEqual(await valueOf(b.cluster.privateSubnetIds), EXISTING.privateSubnetIds);
        for (const group of b.ofType("eks:index:ManagedNodeGroup")) {
            assert.deepEqual(group.inputs.subnetIds, EXISTING.privateSubnetIds);
        }
    });

    it("gets flow logs and the S3 gateway endpoint on its route tables by default, and no endpoint with none", async () => {
        const b = await build({ existingVpc: EXISTING });
        assert.equal(b.one(FLOW_LOG).inputs.vpcId, EXISTING.vpcId);
        const s3 = b.one(ENDPOINT);
        assert.deepEqual(
            [s3.inputs.vpcEndpointType, s3.inputs.vpcId, s3.inputs.routeTableIds],
            ["Gateway", EXISTING.vpcId, mockCloud.existingRouteTableIds],
        );
        assert.deepEqual((await build({ existingVpc: EXISTING, vpcEndpoints: "none" })).ofType(ENDPOINT), []);
    });

    it("gets endpoints on its own route tables and subnets when asked", async () => {
        const b = await build({ existingVpc: EXISTING, vpcEndpoints: "all" });
        const s3 = b.ofType(ENDPOINT).find((e) => e.inputs.vpcEndpointType === "Gateway");
        assert.deepEqual(s3?.inputs.routeTableIds, mockCloud.existingRouteTableIds);
        assert.equal(s3?.inputs.vpcId, EXISTING.vpcId);
        for (const endpoint of b.ofType(ENDPOINT).filter((e) => e.inputs.vpcEndpointType === "Interface")) {
            assert.deepEqual(endpoint.inputs.subnetIds, EXISTING.privateSubnetIds);
        }
        const ingress = b.one(SECURITY_GROUP, "-endpoints").inputs.ingress as { cidrBlocks: string[] }[];
        assert.deepEqual(ingress[0].cidrBlocks, [EXISTING.cidrBlock]);
    });
});

describe("network: tags and the resource tree", () => {
    it("knows which resource types take tags from their SDKs", () => {
        assert.equal(isTaggable(VPC), true);
        assert.equal(isTaggable(ENDPOINT), true);
        assert.equal(isTaggable(ROLE), true);
        assert.equal(isTaggable(ROLE_POLICY), false);
        assert.equal(isTaggable("aws:iam/group:Group"), false);
    });

    // Every part switched on, in both kinds of runtime identity, so every kind of child is seen.
    const everything = (runtimeCredentials: CortexSecureClusterArgs["runtimeCredentials"]): CortexSecureClusterArgs => ({
        // Keys modes are v0.25's, nodeRole v0.42's; every part is on either way.
        cortexVersion: runtimeCredentials!.mode === "nodeRole" ? "0.42" : "0.25",
        vpcEndpoints: "all",
        apiGateway: true,
        cliUser: true,
        runtimeCredentials,
        vpcPeering: [{ vpcId: "vpc-0aaaaaaaaaaaaaaa1", cidrBlock: "172.16.0.0/16", routeTableIds: ["rtb-0aaaaaaaaaaaaaa01"] }],
        clusterAdmins: [`arn:aws:iam::${ACCOUNT_ID}:role/platform`],
        clusterName: "cortex-tags",
        tags: { team: "ml", "cost-center": "42" },
    });
    const identities: CortexSecureClusterArgs["runtimeCredentials"][] = [
        { mode: "iamUser" },
        { mode: "serviceAccountRole" },
        { mode: "nodeRole" },
    ];

    for (const runtimeCredentials of identities) {
        it(`tags every taggable child resource with the cluster name and the user's tags (${runtimeCredentials!.mode}, every part on)`, async () => {
            const b = await build(everything(runtimeCredentials));
            const parts = Object.values(CLUSTER_PARTS).map(clusterPartType);
            const children = b.resources.filter((r) => r.name !== b.name && !parts.includes(r.type) && isTaggable(r.type));
            assert.ok(children.length >= 40, `only ${children.length} children`);
            for (const child of children) {
                const tags = child.inputs.tags as Record<string, string> | undefined;
                assert.equal(tags?.[CLUSTER_NAME_TAG], "cortex-tags", `${child.type} ${child.name}`);
                assert.equal(tags?.team, "ml", `${child.type} ${child.name}`);
                assert.equal(tags?.["cost-center"], "42", `${child.type} ${child.name}`);
            }
            for (const spec of vpcInputs(b).subnetSpecs) {
                assert.equal(spec.tags[CLUSTER_NAME_TAG], "cortex-tags");
                assert.equal(spec.tags.team, "ml");
            }
        });
    }

    /** The components built by a provider's plugin (awsx, EKS), through Construct. */
    const REMOTE_COMPONENTS = ["awsx:ec2:Vpc", "eks:index:Cluster", "eks:index:ManagedNodeGroup"];
    // The part each kind of resource belongs to, as a reader of the resource tree looks for it.
    const PART_OF: Record<string, ClusterPartName> = {
        "aws:kms/key:Key": "Encryption",
        "aws:s3/bucket:Bucket": "Storage",
        "aws:ec2/flowLog:FlowLog": "Network",
        "aws:ec2/vpcEndpoint:VpcEndpoint": "Network",
        "aws:eks/addon:Addon": "Cluster",
        "aws:eks/accessEntry:AccessEntry": "Cluster",
        "aws:ec2/launchTemplate:LaunchTemplate": "NodeGroups",
        "aws:lb/loadBalancer:LoadBalancer": "LoadBalancers",
        "aws:autoscaling/attachment:Attachment": "LoadBalancers",
        "aws:apigatewayv2/api:Api": "ApiGateway",
        "aws:iam/user:User": "Identity",
        "aws:iam/policy:Policy": "Identity",
        "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "Peering",
        "aws:ec2/route:Route": "Peering",
        "pulumi:providers:kubernetes": "InCluster",
        "kubernetes:core/v1:Service": "InCluster",
    };

    for (const runtimeCredentials of identities) {
        it(`groups every resource under its part, each keeping its URN from directly under the component (${runtimeCredentials!.mode}, every part on)`, async () => {
            const b = await build(everything(runtimeCredentials));
            const component = b.resources.find((r) => r.name === b.name)!;
            const partTypes = Object.values(CLUSTER_PARTS).map(clusterPartType);
            const parts = b.resources.filter((r) => partTypes.includes(r.type));
            assert.deepEqual(parts.map((part) => part.type).sort(), [...partTypes].sort());
            for (const part of parts) {
                assert.equal(part.options.parent, component.urn, part.name);
                assert.ok(part.name.startsWith(`${b.name}-`), part.name);
                assert.deepEqual(part.options.aliases, [], `${part.name} is new: it has no earlier URN`);
            }
            // The remote components stay where they were: an alias would not reach the plugin that builds them.
            const remote = b.resources.filter((r) => REMOTE_COMPONENTS.includes(r.type));
            assert.deepEqual([...new Set(remote.map((r) => r.type))].sort(), [...REMOTE_COMPONENTS].sort());
            for (const r of remote) {
                assert.equal(r.options.parent, component.urn, `${r.type} ${r.name}`);
                assert.deepEqual(r.options.aliases, [], `${r.type} ${r.name}`);
            }
            const children = b.resources.filter((r) => r !== component && !parts.includes(r) && !remote.includes(r));
            assert.ok(children.length >= 60, `only ${children.length} children`);
            const seen = new Set(Object.keys(PART_OF));
            const earlierUrns = new Set(remote.map((r) => r.urn));
            for (const child of children) {
                const label = `${child.type} ${child.name}`;
                assert.ok(child.name.startsWith(`${b.name}-`), child.name);
                const part = b.partOf(child);
                assert.ok(part, `${label} hangs from no part`);
                if (PART_OF[child.type]) assert.equal(part, PART_OF[child.type], label);
                seen.delete(child.type);
                // The engine reads the alias as this resource's type and name under the component:
                // the URN it had when it was the component's child. (A provider may add its own, as
                // the AWS provider's Bucket does for its old type.)
                assert.ok(
                    child.options.aliases.some((alias) => JSON.stringify(alias) === JSON.stringify({ parentUrn: component.urn })),
                    `${label}: ${JSON.stringify(child.options.aliases)}`,
                );
                const earlier = `urn:pulumi:test::cortex-secure-cluster::${CORTEX_SECURE_CLUSTER_TYPE}$${child.type}::${child.name}`;
                assert.ok(!earlierUrns.has(earlier), `two resources would claim ${earlier}`);
                earlierUrns.add(earlier);
            }
            assert.deepEqual([...seen], [], "every kind of resource the table places was built");
        });
    }
});
