// What each Cortex release reads, held against the component. The rules come from Cortex's source:
// cli/types/cliconfig/environment.go and cli/cmd/lib_cli_config.go (the CLI config),
// manager/generate_eks.py and pkg/workloads/k8s.go (node groups), pkg/types/clusterconfig
// (cluster.yaml, instance types), pkg/types/clusterconfig/aws_policy.go@v0.42.1 (node role policy),
// at the tags v0.18.0, v0.25.0 and v0.42.1.
import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { CortexSecureClusterArgs, CortexVersion } from "../components";
import { cliConfigProblems, cliConfigureCommandFor } from "../components/cliConfig";
import { cortexNodeLabels } from "../components/nodeGroups";
import { resolveSettings } from "../components/settings";
import { build, isSecret, valueOf, withAdmins } from "./harness";

const ENDPOINT = "https://op.elb.us-west-2.amazonaws.com";
const KEY = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const PROVIDED = { mode: "provided" as const, ...KEY };
const messageOf = (args: CortexSecureClusterArgs) => {
    try {
        resolveSettings(withAdmins(args));
    } catch (error) {
        return (error as Error).message;
    }
    return "";
};

describe("Cortex releases: the CLI environment", () => {
    const modes: Record<CortexVersion, CortexSecureClusterArgs["runtimeCredentials"][]> = {
        "0.18": [{ mode: "iamUser" }, PROVIDED],
        "0.25": [{ mode: "iamUser" }, PROVIDED, { mode: "serviceAccountRole" }],
        "0.42": [{ mode: "nodeRole" }, { mode: "serviceAccountRole" }],
    };
    for (const [version, credentials] of Object.entries(modes) as [CortexVersion, CortexSecureClusterArgs["runtimeCredentials"][]][]) {
        for (const runtimeCredentials of credentials) {
            for (const cliUser of [false, true]) {
                it(`${version}, ${runtimeCredentials!.mode}, cliUser ${cliUser}: the release's fields only, never a runtime key`, async () => {
                    const b = await build({ cortexVersion: version, runtimeCredentials, cliUser });
                    const environment = await valueOf(b.cluster.cliEnvironment);
                    const runtimeKey = b.cluster.runtimeAccessKeyId ? await valueOf(b.cluster.runtimeAccessKeyId) : undefined;
                    if (version === "0.42") {
                        // v0.42 reads name and operator_endpoint; it signs with local credentials.
                        assert.deepEqual(Object.keys(environment).sort(), ["name", "operator_endpoint"]);
                        assert.equal(await isSecret(b.cluster.cliEnvironment), false);
                    } else {
                        // v0.18/v0.25 require provider aws and a key, and refuse aws_region.
                        const fields = [
                            "name",
                            "operator_endpoint",
                            "provider",
                            ...(cliUser ? ["aws_access_key_id", "aws_secret_access_key"] : []),
                        ];
                        assert.deepEqual(Object.keys(environment).sort(), fields.sort());
                        assert.equal(environment.provider, "aws");
                        assert.equal(await isSecret(b.cluster.cliEnvironment), cliUser);
                        if (cliUser) assert.equal(environment.aws_access_key_id, await valueOf(b.cluster.cliAccessKeyId!));
                    }
                    assert.notEqual(environment.aws_access_key_id ?? "none", runtimeKey);
                    assert.equal(await valueOf(b.cluster.cortexVersion), version);
                });
            }
        }
    }

    it("configures with each release's flags, naming the key by shell variable, never the key", () => {
        assert.equal(
            cliConfigureCommandFor("0.42", { name: "prod", operatorEndpoint: ENDPOINT }),
            `cortex env configure prod --operator-endpoint ${ENDPOINT}`,
        );
        const keys = cliConfigureCommandFor("0.25", { name: "prod", operatorEndpoint: ENDPOINT });
        assert.match(
            keys,
            /^cortex env configure prod --provider aws --operator-endpoint \S+ --aws-access-key-id "\$\{CORTEX_CLI_AWS_ACCESS_KEY_ID:\?[^}]*\}" --aws-secret-access-key "\$\{CORTEX_CLI_AWS_SECRET_ACCESS_KEY:\?[^}]*\}"$/,
        );
        assert.doesNotMatch(keys, /--aws-region/);
    });
});

