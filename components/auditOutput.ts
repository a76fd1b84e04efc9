// The stack's `audit` output: what was declared, in plain ids and values, for
// `cortex-secure-cluster audit` to compare with the live account. It holds no secret.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "./cluster";
import { ClusterAccess } from "./clusterAccess";
import { LOG_GROUP_NAMES, logGroupNames } from "./encryption";
import { Identity } from "./identity";
import { BuiltLoadBalancer, LoadBalancers } from "./loadBalancers";
import { MANAGED_NODE_POLICIES, metadataHopLimit, NodeGroups } from "./nodeGroups";
import { Network } from "./network";
import { Peering } from "./peering";
import { Settings } from "./settings";

/** The version of the `audit` output's shape; the audit refuses a shape it does not know. */
export const AUDIT_OUTPUT_VERSION = 1;

/** The parts of a built stack the `audit` output describes. */
export interface AuditedParts {
    settings: Settings;
    region: pulumi.Input<string>;
    partition: pulumi.Input<string>;
    network: Network;
    cluster: Cluster;
    clusterAccess: ClusterAccess;
    nodeGroups: NodeGroups;
    loadBalancers: LoadBalancers;
    bucketName: pulumi.Input<string>;
    keyArn: pulumi.Input<string>;
    identity: Identity;
    peering: Peering;
}

function declaredLoadBalancer(balancer: BuiltLoadBalancer, network: Network) {
    const { plan } = balancer;
    return {
        arn: balancer.loadBalancer.arn,
        scheme: plan.scheme,
        subnetIds: plan.subnetTier === "private" ? network.privateSubnetIds : network.publicSubnetIds,
        securityGroupId: balancer.securityGroup.id,
        allowList: plan.allowList,
        // A listener only API Gateway's VPC link reaches admits no allow list: it is not the clients' door.
        listeners: plan.listeners
            .filter((listener) => listener.clients)
            .map((listener) => ({
                port: listener.port,
                protocol: listener.protocol,
                nodePort: listener.nodePort,
                ...(listener.protocol === "TLS"
                    ? {
                          certificateArn: balancer.listeners[listener.port].certificateArn,
                          sslPolicy: balancer.listeners[listener.port].sslPolicy,
                      }
                    : {}),
            })),
    };
}

/**
 * The `audit` output, as JSON: every value in it is plain (never secret), so `pulumi stack output
 * --json` shows it. A string, so every Pulumi language can carry it whatever its shape.
 */
export function auditOutput(parts: AuditedParts): pulumi.Output<string> {
    const { settings, network, cluster, nodeGroups, identity } = parts;
    const holder = identity.holder;
    const runtime =
        holder.kind === "user"
            ? {
                  kind: "user",
                  userName: holder.userName,
                  groupName: holder.groupName,
                  policyArn: identity.runtimePolicyArn,
                  accessKeyId: holder.accessKeyId,
              }
            : holder.kind === "role"
              ? {
                    kind: "role",
                    roleName: holder.roleName,
                    policyArn: identity.runtimePolicyArn,
                    // The node role also carries the AWS policies every EKS node needs.
                    alsoAttached:
                        settings.runtimeCredentials.mode === "nodeRole"
                            ? MANAGED_NODE_POLICIES.map((policy) => pulumi.interpolate`arn:${parts.partition}:iam::aws:policy/${policy}`)
                            : [],
                }
              : { kind: "provided", policyArn: identity.runtimePolicyArn };
    const logGroupKms = (name: string) => ({ name, retentionInDays: settings.logRetentionDays, kmsKeyArn: parts.keyArn });
    const declared = pulumi.output({
        version: AUDIT_OUTPUT_VERSION,
        region: parts.region,
        clusterName: cluster.clusterName,
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        subnetVisibility: settings.subnetVisibility,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        routeTableIds: parts.peering.clusterRouteTableIds,
        nodeSecurityGroupId: nodeGroups.nodeSecurityGroupId,
        loadBalancers: {
            api: declaredLoadBalancer(parts.loadBalancers.api, network),
            operator: declaredLoadBalancer(parts.loadBalancers.operator, network),
        },
        cluster: {
            endpointPublicAccess: settings.clusterEndpointPublicAccess,
            publicAccessCidrs: settings.clusterEndpointPublicAccessCidrs,
            secretsKeyArn: cluster.secretsKeyArn,
            logTypes: settings.controlPlaneLogTypes,
            authenticationMode: "API",
            admins: pulumi.output(parts.clusterAccess.creator).apply((creator) => [creator, ...parts.clusterAccess.admins]),
        },
        nodeGroups: [nodeGroups.operator, ...nodeGroups.workers].map((group) => ({
            name: group.name,
            launchTemplateId: group.launchTemplate.id,
            launchTemplateVersion: group.launchTemplate.version,
        })),
        metadataHopLimit: metadataHopLimit(settings.runtimeCredentials.mode),
        bucketName: parts.bucketName,
        logGroups: logGroupNames(settings).map(logGroupKms),
        runtime,
        ...(network.flowLogId ? { flowLog: { id: network.flowLogId, logGroupName: LOG_GROUP_NAMES.flowLogs(settings.clusterName) } } : {}),
        peering: pulumi.all([parts.peering.connectionIds, parts.peering.routeBackCidrs]).apply(([ids, routeBackCidrs]) =>
            settings.vpcPeering.map((peer, index) => {
                const local = peer.ownerId === undefined && peer.region === undefined;
                return {
                    connectionId: ids[index],
                    peerVpcId: peer.vpcId,
                    peerCidr: peer.cidrBlock,
                    peerRouteTableIds: local ? (peer.routeTableIds ?? []) : [],
                    routeBackCidrs: local && (peer.routeTableIds ?? []).length > 0 ? routeBackCidrs : [],
                };
            }),
        ),
    });
    return declared.apply((value) => JSON.stringify(value));
}
