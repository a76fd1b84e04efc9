import { strict as assert } from "node:assert";
import { LOG_GROUP_NAMES } from "../components/encryption";
import { amiTypeFor } from "../components/nodeGroups";
import { EXISTING_VPC } from "./fixtures";
import { build, isSecret, valueOf } from "./harness";

type LaunchTemplateInputs = {
    metadataOptions: { httpTokens: string; httpPutResponseHopLimit: number; httpEndpoint: string };
    blockDeviceMappings: { ebs: { volumeSize: number; volumeType: string; encrypted: string } }[];
    networkInterfaces?: { associatePublicIpAddress: string; securityGroups: string[] }[];
    vpcSecurityGroupIds?: string[];
    keyName?: string;
};

const twoGroups = {
    nodeGroups: [
        {
            name: "cpu",
            instanceType: "m5.xlarge",
            minInstances: 0,
            maxInstances: 7,
            instanceVolumeSize: 100,
            instanceVolumeType: "io1" as const,
        },
        { name: "spot-gpu", instanceType: "g4dn.xlarge", spot: true, minInstances: 2, maxInstances: 3 },
    ],
};

describe("cluster and node groups", () => {
    describe("placement by subnet visibility", () => {
        it("puts every node group in the private subnets only when private, and no node gets a public IP", async () => {
            const b = await build({ subnetVisibility: "private", ...twoGroups });
            const privateSubnets = await valueOf(b.cluster.privateSubnetIds);
            const publicSubnets = await valueOf(b.cluster.publicSubnetIds);
            const groups = b.ofType("eks:index:ManagedNodeGroup");
            assert.equal(groups.length, 3, "operator + two worker groups");
            for (const group of groups) {
                assert.deepEqual(group.inputs.subnetIds, privateSubnets, group.name);
                assert.ok((group.inputs.subnetIds as string[]).every((id) => !publicSubnets.includes(id)));
            }
            for (const template of b.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
                const inputs = template.inputs as unknown as LaunchTemplateInputs;
                assert.equal(inputs.networkInterfaces?.length, 1, template.name);
                assert.equal(inputs.networkInterfaces![0].associatePublicIpAddress, "false");
            }
        });

        it("puts every node group in the public subnets when public", async () => {
            const b = await build({ subnetVisibility: "public", ...twoGroups });
            const publicSubnets = await valueOf(b.cluster.publicSubnetIds);
            for (const group of b.ofType("eks:index:ManagedNodeGroup")) {
                assert.deepEqual(group.inputs.subnetIds, publicSubnets, group.name);
            }
        });

        it("uses the existing VPC's subnets of the node tier", async () => {
            const b = await build({ existingVpc: EXISTING_VPC });
            for (const group of b.ofType("eks:index:ManagedNodeGroup")) {
                assert.deepEqual(group.inputs.subnetIds, EXISTING_VPC.privateSubnetIds);
            }
            assert.equal(b.one("eks:index:Cluster").inputs.vpcId, EXISTING_VPC.vpcId);
        });
    });

    describe("hardened nodes", () => {
        it("requires IMDSv2 with hop limit 1 in every credentials mode but nodeRole", async () => {
            for (const runtimeCredentials of [{ mode: "iamUser" as const }, { mode: "serviceAccountRole" as const }]) {
                const b = await build({ cortexVersion: "0.25", runtimeCredentials });
                const templates = b.ofType("aws:ec2/launchTemplate:LaunchTemplate");
                assert.equal(templates.length, 2);
                for (const template of templates) {
                    const { metadataOptions } = template.inputs as unknown as LaunchTemplateInputs;
                    assert.equal(metadataOptions.httpTokens, "required");
                    assert.equal(metadataOptions.httpPutResponseHopLimit, 1);
                    assert.equal(metadataOptions.httpEndpoint, "enabled");
                }
            }
        });

        it("encrypts root volumes with the spec's size and type, and sets no SSH key", async () => {
            const b = await build(twoGroups);
            const volumeOf = (group: string) =>
                (b.one("aws:ec2/launchTemplate:LaunchTemplate", `-ng-${group}`).inputs as unknown as LaunchTemplateInputs)
                    .blockDeviceMappings[0].ebs;
            assert.deepEqual(
                { ...volumeOf("cpu") },
                { volumeSize: 100, volumeType: "io1", encrypted: "true", deleteOnTermination: "true" },
            );
            assert.deepEqual(
                { ...volumeOf("spot-gpu") },
                { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            );
            assert.deepEqual(
                { ...volumeOf("operator") },
                { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            );
            for (const template of b.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
                assert.equal((template.inputs as unknown as LaunchTemplateInputs).keyName, undefined);
            }
            for (const group of b.ofType("eks:index:ManagedNodeGroup")) {
                assert.equal(group.inputs.remoteAccess, undefined, "no SSH access");
            }
        });

        it("attaches the cluster security group and the component's node security group to every node", async () => {
            const b = await build({ subnetVisibility: "public" });
            const nodeSecurityGroup = b.one("aws:ec2/securityGroup:SecurityGroup", "-nodes");
            const clusterSecurityGroupId = b.one("eks:index:Cluster").state.clusterSecurityGroupId;
            for (const template of b.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
                assert.deepEqual((template.inputs as unknown as LaunchTemplateInputs).vpcSecurityGroupIds, [
                    clusterSecurityGroupId,
                    nodeSecurityGroup.id,
                ]);
            }
            assert.equal((nodeSecurityGroup.inputs.ingress as unknown[] | undefined)?.length ?? 0, 0, "no ingress of its own");
        });
    });

    describe("node group sizing", () => {
        it("uses SPOT capacity for spot groups and ON_DEMAND otherwise", async () => {
            const b = await build(twoGroups);
            assert.equal(b.one("eks:index:ManagedNodeGroup", "-ng-spot-gpu").inputs.capacityType, "SPOT");
            assert.equal(b.one("eks:index:ManagedNodeGroup", "-ng-cpu").inputs.capacityType, "ON_DEMAND");
            assert.equal(b.one("eks:index:ManagedNodeGroup", "-ng-operator").inputs.capacityType, "ON_DEMAND");
        });

        it("sizes each group by its spec, starting at the minimum", async () => {
            const b = await build({ ...twoGroups, operatorNodeGroup: { instanceType: "t3.large", minInstances: 3, maxInstances: 4 } });
            const sizeOf = (group: string) => b.one("eks:index:ManagedNodeGroup", `-ng-${group}`).inputs.scalingConfig;
            assert.deepEqual(sizeOf("cpu"), { minSize: 0, maxSize: 7, desiredSize: 0 });
            assert.deepEqual(sizeOf("spot-gpu"), { minSize: 2, maxSize: 3, desiredSize: 2 });
            assert.deepEqual(sizeOf("operator"), { minSize: 3, maxSize: 4, desiredSize: 3 });
            assert.deepEqual(b.one("eks:index:ManagedNodeGroup", "-ng-operator").inputs.instanceTypes, ["t3.large"]);
        });

        it("defaults to an operator group t3.medium 2–25 and one worker group m5.large 1–5", async () => {
            const b = await build({});
            const operator = b.one("eks:index:ManagedNodeGroup", "-ng-operator").inputs;
            const worker = b.one("eks:index:ManagedNodeGroup", "-ng-worker").inputs;
            assert.deepEqual(
                [operator.instanceTypes, operator.scalingConfig],
                [["t3.medium"], { minSize: 2, maxSize: 25, desiredSize: 2 }],
            );
            assert.deepEqual([worker.instanceTypes, worker.scalingConfig], [["m5.large"], { minSize: 1, maxSize: 5, desiredSize: 1 }]);
        });

        it("labels every group with the name and role Cortex v0.42 reads", async () => {
            const b = await build(twoGroups);
            assert.deepEqual(b.one("eks:index:ManagedNodeGroup", "-ng-operator").inputs.labels, {
                "alpha.eksctl.io/nodegroup-name": "cx-operator",
                operator: "true",
            });
            assert.equal(
                (b.one("eks:index:ManagedNodeGroup", "-ng-spot-gpu").inputs.labels as Record<string, string>)["node-lifecycle"],
                "spot",
            );
            assert.equal(b.one("eks:index:ManagedNodeGroup", "-ng-cpu").inputs.nodeGroupName, "cx-wd-cpu");
        });

        it("picks the AMI type an instance family needs", () => {
            assert.equal(amiTypeFor("m5.large"), "AL2023_x86_64_STANDARD");
            assert.equal(amiTypeFor("m7g.large"), "AL2023_ARM_64_STANDARD");
            assert.equal(amiTypeFor("t4g.medium"), "AL2023_ARM_64_STANDARD");
            assert.equal(amiTypeFor("g4dn.xlarge"), "AL2023_x86_64_NVIDIA");
            assert.equal(amiTypeFor("p4d.24xlarge"), "AL2023_x86_64_NVIDIA");
            assert.equal(amiTypeFor("inf2.xlarge"), "AL2023_x86_64_NEURON");
        });
    });

    describe("control plane", () => {
        it("creates the control-plane log group first, with the retention, and the cluster depends on it", async () => {
            const b = await build({ clusterName: "prod-ml", logRetentionDays: 90 });
            const logGroup = b.one("aws:cloudwatch/logGroup:LogGroup", "-control-plane-logs");
            assert.equal(logGroup.inputs.name, LOG_GROUP_NAMES.controlPlane("prod-ml"));
            assert.equal(logGroup.inputs.name, "/aws/eks/prod-ml/cluster");
            assert.equal(logGroup.inputs.retentionInDays, 90);
            const cluster = b.one("eks:index:Cluster");
            assert.ok(
                cluster.options.dependencies.includes(logGroup.urn),
                `cluster depends on ${logGroup.urn}: ${cluster.options.dependencies.join(", ")}`,
            );
            assert.equal(cluster.inputs.name, "prod-ml");
            assert.deepEqual(cluster.inputs.enabledClusterLogTypes, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
        });

        it("sends only the chosen control-plane log types", async () => {
            const b = await build({ controlPlaneLogTypes: ["audit", "authenticator"] });
            assert.deepEqual(b.one("eks:index:Cluster").inputs.enabledClusterLogTypes, ["audit", "authenticator"]);
        });

        it("keeps the control-plane log group on destroy unless protectData is false", async () => {
            assert.equal((await build({})).one("aws:cloudwatch/logGroup:LogGroup", "-control-plane-logs").options.retainOnDelete, true);
            assert.equal(
                (await build({ protectData: false })).one("aws:cloudwatch/logGroup:LogGroup", "-control-plane-logs").options.retainOnDelete,
                false,
            );
        });

        it("encrypts secrets with the component's KMS key, which rotates", async () => {
            const b = await build({});
            const key = b.one("aws:kms/key:Key", "-key");
            assert.equal(key.inputs.enableKeyRotation, true);
            assert.equal(b.one("eks:index:Cluster").inputs.encryptionConfigKeyArn, key.state.arn);
        });

        it("encrypts secrets with the given key, keeping the component's key for its logs", async () => {
            const keyArn = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
            const b = await build({ secretsEncryptionKeyArn: keyArn });
            assert.equal(b.one("eks:index:Cluster").inputs.encryptionConfigKeyArn, keyArn);
            const ownKey = b.one("aws:kms/key:Key", "-key").state.arn;
            assert.equal(b.one("aws:cloudwatch/logGroup:LogGroup", "-control-plane-logs").inputs.kmsKeyId, ownKey);
        });

        it("has deletion protection with protectData, and none without", async () => {
            assert.equal((await build({})).one("eks:index:Cluster").inputs.deletionProtection, true);
            assert.equal((await build({ protectData: false })).one("eks:index:Cluster").inputs.deletionProtection, false);
        });

        it("keeps private endpoint access on, with public access and its CIDRs as configured", async () => {
            const admins = (await build({ adminCidrAllowList: ["198.51.100.0/24", "192.0.2.10/32"] })).one("eks:index:Cluster").inputs;
            assert.deepEqual(
                [admins.endpointPrivateAccess, admins.endpointPublicAccess, admins.publicAccessCidrs],
                [true, true, ["198.51.100.0/24", "192.0.2.10/32"]],
            );
            const open = (await build({ adminCidrAllowList: ["0.0.0.0/0"] })).one("eks:index:Cluster").inputs;
            assert.deepEqual(open.publicAccessCidrs, ["0.0.0.0/0"]);

            const listed = (await build({ clusterEndpointPublicAccessCidrs: ["203.0.113.7/32"] })).one("eks:index:Cluster").inputs;
            assert.deepEqual(
                [listed.endpointPrivateAccess, listed.endpointPublicAccess, listed.publicAccessCidrs],
                [true, true, ["203.0.113.7/32"]],
            );

            const closed = (await build({ clusterEndpointPublicAccess: false })).one("eks:index:Cluster").inputs;
            assert.deepEqual(
                [closed.endpointPrivateAccess, closed.endpointPublicAccess, closed.publicAccessCidrs],
                [true, false, undefined],
            );
        });

        it("has no default node group, an OIDC provider and access-entry authentication", async () => {
            const cluster = (await build({ kubernetesVersion: "1.33" })).one("eks:index:Cluster").inputs;
            assert.equal(cluster.skipDefaultNodeGroup, true);
            assert.equal(cluster.createOidcProvider, true);
            assert.equal(cluster.authenticationMode, "API");
            assert.equal(cluster.version, "1.33");
        });
    });

    describe("outputs", () => {
        it("exposes clusterName, a secret kubeconfig and the OIDC provider", async () => {
            const b = await build({ clusterName: "ml-dev" });
            assert.equal(await valueOf(b.cluster.clusterName), "ml-dev");
            assert.equal(await isSecret(b.cluster.kubeconfig), true);
            const kubeconfig = JSON.parse(await valueOf(b.cluster.kubeconfig));
            assert.equal(kubeconfig.kind, "Config");
            assert.match(await valueOf(b.cluster.oidcProviderArn), /^arn:aws:iam::123456789012:oidc-provider\/oidc\.eks\./);
        });
    });
});
