import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PeerSpec, SubnetVisibility } from "./args";
import { Network, subnetPosition } from "./network";
import { Settings } from "./settings";
import { Within } from "./parts";

/** Whether a peer is in the cluster's own account and region, so the component can accept its peering itself. */
export function isLocalPeer(peer: PeerSpec): boolean {
    return peer.ownerId === undefined && peer.region === undefined;
}

/** What peering reads of the settings. */
export type PeeringSettings = Pick<
    Settings,
    "clusterName" | "vpcPeering" | "existingVpc" | "subnetVisibility" | "apiLoadBalancerScheme" | "operatorLoadBalancerScheme"
>;

/**
 * The cluster subnet tiers that trade traffic with peers: the nodes' (where EKS also puts the
 * control plane's interfaces), and the private one when a load balancer is internal, since it
 * answers peers from there. Peers reach an internet-facing load balancer by its public address,
 * never over the peering, so the public tier needs no route for that.
 */
export function peerSubnetTiers(settings: Pick<Settings, "subnetVisibility" | "apiLoadBalancerScheme" | "operatorLoadBalancerScheme">) {
    const internal = settings.apiLoadBalancerScheme === "internal" || settings.operatorLoadBalancerScheme === "internal";
    return (["public", "private"] as const).filter((tier) => tier === settings.subnetVisibility || (tier === "private" && internal));
}

/** Cluster route tables or subnet CIDRs, each with the suffix of the routes made for it. */
type Named = { suffix: string; value: pulumi.Output<string> }[];

/** What a cluster with no `vpcPeering` has: no connections and no routes. */
export function noPeering(): Peering {
    return { connectionIds: pulumi.output([]), clusterRouteTableIds: pulumi.output([]), routeBackCidrs: pulumi.output([]) };
}

/**
 * Peers each VPC of `vpcPeering` with the cluster VPC: the connection (accepted here when the peer
 * is in the same account and region, else only requested), a route to the peer in the route tables
 * of the subnets that trade traffic with it ({@link peerSubnetTiers}; an existing VPC's given
 * `routeTableIds`), and in each of the peer's `routeTableIds` a route back to each of those subnets.
 * Returns the connection ids, in the order of `vpcPeering`.
 */
export function createVpcPeering(part: {
    name: string;
    settings: PeeringSettings;
    network: Pick<Network, "vpcId" | "routeTables" | "newVpcSubnets">;
    tags: Record<string, string>;
    within: Within;
}): Peering {
    const { name, settings, network, tags, within } = part;
    const { parent } = within;
    const tiers = peerSubnetTiers(settings);
    const layout = network.newVpcSubnets;
    // Counted up front (zones × tiers, or the tables given), so every route shows in a preview.
    let clusterTables: Named;
    let clusterCidrs: () => Named;
    if (layout) {
        const zones = [...Array(layout.zoneCount).keys()];
        const subnet = (tier: SubnetVisibility, zone: number) => layout.subnets.apply((subnets) => subnets[subnetPosition(tier, zone)]);
        // Named by the table's place among all the VPC's, as when every table had one: an upgraded
        // stack keeps its routes instead of making a second one, which AWS refuses, in the same table.
        clusterTables = tiers.flatMap((tier) =>
            zones.map((zone) => ({ suffix: `${subnetPosition(tier, zone)}`, value: subnet(tier, zone).routeTableId })),
        );
        clusterCidrs = () =>
            tiers.flatMap((tier) => zones.map((zone) => ({ suffix: `${tier}-${zone}`, value: subnet(tier, zone).cidrBlock })));
    } else {
        // Checked when the arguments are resolved: an existing VPC with peers names its route tables.
        const existing = settings.existingVpc!;
        clusterTables = (existing.routeTableIds ?? []).map((id, table) => ({ suffix: `${table}`, value: pulumi.output(id) }));
        // The arguments name the subnets, not their CIDRs: AWS has them.
        clusterCidrs = () =>
            tiers.flatMap((tier) =>
                (tier === "public" ? existing.publicSubnetIds : existing.privateSubnetIds).map((id, index) => ({
                    suffix: `${tier}-${index}`,
                    value: aws.ec2.getSubnetOutput({ id }, { parent }).cidrBlock,
                })),
            );
    }
    const routeBack = settings.vpcPeering.some((peer) => isLocalPeer(peer) && (peer.routeTableIds ?? []).length > 0);
    const clusterSubnets = routeBack ? clusterCidrs() : [];

    const connections = settings.vpcPeering.map((peer, index) => {
        const prefix = `${name}-peer-${index}`;
        const local = isLocalPeer(peer);
        const connection = new aws.ec2.VpcPeeringConnection(
            prefix,
            {
                vpcId: network.vpcId,
                peerVpcId: peer.vpcId,
                peerOwnerId: peer.ownerId,
                peerRegion: peer.region,
                // Another account or region must accept on its side; the id is an output for that.
                autoAccept: local,
                tags: { ...tags, Name: `${settings.clusterName}-peer-${index}`, "cortex.dev/peer-cidr": peer.cidrBlock },
            },
            within,
        );
        for (const table of clusterTables) {
            new aws.ec2.Route(
                `${prefix}-route-${table.suffix}`,
                { routeTableId: table.value, destinationCidrBlock: peer.cidrBlock, vpcPeeringConnectionId: connection.id },
                within,
            );
        }
        if (local) {
            // To the subnets the peer trades with, not the whole VPC: the others stay out of its reach.
            (peer.routeTableIds ?? []).forEach((routeTableId, table) => {
                for (const subnet of clusterSubnets) {
                    new aws.ec2.Route(
                        `${prefix}-route-back-${table}-${subnet.suffix}`,
                        { routeTableId, destinationCidrBlock: subnet.value, vpcPeeringConnectionId: connection.id },
                        within,
                    );
                }
            });
        }
        return connection.id;
    });
    return {
        connectionIds: pulumi.all(connections),
        clusterRouteTableIds: pulumi.all(clusterTables.map((table) => table.value)),
        routeBackCidrs: pulumi.all(clusterSubnets.map((subnet) => subnet.value)),
    };
}

/** The peering connections and where they are routed, for the outputs and the audit. */
export interface Peering {
    /** One per `vpcPeering` entry, in order. */
    connectionIds: pulumi.Output<string[]>;
    /** The cluster VPC's route tables that route to the peers. */
    clusterRouteTableIds: pulumi.Output<string[]>;
    /** The cluster subnets' CIDRs that a same-account peer's route tables route back to. */
    routeBackCidrs: pulumi.Output<string[]>;
}
