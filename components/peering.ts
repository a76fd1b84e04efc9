import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PeerSpec } from "./args";
import { Network } from "./network";
import { Settings } from "./settings";

/** Whether a peer is in the cluster's own account and region, so the component can accept its peering itself. */
export function isLocalPeer(peer: PeerSpec): boolean {
    return peer.ownerId === undefined && peer.region === undefined;
}

/**
 * Peers each VPC of `vpcPeering` with the cluster VPC: the connection (accepted here when the peer
 * is in the same account and region, else only requested), a route to the peer in each of the
 * network's route tables, and a route back in each of the peer's `routeTableIds`.
 * Returns the connection ids, in the order of `vpcPeering`.
 */
export function createVpcPeering(part: {
    name: string;
    settings: Pick<Settings, "clusterName" | "vpcPeering">;
    network: Pick<Network, "vpcId" | "vpcCidr" | "routeTables">;
    tags: Record<string, string>;
    parent: pulumi.Resource;
}): pulumi.Output<string[]> {
    const { name, settings, network, tags, parent } = part;
    // Checked when the arguments are resolved: with peers, the route tables are counted up front.
    const routeTableCount = network.routeTables.count ?? 0;
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
            { parent },
        );
        // One route per table index, so the routes show in a preview before the table ids exist.
        for (let table = 0; table < routeTableCount; table++) {
            new aws.ec2.Route(
                `${prefix}-route-${table}`,
                {
                    routeTableId: network.routeTables.ids.apply((ids) => ids[table]),
                    destinationCidrBlock: peer.cidrBlock,
                    vpcPeeringConnectionId: connection.id,
                },
                { parent },
            );
        }
        if (local) {
            (peer.routeTableIds ?? []).forEach((routeTableId, table) => {
                new aws.ec2.Route(
                    `${prefix}-route-back-${table}`,
                    { routeTableId, destinationCidrBlock: network.vpcCidr, vpcPeeringConnectionId: connection.id },
                    { parent },
                );
            });
        }
        return connection.id;
    });
    return pulumi.all(connections);
}
