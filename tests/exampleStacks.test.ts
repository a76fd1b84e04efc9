// The example stack files: each parses into valid arguments with the posture it promises, and
// builds the network it describes.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_NAMESPACE, CortexSecureClusterArgs, parseStackConfig, readStackFile, resolveSettings } from "../components";
import { build } from "./harness";
import { mockCloud } from "../tools/mockCloud";

function readStack(stack: "dev" | "prod"): { region: string; config: Record<string, string>; args: CortexSecureClusterArgs } {
    const { config, secretKeys } = readStackFile(readFileSync(join(__dirname, "..", `Pulumi.${stack}.yaml`), "utf8"));
    return { region: config["aws:region"], config, args: parseStackConfig(config, secretKeys) };
}

const vpcOf = async (stack: "dev" | "prod") => {
    const { region, args } = readStack(stack);
    mockCloud.region = region;
    const built = await build(args);
    return { built, inputs: built.one("awsx:ec2:Vpc").inputs, state: built.one("awsx:ec2:Vpc").state };
};

describe("example stacks", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`Pulumi.${stack}.yaml sets the AWS region and only keys of this project`, () => {
            const { region, config } = readStack(stack);
            assert.match(region, /^[a-z]{2}-[a-z]+-\d$/);
            for (const key of Object.keys(config)) {
                assert.ok(key === "aws:region" || key.startsWith(`${CONFIG_NAMESPACE}:`), `${key} is in neither namespace`);
            }
        });
    }

    it("Pulumi.dev.yaml is cheap: public nodes, one NAT, the API open, the admin planes for the admins only, a small group", () => {
        const settings = resolveSettings(readStack("dev").args);
        assert.equal(settings.subnetVisibility, "public");
        assert.equal(settings.natGateway, "single");
        assert.equal(settings.apiLoadBalancerScheme, "internet-facing");
        assert.equal(settings.operatorLoadBalancerScheme, "internet-facing");
        assert.deepEqual(settings.apiLoadBalancerCidrAllowList, ["0.0.0.0/0"]);
        assert.deepEqual(settings.operatorLoadBalancerCidrAllowList, ["198.51.100.0/24"]);
        assert.deepEqual(settings.clusterEndpointPublicAccessCidrs, ["198.51.100.0/24"]);
        assert.deepEqual(
            settings.nodeGroups.map((g) => [g.name, g.minInstances, g.maxInstances]),
            [["worker", 0, 2]],
        );
        assert.ok(settings.operatorNodeGroup.maxInstances <= 2);
    });

    it("Pulumi.prod.yaml is private: NAT in every zone, internal operator, allow-listed API, a peered VPC, kept data", () => {
        const settings = resolveSettings(readStack("prod").args);
        assert.equal(settings.subnetVisibility, "private");
        assert.equal(settings.natGateway, "highly_available");
        assert.equal(settings.operatorLoadBalancerScheme, "internal");
        // The internal operator admits the VPC and the peer, nothing else.
        assert.deepEqual(settings.operatorLoadBalancerCidrAllowList, ["10.20.0.0/16", "10.30.0.0/16"]);
        assert.equal(settings.apiLoadBalancerScheme, "internet-facing");
        assert.deepEqual(settings.apiLoadBalancerCidrAllowList, ["203.0.113.0/24", "198.51.100.7/32"]);
        assert.deepEqual(settings.clusterEndpointPublicAccessCidrs, ["203.0.113.0/24"]);
        assert.deepEqual(settings.clusterAdmins, ["arn:aws:iam::123456789012:role/ml-platform-admins"]);
        assert.deepEqual(settings.vpcPeering, [
            {
                vpcId: "vpc-0a1b2c3d4e5f67890",
                cidrBlock: "10.30.0.0/16",
                routeTableIds: ["rtb-0a1b2c3d4e5f67890", "rtb-0a1b2c3d4e5f67891"],
            },
        ]);
        assert.equal(settings.flowLogs, true);
        assert.equal(settings.protectData, true);
        assert.equal(settings.runtimeCredentials.mode, "serviceAccountRole");
    });

    it("Pulumi.dev.yaml builds a VPC with one NAT gateway across the region's zones", async () => {
        const { inputs, state } = await vpcOf("dev");
        assert.deepEqual(inputs.natGateways, { strategy: "Single" });
        assert.equal((state.natGateways as unknown[]).length, 1);
        assert.equal(inputs.numberOfAvailabilityZones, 3);
        assert.deepEqual(
            new Set((state.subnets as { availabilityZone: string }[]).map((s) => s.availabilityZone)),
            new Set(["us-west-2a", "us-west-2b", "us-west-2c"]),
        );
        assert.equal(inputs.cidrBlock, "192.168.0.0/16");
    });

    it("Pulumi.prod.yaml builds its VPC CIDR with a NAT gateway in every zone and retained flow logs", async () => {
        const { built, inputs, state } = await vpcOf("prod");
        assert.equal(inputs.cidrBlock, "10.20.0.0/16");
        assert.deepEqual(inputs.natGateways, { strategy: "OnePerAz" });
        assert.equal((state.natGateways as unknown[]).length, 3);
        const logGroup = built.one("aws:cloudwatch/logGroup:LogGroup", "-flow-logs");
        assert.equal(logGroup.inputs.retentionInDays, 365);
        assert.equal(logGroup.options.retainOnDelete, true);
        assert.equal(built.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 1);
    });
});
