import { resolveSettings } from "../components/settings";
import { strict as assert } from "node:assert";
import { CortexSecureCluster, CortexSecureClusterArgsError } from "../components";
import { EXISTING_VPC } from "./fixtures";
import { build, Built, valueOf, withAdmins } from "./harness";
import { mockCloud, quiescence } from "../tools/mockCloud";

const PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";
const ROUTE = "aws:ec2/route:Route";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

const peerA = {
    vpcId: "vpc-0aaaaaaaaaaaaaaa1",
    cidrBlock: "172.16.0.0/16",
    routeTableIds: ["rtb-0aaaaaaaaaaaaaa01", "rtb-0aaaaaaaaaaaaaa02"],
};
const peerB = { vpcId: "vpc-0bbbbbbbbbbbbbbb1", cidrBlock: "172.17.0.0/16", routeTableIds: ["rtb-0bbbbbbbbbbbbbb01"] };

/** A new VPC's subnets of a tier, as awsx outputs them: their route tables (by association) and CIDRs. */
function tierOf(b: Built, tier: "public" | "private"): { tables: string[]; cidrs: string[] } {
    const vpc = b.one("awsx:ec2:Vpc").state as {
        publicSubnetIds: string[];
        privateSubnetIds: string[];
        subnets: { id: string; cidrBlock: string }[];
        routeTableAssociations: { routeTableId: string; subnetId: string }[];
    };
    const ids = tier === "public" ? vpc.publicSubnetIds : vpc.privateSubnetIds;
    return {
        tables: vpc.routeTableAssociations.filter((a) => ids.includes(a.subnetId)).map((a) => a.routeTableId),
        cidrs: vpc.subnets.filter((subnet) => ids.includes(subnet.id)).map((subnet) => subnet.cidrBlock),
    };
}

/** The routes through a connection: to the peer (by the cluster table) and back (by the peer table, their destinations). */
function routesOf(b: Built, connectionId: string, peerCidr: string) {
    const routes = b.ofType(ROUTE).filter((route) => route.inputs.vpcPeeringConnectionId === connectionId);
    const toPeer = routes.filter((route) => route.inputs.destinationCidrBlock === peerCidr);
    const back = new Map<string, string[]>();
    for (const route of routes.filter((candidate) => !toPeer.includes(candidate))) {
        const table = route.inputs.routeTableId as string;
        back.set(table, [...(back.get(table) ?? []), route.inputs.destinationCidrBlock as string].sort());
    }
    return { toPeer: toPeer.map((route) => route.inputs.routeTableId as string).sort(), back };
}

const sorted = (values: string[]) => [...values].sort();

