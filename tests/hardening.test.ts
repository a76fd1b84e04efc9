// The hardening a reviewer expects: the VPC's default security group emptied, the S3 endpoint
// limited on request, named cluster admins, and the node add-ons managed at pinned versions.
import { strict as assert } from "node:assert";
import { EKS_ADDON_VERSIONS } from "../components/addons";
import { creatorPrincipal } from "../components/clusterAccess";
import { PolicyDocument } from "../components/policyDocument";
import { build, valueOf } from "./harness";
import { ACCOUNT_ID } from "../tools/mockCloud";
import { EXISTING_VPC } from "./fixtures";

const ADMINS = [`arn:aws:iam::${ACCOUNT_ID}:role/platform-admins`, `arn:aws:iam::${ACCOUNT_ID}:user/alice`];

describe("the VPC's default security group", () => {
    it("is taken over with no rules at all in a new VPC", async () => {
        const b = await build({});
        const defaultGroup = b.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
        assert.equal(defaultGroup.inputs.vpcId, await valueOf(b.cluster.vpcId));
        // No ingress or egress given: the provider removes every rule the VPC came with.
        assert.equal(defaultGroup.inputs.ingress, undefined);
        assert.equal(defaultGroup.inputs.egress, undefined);
    });

    it("is left alone in an existing VPC, which is not the component's", async () => {
        const b = await build({ existingVpc: EXISTING_VPC });
        assert.equal(b.ofType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").length, 0);
    });
});

describe("the S3 gateway endpoint's policy", () => {
    it("is AWS's full access by default", async () => {
        assert.equal((await build({})).one("aws:ec2/vpcEndpoint:VpcEndpoint", "-s3").inputs.policy, undefined);
    });

    it("admits only the cluster's buckets and what nodes pull with clusterBuckets", async () => {
        const models = "arn:aws:s3:::example-models";
        const b = await build({ s3EndpointAccess: "clusterBuckets", modelBucketArns: [models] });
        const policy = JSON.parse(b.one("aws:ec2/vpcEndpoint:VpcEndpoint", "-s3").inputs.policy as string) as PolicyDocument;
        const bucket = b.one("aws:s3/bucket:Bucket").state.arn as string;
        assert.deepEqual(
            policy.Statement.map((statement) => [statement.Action, statement.Resource]),
            [
                ["s3:*", [bucket, `${bucket}/*`, models, `${models}/*`]],
                ["s3:GetObject", ["arn:aws:s3:::prod-us-west-2-starport-layer-bucket/*", "arn:aws:s3:::al2023-repos-us-west-2-de612dc2/*"]],
            ],
        );
    });
});

describe("cluster admins", () => {
    it("gives each of clusterAdmins an access entry with the cluster admin policy, cluster-wide", async () => {
        const b = await build({ clusterAdmins: ADMINS });
        const clusterName = await valueOf(b.cluster.clusterName);
        const entries = b.ofType("aws:eks/accessEntry:AccessEntry");
        assert.deepEqual(
            entries.map((entry) => [entry.inputs.clusterName, entry.inputs.principalArn, entry.inputs.type]),
            ADMINS.map((arn) => [clusterName, arn, "STANDARD"]),
        );
        assert.deepEqual(
            b
                .ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
                .map((association) => [association.inputs.principalArn, association.inputs.policyArn, association.inputs.accessScope]),
            ADMINS.map((arn) => [arn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }]),
        );
    });

    it("gives nobody but the creator access by default, and says who the creator is", async () => {
        const b = await build({});
        assert.equal(b.ofType("aws:eks/accessEntry:AccessEntry").length, 0);
        const posture = b.one("cortex-secure-cluster:index:CortexSecureCluster").outputs!.posture as {
            clusterAccess: { creator: string; admins: string[] };
        };
        assert.deepEqual(posture.clusterAccess, { creator: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`, admins: [] });
    });

    it("shows an assumed-role creator as its role, which is what EKS records", () => {
        assert.equal(
            creatorPrincipal(`arn:aws:sts::${ACCOUNT_ID}:assumed-role/deployer-role/ci-session-42`),
            `arn:aws:iam::${ACCOUNT_ID}:role/deployer-role`,
        );
        assert.equal(creatorPrincipal(`arn:aws:iam::${ACCOUNT_ID}:user/deployer`), `arn:aws:iam::${ACCOUNT_ID}:user/deployer`);
    });
});

describe("node add-ons", () => {
    for (const kubernetesVersion of ["1.33", "1.34"]) {
        it(`manages the VPC CNI, kube-proxy and CoreDNS at the versions pinned for ${kubernetesVersion}`, async () => {
            const b = await build({ kubernetesVersion });
            const addons = b.ofType("aws:eks/addon:Addon");
            assert.deepEqual(
                Object.fromEntries(addons.map((addon) => [addon.inputs.addonName, addon.inputs.addonVersion])),
                EKS_ADDON_VERSIONS[kubernetesVersion],
            );
            for (const addon of addons) {
                assert.deepEqual(
                    [addon.inputs.resolveConflictsOnCreate, addon.inputs.resolveConflictsOnUpdate],
                    ["OVERWRITE", "OVERWRITE"],
                );
            }
            const cni = addons.find((addon) => addon.inputs.addonName === "vpc-cni")!;
            assert.deepEqual(JSON.parse(cni.inputs.configurationValues as string), { enableNetworkPolicy: "true" });
            // @pulumi/eks installs none of its own beside them.
            const cluster = b.one("eks:index:Cluster").inputs;
            const enabled = (options: unknown) => (options as { enabled?: boolean } | undefined)?.enabled;
            assert.deepEqual(
                [cluster.useDefaultVpcCni, enabled(cluster.kubeProxyAddonOptions), enabled(cluster.corednsAddonOptions)],
                [true, false, false],
            );
        });
    }

    it("creates CoreDNS after the node groups it runs on", async () => {
        const b = await build({});
        const coredns = b.ofType("aws:eks/addon:Addon").find((addon) => addon.inputs.addonName === "coredns")!;
        const nodeGroups = b.ofType("eks:index:ManagedNodeGroup").map((group) => group.urn);
        for (const urn of nodeGroups) assert.ok(coredns.options.dependencies.includes(urn), urn);
    });

    it("pins a version of each add-on for every Kubernetes version it accepts", () => {
        for (const versions of Object.values(EKS_ADDON_VERSIONS)) {
            assert.deepEqual(Object.keys(versions).sort(), ["coredns", "kube-proxy", "vpc-cni"]);
            for (const version of Object.values(versions)) assert.match(version, /^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
        }
    });
});
