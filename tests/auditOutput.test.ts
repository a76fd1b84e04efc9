// The stack's `audit` output is exactly what `cortex-secure-cluster audit` reads: the command's own
// schema accepts it, it holds no secret, and it says what the stack declared.
import { strict as assert } from "node:assert";
import { auditInputsFromStackOutputs, auditInputsSchema } from "../bin/audit/inputs";
import { CortexSecureClusterArgs } from "../components";
import { build, isSecret, valueOf } from "./harness";

const CERTIFICATE = "arn:aws:acm:us-west-2:123456789012:certificate/abcd-1234";

async function auditOf(args: CortexSecureClusterArgs) {
    const b = await build(args);
    const audit = b.cluster.audit;
    assert.equal(await isSecret(audit), false, "the audit output must be readable without --show-secrets");
    return { b, audit: auditInputsSchema.parse(JSON.parse(await valueOf(audit))) };
}

describe("the audit output", () => {
    it("declares the default stack (Cortex 0.42, nodeRole) in the audit's own schema", async () => {
        const { b, audit } = await auditOf({});
        assert.equal(audit.clusterName, "cortex");
        assert.equal(audit.subnetVisibility, "private");
        assert.equal(audit.metadataHopLimit, 2);
        assert.equal(audit.runtime.kind, "role");
        const nodeRole = b.one("aws:iam/role:Role", "-nodes");
        assert.equal(audit.runtime.kind === "role" && audit.runtime.roleName, nodeRole.state.name);
        assert.equal(audit.runtime.kind === "role" && audit.runtime.alsoAttached.length, 3);
        assert.deepEqual(audit.loadBalancers.operator.allowList, ["198.51.100.0/24"]);
        assert.deepEqual(
            audit.nodeGroups.map((group) => group.name),
            ["cx-operator", "cx-wd-worker"],
        );
        assert.deepEqual(
            audit.logGroups.map((group) => group.name),
            ["/aws/eks/cortex/cluster", "/aws/vpc/cortex/flow-logs", "cortex"],
        );
        assert.ok(audit.flowLog?.id.startsWith("fl-"));
        assert.deepEqual(audit.cluster.admins, ["arn:aws:iam::123456789012:user/deployer"]);
    });

    it("names the runtime user, its group and its key id (never the secret) for Cortex 0.25, and the TLS listener", async () => {
        const { b, audit } = await auditOf({ cortexVersion: "0.25", sslCertificateArn: CERTIFICATE, flowLogs: false });
        assert.equal(audit.metadataHopLimit, 1);
        assert.equal(audit.runtime.kind, "user");
        const key = b.one("aws:iam/accessKey:AccessKey", "-runtime");
        assert.equal(audit.runtime.kind === "user" && audit.runtime.accessKeyId, key.id);
        assert.ok(!JSON.stringify(audit).includes(String(key.state.secret)), "the runtime secret is in the audit output");
        assert.deepEqual(audit.loadBalancers.api.listeners, [
            { port: 443, protocol: "TLS", nodePort: 30080, certificateArn: CERTIFICATE, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" },
        ]);
        assert.equal(audit.flowLog, undefined);
    });

    it("lists the peering connections with the peer's tables that route back", async () => {
        const peer = { vpcId: "vpc-0aaaaaaaaaaaaaaa1", cidrBlock: "10.30.0.0/16", routeTableIds: ["rtb-0aaaaaaaaaaaaaaa1"] };
        const { b, audit } = await auditOf({ vpcPeering: [peer] });
        const connection = b.one("aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
        // The route back covers the private subnets the nodes use, not the whole VPC; routes to the peer only in their tables.
        const privateSubnets = b.one("awsx:ec2:Vpc").state.subnets as { type: string; cidrBlock: string }[];
        assert.deepEqual(audit.peering, [
            {
                connectionId: connection.id,
                peerVpcId: peer.vpcId,
                peerCidr: peer.cidrBlock,
                peerRouteTableIds: peer.routeTableIds,
                routeBackCidrs: privateSubnets.filter((subnet) => subnet.type === "Private").map((subnet) => subnet.cidrBlock),
            },
        ]);
        assert.equal(audit.routeTableIds.length, 3);
    });
});

describe("the audit command reads the component's audit output", () => {
    it("takes the JSON string the stack exports", async () => {
        const b = await build({});
        const inputs = auditInputsFromStackOutputs(JSON.stringify({ audit: await valueOf(b.cluster.audit) }), "stdin");
        assert.equal(inputs.clusterName, "cortex");
    });
});
