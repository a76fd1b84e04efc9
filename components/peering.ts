import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PeerSpec } from "./args";
import { Network } from "./network";
import { checkWhenResolved, ResolvedArgs, valueRules } from "./validation";

/** Whether a peer is in the cluster's own account and region, so the component can accept its peering itself. */
export function isLocalPeer(peer: PeerSpec): boolean {
    return peer.ownerId === undefined && peer.region === undefined;
}

/**
 * Peers each VPC of `vpcPeering` with the cluster VPC: the connection (accepted here when the peer
 * is in the same account and region, else only requested), a route to the peer in every route
 * table of the cluster VPC, and a route back in each of the peer's `routeTableIds`.
 * Returns the connection ids, in the order of `vpcPeering`.
 */
export function createVpcPeering(
    name: string,
    args: ResolvedArgs,
    network: Network,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): pulumi.Output<string[]> {
    const connections = args.vpcPeering.map((peer, index) => {
        const prefix = `${name}-peer-${index}`;
        const local = isLocalPeer(peer);
        const connection = new aws.ec2.VpcPeeringConnection(
            prefix,
            {
                vpcId: network.vpcId,
                peerVpcId: checkWhenResolved(`vpcPeering[${index}].vpcId`, valueRules.vpcId, peer.vpcId, parent),
                peerOwnerId: peer.ownerId,
                peerRegion: peer.region,
                // Another account or region must accept on its side; the id is an output for that.
                autoAccept: local,
                tags: { ...tags, Name: `${args.clusterName}-peer-${index}`, "cortex.dev/peer-cidr": peer.cidrBlock },
            },
            { parent },
        );

        // Declared per route table index so the routes show in a preview, before the table ids exist.
        network.routeTableCount.apply((count) => {
            for (let table = 0; table < count; table++) {
                new aws.ec2.Route(
                    `${prefix}-route-${table}`,
                    {
                        routeTableId: network.routeTableIds.apply((ids) => ids[table]),
                        destinationCidrBlock: peer.cidrBlock,
                        vpcPeeringConnectionId: connection.id,
                    },
                    { parent },
                );
            }
        });

        if (local) {
            (peer.routeTableIds ?? []).forEach((routeTableId, table) => {
                new aws.ec2.Route(
                    `${prefix}-route-back-${table}`,
                    {
                        routeTableId: checkWhenResolved(
                            `vpcPeering[${index}].routeTableIds[${table}]`,
                            valueRules.routeTableId,
                            routeTableId,
                            parent,
                        ),
                        destinationCidrBlock: network.vpcCidr,
                        vpcPeeringConnectionId: connection.id,
                    },
                    { parent },
                );
            });
        }
        return connection.id;
    });
    return pulumi.all(connections);
}