describe("VPC peering", () => {
    it("private nodes, internet-facing load balancers: routes to the peer in the private subnets' tables only, back to those subnets only", async () => {
        const b = await build({ vpcCidr: "10.0.0.0/16", vpcPeering: [peerA] });
        const connection = b.one(PEERING);
        const vpcId = await valueOf(b.cluster.vpcId);
        assert.deepEqual([connection.inputs.vpcId, connection.inputs.peerVpcId, connection.inputs.autoAccept], [vpcId, peerA.vpcId, true]);
        assert.equal(connection.inputs.peerOwnerId, undefined);

        const [publicTier, privateTier] = [tierOf(b, "public"), tierOf(b, "private")];
        assert.equal(privateTier.tables.length, 3, "a private subnet with its own route table in each of 3 zones");
        const { toPeer, back } = routesOf(b, connection.id, peerA.cidrBlock);
        assert.deepEqual(toPeer, sorted(privateTier.tables));
        assert.ok(!toPeer.some((table) => publicTier.tables.includes(table)), "the public subnets get no route to the peer");

        // awsx's split of 10.0.0.0/16: per zone a /19 public, then a /19 private.
        assert.deepEqual(sorted(privateTier.cidrs), ["10.0.160.0/19", "10.0.32.0/19", "10.0.96.0/19"]);
        assert.deepEqual([...back.keys()].sort(), peerA.routeTableIds);
        for (const destinations of back.values()) assert.deepEqual(destinations, sorted(privateTier.cidrs));
        assert.equal(b.ofType(ROUTE).length, 3 + 2 * 3, "nothing routes to or from the whole VPC CIDR");

        assert.deepEqual(await valueOf(b.cluster.vpcPeeringConnectionIds), [connection.id]);
    });

    it("public nodes and an internal operator load balancer: routes in both tiers' tables, back to every subnet", async () => {
        const b = await build({
            vpcCidr: "10.0.0.0/16",
            subnetVisibility: "public",
            operatorLoadBalancerScheme: "internal",
            vpcPeering: [peerB],
        });
        const { toPeer, back } = routesOf(b, b.one(PEERING).id, peerB.cidrBlock);
        const [publicTier, privateTier] = [tierOf(b, "public"), tierOf(b, "private")];
        assert.deepEqual(toPeer, sorted([...publicTier.tables, ...privateTier.tables]));
        assert.deepEqual(back.get(peerB.routeTableIds[0]), sorted([...publicTier.cidrs, ...privateTier.cidrs]));
        assert.equal(toPeer.length + back.get(peerB.routeTableIds[0])!.length, 12);
    });

    it("public nodes and internet-facing load balancers: routes in the public subnets' tables only", async () => {
        const b = await build({ subnetVisibility: "public", vpcPeering: [peerB] });
        const { toPeer, back } = routesOf(b, b.one(PEERING).id, peerB.cidrBlock);
        assert.deepEqual(toPeer, sorted(tierOf(b, "public").tables));
        assert.deepEqual(back.get(peerB.routeTableIds[0]), sorted(tierOf(b, "public").cidrs));
    });

    it("declares every route while the component is constructed, so a preview shows them before the VPC exists", async () => {
        const cluster = new CortexSecureCluster("peering-up-front", withAdmins({ vpcPeering: [peerA] }));
        // Pulumi adds each resource to its parent when it is constructed; one made in an apply would come later.
        type Node = { __pulumiType: string; __childResources?: Set<Node> };
        const childrenOf = (node: Node) => [...(node.__childResources ?? [])];
        const declared = childrenOf(cluster as unknown as Node)
            .flatMap(childrenOf)
            .filter((child) => child.__pulumiType === ROUTE).length;
        await quiescence();
        assert.equal(declared, 3 + 2 * 3, "3 private route tables to the peer; 2 peer tables back to 3 private subnets");
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

    it("two peers don't cross: each route goes to its own peer, or back from its own peer's tables, through its own connection", async () => {
        const b = await build({ vpcCidr: "10.0.0.0/16", vpcPeering: [peerA, peerB] });
        const [connectionA, connectionB] = [b.one(PEERING, "-peer-0"), b.one(PEERING, "-peer-1")];
        const privateTier = tierOf(b, "private");
        for (const route of b.ofType(ROUTE)) {
            const viaA = route.inputs.vpcPeeringConnectionId === connectionA.id;
            const viaB = route.inputs.vpcPeeringConnectionId === connectionB.id;
            assert.ok(viaA !== viaB, route.name);
            const peer = viaA ? peerA : peerB;
            if (route.inputs.destinationCidrBlock === peer.cidrBlock) {
                assert.ok(privateTier.tables.includes(route.inputs.routeTableId as string), route.name);
            } else {
                assert.ok(peer.routeTableIds.includes(route.inputs.routeTableId as string), route.name);
                assert.ok(privateTier.cidrs.includes(route.inputs.destinationCidrBlock as string), route.name);
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
        assert.ok(
            routes.every((route) => ["10.50.0.0/16", "10.60.0.0/16"].includes(route.inputs.destinationCidrBlock as string)),
            "no route back",
        );
        assert.equal(routes.length, 2 * 3, "the cluster's private route tables still route to both peers");
        assert.deepEqual(await valueOf(b.cluster.vpcPeeringConnectionIds), [crossAccount.id, crossRegion.id]);
    });

    it("routes from the route tables given for an existing VPC, and back to the needed subnets' CIDRs as AWS reports them", async () => {
        const routeTableIds = ["rtb-0ccccccccccccccc1", "rtb-0ccccccccccccccc2"];
        const cidrs = ["10.20.1.0/24", "10.20.2.0/24", "10.20.101.0/24", "10.20.102.0/24"];
        [...EXISTING_VPC.publicSubnetIds, ...EXISTING_VPC.privateSubnetIds].forEach((id, i) => (mockCloud.subnetCidrs[id] = cidrs[i]));
        const existingVpc = { ...EXISTING_VPC, routeTableIds };

        const privateOnly = await build({ existingVpc, vpcPeering: [peerB] });
        const { toPeer, back } = routesOf(privateOnly, privateOnly.one(PEERING).id, peerB.cidrBlock);
        assert.deepEqual(toPeer, routeTableIds);
        assert.deepEqual([...back.entries()], [[peerB.routeTableIds[0], ["10.20.101.0/24", "10.20.102.0/24"]]]);

        const withPublicNodes = await build({
            existingVpc,
            subnetVisibility: "public",
            operatorLoadBalancerScheme: "internal",
            vpcPeering: [peerB],
        });
        assert.deepEqual(
            routesOf(withPublicNodes, withPublicNodes.one(PEERING).id, peerB.cidrBlock).back.get(peerB.routeTableIds[0]),
            sorted(cidrs),
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
