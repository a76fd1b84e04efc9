import { resolveSettings } from "../components/settings";
import { strict as assert } from "node:assert";
import { CortexSecureClusterArgsError } from "../components";
import { EXISTING_VPC } from "./fixtures";
import { build, valueOf, withAdmins } from "./harness";
import { mockCloud } from "../tools/mockCloud";

const PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";
const ROUTE = "aws:ec2/route:Route";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

const peerA = {
    vpcId: "vpc-0aaaaaaaaaaaaaaa1",
    cidrBlock: "172.16.0.0/16",
    routeTableIds: ["rtb-0aaaaaaaaaaaaaa01", "rtb-0aaaaaaaaaaaaaa02"],
};
const peerB = { vpcId: "vpc-0bbbbbbbbbbbbbbb1", cidrBlock: "172.17.0.0/16", routeTableIds: ["rtb-0bbbbbbbbbbbbbb01"] };

describe("VPC peering", () => {
    it("one peer: one accepted connection, a route to it in every cluster route table, a route back in each peer table", async () => {
        const b = await build({ vpcCidr: "10.0.0.0/16", vpcPeering: [peerA], operatorLoadBalancerScheme: "internal" });
        const connection = b.one(PEERING);
        const vpcId = await valueOf(b.cluster.vpcId);
        assert.deepEqual([connection.inputs.vpcId, connection.inputs.peerVpcId, connection.inputs.autoAccept], [vpcId, peerA.vpcId, true]);
        assert.equal(connection.inputs.peerOwnerId, undefined);

        const clusterTables = (b.one("awsx:ec2:Vpc").state.routeTables as { id: string }[]).map((table) => table.id);
        assert.equal(clusterTables.length, 6, "a public and a private route table in each of 3 zones");
        const routes = b.ofType(ROUTE);
        const toPeer = routes.filter((route) => route.inputs.destinationCidrBlock === peerA.cidrBlock);
        assert.deepEqual(toPeer.map((route) => route.inputs.routeTableId).sort(), [...clusterTables].sort());
        assert.ok(toPeer.every((route) => route.inputs.vpcPeeringConnectionId === connection.id));

        const back = routes.filter((route) => route.inputs.destinationCidrBlock === "10.0.0.0/16");
        assert.deepEqual(back.map((route) => route.inputs.routeTableId).sort(), peerA.routeTableIds);
        assert.ok(back.every((route) => route.inputs.vpcPeeringConnectionId === connection.id));
        assert.equal(routes.length, clusterTables.length + peerA.routeTableIds.length);

        assert.deepEqual(await valueOf(b.cluster.vpcPeeringConnectionIds), [connection.id]);
    });

    it("admits the peer CIDR on internal load balancers only", async () => {
        const b = await build({ vpcCidr: "10.0.0.0/16", vpcPeering: [peerA], operatorLoadBalancerScheme: "internal" });
        const sourcesOf = (role: string) => {
            const securityGroupId = b.one("aws:ec2/securityGroup:SecurityGroup", `-${role}-lb`).id;
            return [
                ...new Set(
                    b
                        .ofType(INGRESS)
                        .filter((rule) => rule.inputs.securityGroupId === securityGroupId)
                        .map((rule) => rule.inputs.cidrIpv4),
                ),
            ].sort();
        };
        assert.deepEqual(sourcesOf("operator"), ["10.0.0.0/16", "172.16.0.0/16"]);
        assert.deepEqual(sourcesOf("api"), ["0.0.0.0/0"]);
    });

    it("two peers don't cross: each route goes to its own peer's CIDR through its own connection", async () => {
        const b = await build({ vpcCidr: "10.0.0.0/16", vpcPeering: [peerA, peerB] });
        const [connectionA, connectionB] = [b.one(PEERING, "-peer-0"), b.one(PEERING, "-peer-1")];
        const routes = b.ofType(ROUTE);
        for (const route of routes) {
            const viaA = route.inputs.vpcPeeringConnectionId === connectionA.id;
            const viaB = route.inputs.vpcPeeringConnectionId === connectionB.id;
            assert.ok(viaA !== viaB, route.name);
            if (route.inputs.destinationCidrBlock === "10.0.0.0/16") {
                // A route back lives in its own peer's tables only.
                const peer = viaA ? peerA : peerB;
                assert.ok(peer.routeTableIds.includes(route.inputs.routeTableId as string), route.name);
            } else {
                assert.equal(route.inputs.destinationCidrBlock, viaA ? peerA.cidrBlock : peerB.cidrBlock, route.name);
            }
        }
        assert.deepEqual(await valueOf(b.cluster.vpcPeeringConnectionIds), [connectionA.id, connectionB.id]);
    });

    it("only requests a cross-account or cross-region peering, with no route back, and outputs its id for the other side", async () => {
        const b = await build({
            vpcPeering: [
                { vpcId: "vpc-0ccccccccccccccc1", cidrBlock: "10.50.0.0/16", ownerId: "210987654321" },
                { vpcId: "vpc-0ddddddddddddddd1", cidrBlock: "10.60.0.0/16", region: "eu-west-1" },
            ],
        });
        const crossAccount = b.one(PEERING, "-peer-0");
        const crossRegion = b.one(PEERING, "-peer-1");
        assert.deepEqual(
            [crossAccount.inputs.autoAccept, crossAccount.inputs.peerOwnerId, crossAccount.state.acceptStatus],
            [false, "210987654321", "pending-acceptance"],
        );
        assert.deepEqual([crossRegion.inputs.autoAccept, crossRegion.inputs.peerRegion], [false, "eu-west-1"]);
        const routes = b.ofType(ROUTE);
        assert.equal(routes.filter((route) => route.inputs.destinationCidrBlock === "192.168.0.0/16").length, 0, "no route back");
        assert.equal(routes.length, 2 * 6, "the cluster side still routes to both peers");
        assert.deepEqual(await valueOf(b.cluster.vpcPeeringConnectionIds), [crossAccount.id, crossRegion.id]);
    });

    it("routes from the route tables given for an existing VPC", async () => {
        const routeTableIds = ["rtb-0ccccccccccccccc1", "rtb-0ccccccccccccccc2"];
        const b = await build({ existingVpc: { ...EXISTING_VPC, routeTableIds }, vpcPeering: [peerB] });
        const toPeer = b.ofType(ROUTE).filter((route) => route.inputs.destinationCidrBlock === peerB.cidrBlock);
        assert.deepEqual(toPeer.map((route) => route.inputs.routeTableId).sort(), routeTableIds);
        const back = b.ofType(ROUTE).filter((route) => route.inputs.destinationCidrBlock === EXISTING_VPC.cidrBlock);
        assert.deepEqual(
            back.map((route) => route.inputs.routeTableId),
            peerB.routeTableIds,
        );
    });

    it("needs the route tables of an existing VPC before anything is registered", () => {
        assert.throws(
            () => resolveSettings(withAdmins({ existingVpc: EXISTING_VPC, vpcPeering: [peerB] })),
            /existingVpc\.routeTableIds: got nothing; allowed: the route tables of the subnets the cluster uses, when vpcPeering is set/,
        );
    });

    it("creates nothing for no peers", async () => {
        const b = await build({});
        assert.equal(b.ofType(PEERING).length + b.ofType(ROUTE).length, 0);
        assert.deepEqual(await valueOf(b.cluster.vpcPeeringConnectionIds), []);
    });

    it("rejects overlapping CIDRs before anything is registered", async () => {
        const before = mockCloud.resources.length;
        await assert.rejects(
            build({
                vpcCidr: "10.0.0.0/16",
                vpcPeering: [
                    peerA,
                    { ...peerB, cidrBlock: "172.16.128.0/17" },
                    { ...peerB, vpcId: "vpc-0eeeeeeeeeeeeeee1", cidrBlock: "10.0.5.0/24" },
                ],
            }),
            (error: Error) => {
                assert.ok(error instanceof CortexSecureClusterArgsError);
                assert.match(
                    error.message,
                    /vpcPeering\[1\]\.cidrBlock: got "172\.16\.128\.0\/17"; allowed: a CIDR that does not overlap another peer \(vpcPeering\[0\]: 172\.16\.0\.0\/16\)/,
                );
                assert.match(
                    error.message,
                    /vpcPeering\[2\]\.cidrBlock: got "10\.0\.5\.0\/24"; allowed: a CIDR that does not overlap the cluster VPC \(10\.0\.0\.0\/16\)/,
                );
                return true;
            },
        );
        assert.equal(mockCloud.resources.length, before);
    });

    it("rejects a route back for a peer in another account", async () => {
        await assert.rejects(
            build({ vpcPeering: [{ ...peerA, ownerId: "210987654321" }] }),
            /vpcPeering\[0\]\.routeTableIds: got \["rtb-0aaaaaaaaaaaaaa01","rtb-0aaaaaaaaaaaaaa02"\]; allowed: nothing for a peer in another account or region/,
        );
    });
});