describe("Cortex releases: what the CLI refuses in cli.yaml", () => {
    const aws = {
        name: "prod",
        provider: "aws",
        operator_endpoint: ENDPOINT,
        aws_access_key_id: KEY.accessKeyId,
        aws_secret_access_key: KEY.secretAccessKey,
    };
    it("accepts an aws environment with keys and no region in every release", () => {
        for (const version of ["0.18", "0.25", "0.42"] as const)
            assert.deepEqual(cliConfigProblems(version, { environments: [aws] }), [], version);
    });
    it("refuses aws_region and a missing key in v0.18/v0.25, not in v0.42", () => {
        const withRegion = { environments: [{ ...aws, aws_region: "us-west-2" }] };
        assert.deepEqual(cliConfigProblems("0.25", withRegion), ["environments: prod: aws_region: must be empty"]);
        assert.deepEqual(cliConfigProblems("0.42", withRegion), []);
        const noKey = { environments: [{ name: "prod", provider: "aws", operator_endpoint: ENDPOINT }] };
        assert.deepEqual(cliConfigProblems("0.18", noKey), [
            "environments: prod: aws_access_key_id: must be defined",
            "environments: prod: aws_secret_access_key: must be defined",
        ]);
    });
    it("refuses unknown keys inside an environment in v0.18/v0.25 only, and at the top level in all", () => {
        assert.deepEqual(cliConfigProblems("0.18", { environments: [{ ...aws, foo: "bar" }] }), [
            'environments: prod: key "foo" is not supported',
        ]);
        assert.deepEqual(cliConfigProblems("0.42", { environments: [{ name: "prod", operator_endpoint: ENDPOINT, foo: "bar" }] }), []);
        assert.match(cliConfigProblems("0.42", { foo: 1 })[0], /key "foo" is not supported/);
    });
    it("reserves local and aws names (and gcp from v0.25) for their providers", () => {
        assert.deepEqual(cliConfigProblems("0.18", { environments: [{ ...aws, name: "gcp" }] }), []);
        assert.match(
            cliConfigProblems("0.25", { environments: [{ ...aws, name: "gcp" }] }).join(),
            /an environment named "gcp" cannot use aws provider/,
        );
        assert.match(
            cliConfigProblems("0.18", { environments: [{ ...aws, name: "local" }] }).join(),
            /named "local" cannot use aws provider/,
        );
        assert.match(
            cliConfigProblems("0.42", { environments: [{ name: "x", provider: "local", operator_endpoint: ENDPOINT }] }).join(),
            /no longer supported/,
        );
    });
    it("refuses duplicate names and names over 63 characters", () => {
        assert.match(cliConfigProblems("0.42", { environments: [aws, aws] }).join(), /duplicate environment names/);
        assert.match(cliConfigProblems("0.42", { environments: [{ ...aws, name: "a".repeat(64) }] }).join(), /no more than 63 characters/);
    });
    it("refuses a stack name the release reserves, when the component is built", () => {
        assert.throws(
            () => resolveSettings(withAdmins({ cortexVersion: "0.25" }), { stackName: "aws" }),
            /the stack name .*: got "aws"; allowed: a name other than local, aws, gcp/,
        );
        assert.equal(resolveSettings(withAdmins({}), { stackName: "aws" }).cortexVersion, "0.42");
    });
});

describe("Cortex releases: node groups as Cortex schedules on them", () => {
    it("names the groups as each release's eksctl config does", async () => {
        const names = async (cortexVersion: CortexVersion, spot: boolean) => {
            const b = await build({ cortexVersion, nodeGroups: [{ name: "cpu", instanceType: "m5.large", spot }] });
            return b
                .ofType("eks:index:ManagedNodeGroup")
                .map((group) => group.inputs.nodeGroupName)
                .sort();
        };
        assert.deepEqual(await names("0.18", false), ["ng-cortex-operator", "ng-cortex-worker-on-demand"]);
        assert.deepEqual(await names("0.25", true), ["ng-cortex-operator", "ng-cortex-worker-spot"]);
        assert.deepEqual(await names("0.42", false), ["cx-operator", "cx-wd-cpu"]);
        assert.deepEqual(await names("0.42", true), ["cx-operator", "cx-ws-cpu"]);
    });

    it("labels and taints workers for Cortex's API pods: workload, GPU, Inferentia (infa in v0.18, neuron later), spot", () => {
        const gpu = cortexNodeLabels("0.42", { name: "gpu", instanceType: "g4dn.xlarge", spot: true }, "worker");
        assert.deepEqual(gpu.labels, {
            "alpha.eksctl.io/nodegroup-name": "cx-ws-gpu",
            workload: "true",
            lifecycle: "Ec2Spot",
            "node-lifecycle": "spot",
            "nvidia.com/gpu": "true",
            "k8s.amazonaws.com/accelerator": "true",
        });
        assert.deepEqual(
            gpu.taints.map((t) => `${t.key}=${t.value}`),
            ["workload=true", "nvidia.com/gpu=true"],
        );
        assert.deepEqual(
            cortexNodeLabels("0.18", { name: "w", instanceType: "inf1.xlarge", spot: false }, "worker").taints.map((t) => t.key),
            ["workload", "aws.amazon.com/infa"],
        );
        assert.deepEqual(
            cortexNodeLabels("0.25", { name: "w", instanceType: "inf1.xlarge", spot: false }, "worker").taints.map((t) => t.key),
            ["workload", "aws.amazon.com/neuron"],
        );
        assert.deepEqual(cortexNodeLabels("0.42", { name: "op", instanceType: "t3.medium", spot: false }, "operator"), {
            name: "cx-operator",
            labels: { "alpha.eksctl.io/nodegroup-name": "cx-operator", operator: "true" },
            taints: [],
        });
    });

    it("gives the managed node groups those labels and taints, and groups that start at 0 the autoscaler's node-template tags", async () => {
        const b = await build({
            nodeGroups: [
                { name: "gpu", instanceType: "g4dn.xlarge", minInstances: 0 },
                { name: "cpu", instanceType: "m5.large" },
            ],
        });
        const gpu = b.ofType("eks:index:ManagedNodeGroup").find((group) => group.inputs.nodeGroupName === "cx-wd-gpu")!;
        assert.equal((gpu.inputs.labels as Record<string, string>).workload, "true");
        assert.deepEqual(gpu.inputs.taints, [
            { key: "workload", value: "true", effect: "NO_SCHEDULE" },
            { key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" },
        ]);
        const tags = b
            .ofType("aws:autoscaling/tag:Tag")
            .map((tag) => tag.inputs as { autoscalingGroupName: string; tag: { key: string; value: string } });
        assert.ok(
            tags.every((tag) => tag.autoscalingGroupName === "eks-cx-wd-gpu-asg"),
            "only the group that starts at 0",
        );
        const byKey = Object.fromEntries(tags.map((tag) => [tag.tag.key, tag.tag.value]));
        assert.equal(byKey["k8s.io/cluster-autoscaler/node-template/label/workload"], "true");
        assert.equal(byKey["k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu"], "true:NoSchedule");
    });

    it("refuses instance types the release's tables do not know, naming the release", () => {
        assert.match(
            messageOf({ cortexVersion: "0.42", nodeGroups: [{ name: "w", instanceType: "m7i.large" }] }),
            /nodeGroups\[0\]\.instanceType: got "m7i\.large"; allowed: an instance type Cortex v0\.42\.1 knows/,
        );
        assert.match(
            messageOf({ cortexVersion: "0.18", nodeGroups: [{ name: "w", instanceType: "m6i.large" }] }),
            /Cortex v0\.18\.0 knows/,
        );
        assert.match(
            messageOf({ cortexVersion: "0.25", nodeGroups: [{ name: "w", instanceType: "m6g.large" }] }),
            /ARM-based instances are not supported by Cortex v0\.25/,
        );
        assert.equal(messageOf({ cortexVersion: "0.42", nodeGroups: [{ name: "w", instanceType: "m6i.large" }] }), "");
    });

    it("refuses what v0.18/v0.25's cluster.yaml cannot describe: two worker groups, gp3 volumes", () => {
        const two = [
            { name: "a", instanceType: "m5.large" },
            { name: "b", instanceType: "m5.large" },
        ];
        assert.match(
            messageOf({ cortexVersion: "0.25", nodeGroups: two }),
            /nodeGroups: got \["a","b"\]; allowed: 1 node group with Cortex v0\.25\.0/,
        );
        assert.match(
            messageOf({ cortexVersion: "0.18", nodeGroups: [{ name: "a", instanceType: "m5.large", instanceVolumeType: "gp3" }] }),
            /instanceVolumeType: got "gp3"/,
        );
        assert.equal(resolveSettings(withAdmins({ cortexVersion: "0.25" })).nodeGroups[0].instanceVolumeType, "gp2");
    });
});

describe("Cortex releases: the runtime identity", () => {
    it("defaults to keys for v0.18/v0.25 and to the node role for v0.42, refusing a mode the release cannot use", () => {
        assert.equal(resolveSettings(withAdmins({ cortexVersion: "0.25" })).runtimeCredentials.mode, "iamUser");
        assert.equal(resolveSettings(withAdmins({})).runtimeCredentials.mode, "nodeRole");
        assert.match(
            messageOf({ cortexVersion: "0.42", runtimeCredentials: { mode: "iamUser" } }),
            /runtimeCredentials\.mode: got "iamUser"; allowed: "nodeRole" or "serviceAccountRole": Cortex v0\.42\.1 reads no keys/,
        );
        assert.match(
            messageOf({ cortexVersion: "0.18", runtimeCredentials: { mode: "nodeRole" } }),
            /reads its AWS keys from the Secret aws-credentials/,
        );
    });

    it("nodeRole: the runtime policy on the nodes' role, with v0.42's queues and spot prices, and hop limit 2", async () => {
        const b = await build({});
        const role = b.one("aws:iam/role:Role", "-nodes");
        const policy = b.one("aws:iam/policy:Policy", "-runtime");
        const attachment = b
            .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .find((a) => a.inputs.policyArn === policy.state.arn)!;
        assert.equal(attachment.inputs.role, role.state.name);
        const statements = JSON.parse(policy.inputs.policy as string).Statement as {
            Action: string | string[];
            Resource: string | string[];
        }[];
        assert.ok(statements.some((s) => s.Resource === "arn:aws:sqs:us-west-2:123456789012:cx_*"));
        assert.ok(statements.some((s) => ([] as string[]).concat(s.Action).includes("ec2:DescribeSpotPriceHistory")));
        assert.ok(!statements.some((s) => ([] as string[]).concat(s.Action).some((a) => a.endsWith(":*"))), "no service wildcards");
        for (const template of b.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
            assert.equal((template.inputs.metadataOptions as { httpPutResponseHopLimit: number }).httpPutResponseHopLimit, 2);
        }
        assert.equal(b.cluster.runtimeAccessKeyId, undefined);
    });

    it("keys releases keep hop limit 1 and no runtime policy on the nodes", async () => {
        const b = await build({ cortexVersion: "0.25" });
        for (const template of b.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
            assert.equal((template.inputs.metadataOptions as { httpPutResponseHopLimit: number }).httpPutResponseHopLimit, 1);
        }
        const policy = b.one("aws:iam/policy:Policy", "-runtime");
        assert.ok(!b.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").some((a) => a.inputs.policyArn === policy.state.arn));
    });

    it("v0.18 builds the API Gateway its operator needs, and lets the runtime manage its routes", async () => {
        assert.match(messageOf({ cortexVersion: "0.18", apiGateway: false }), /apiGateway: got false; allowed: true with Cortex v0\.18\.0/);
        const b = await build({ cortexVersion: "0.18" });
        const api = b.one("aws:apigatewayv2/api:Api");
        assert.equal((api.inputs.tags as Record<string, string>)["cortex.dev/cluster-name"], "cortex");
        const policy = JSON.parse(b.one("aws:iam/policy:Policy", "-runtime").inputs.policy as string) as {
            Statement: { Resource: string | string[] }[];
        };
        assert.ok(policy.Statement.some((s) => s.Resource === `arn:aws:apigateway:us-west-2::/apis/${api.id}/*`));
    });
});

describe("Cortex releases: cortexClusterConfig", () => {
    const configOf = async (args: CortexSecureClusterArgs) =>
        parse(await valueOf((await build(args)).cluster.cortexClusterConfig)) as Record<string, unknown>;

    it("v0.42: node groups as a list, the allow lists, no bucket (the CLI names it) and no S3 full access", async () => {
        const config = await configOf({
            nodeGroups: [{ name: "cpu", instanceType: "m5.large" }],
            apiLoadBalancerCidrAllowList: ["203.0.113.0/24"],
        });
        assert.equal(config.cluster_name, "cortex");
        assert.equal(config.region, "us-west-2");
        assert.equal(config.bucket, undefined);
        assert.deepEqual(config.node_groups, [
            {
                name: "cpu",
                instance_type: "m5.large",
                min_instances: 1,
                max_instances: 5,
                instance_volume_size: 50,
                instance_volume_type: "gp3",
                spot: false,
            },
        ]);
        assert.deepEqual(config.api_load_balancer_cidr_white_list, ["203.0.113.0/24"]);
        assert.deepEqual(config.iam_policy_arns, []);
        assert.deepEqual(config.availability_zones, ["us-west-2a", "us-west-2b", "us-west-2c"]);
        assert.deepEqual(config.tags, { "cortex.dev/cluster-name": "cortex" });
    });

    it("v0.25: provider aws, one worker group at the top level, api_gateway, the bucket, no allow lists", async () => {
        const config = await configOf({ cortexVersion: "0.25" });
        assert.equal(config.provider, "aws");
        assert.equal(config.instance_type, "m5.large");
        assert.equal(config.api_gateway, "none");
        assert.match(String(config.bucket), /^cortex-/);
        assert.equal(config.api_load_balancer_cidr_white_list, undefined);
        assert.equal(config.log_group, undefined);
    });

    it("v0.18: log_group, no provider and no vpc_cidr", async () => {
        const config = await configOf({ cortexVersion: "0.18" });
        assert.equal(config.log_group, "cortex");
        assert.equal(config.provider, undefined);
        assert.equal(config.vpc_cidr, undefined);
        assert.equal(config.subnet_visibility, "private");
    });
});
