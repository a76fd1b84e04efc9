// The VPC: flow logs on, the default security group empty, and peering connections with their
// routes exactly as declared.
import {
    DescribeSecurityGroupsCommand,
    FlowLog,
    paginateDescribeFlowLogs,
    paginateDescribeRouteTables,
    paginateDescribeVpcPeeringConnections,
    RouteTable,
    VpcPeeringConnection,
} from "@aws-sdk/client-ec2";
import { Audit, setText } from "./context";

const REACH = "Who can reach what";
const REFRESH = "run `pulumi up --refresh` on the stack to put back what it declares";

async function auditFlowLogs(audit: Audit): Promise<void> {
    const { inputs } = audit;
    const declared = inputs.flowLog;
    if (declared === undefined) return;
    const resource = `VPC ${inputs.vpcId}`;
    await audit.area("Data and logs", resource, "flow logs", async () => {
        const logs: FlowLog[] = [];
        await audit.read("ec2:DescribeFlowLogs", async () => {
            const pages = paginateDescribeFlowLogs(
                { client: audit.aws.ec2 },
                { Filter: [{ Name: "resource-id", Values: [inputs.vpcId] }] },
            );
            for await (const page of pages) logs.push(...(page.FlowLogs ?? []));
        });
        const ours = logs.find((log) => log.FlowLogId === declared.id);
        audit.compare(
            "Data and logs",
            resource,
            "flow logs of all traffic",
            `${declared.id}: ALL traffic to ${declared.logGroupName}, active`,
            ours
                ? `${ours.FlowLogId}: ${ours.TrafficType} traffic to ${ours.LogGroupName ?? ours.LogDestination}, ${ours.FlowLogStatus?.toLowerCase()}`
                : "no such flow log",
            REFRESH,
        );
    });
}

async function auditDefaultSecurityGroup(audit: Audit): Promise<void> {
    const { inputs } = audit;
    await audit.area(REACH, `VPC ${inputs.vpcId}`, "default security group empty", async () => {
        const found = await audit.read("ec2:DescribeSecurityGroups", () =>
            audit.aws.ec2.send(
                new DescribeSecurityGroupsCommand({
                    Filters: [
                        { Name: "vpc-id", Values: [inputs.vpcId] },
                        { Name: "group-name", Values: ["default"] },
                    ],
                }),
            ),
        );
        const group = found?.SecurityGroups?.[0];
        if (group === undefined) return;
        const rules = [
            ...(group.IpPermissions ?? []).map((rule) => ({ direction: "in", rule })),
            ...(group.IpPermissionsEgress ?? []).map((rule) => ({ direction: "out", rule })),
        ].map(({ direction, rule }) => {
            const peers = [
                ...(rule.IpRanges ?? []).map((range) => range.CidrIp),
                ...(rule.Ipv6Ranges ?? []).map((range) => range.CidrIpv6),
                ...(rule.UserIdGroupPairs ?? []).map((pair) => pair.GroupId),
                ...(rule.PrefixListIds ?? []).map((list) => list.PrefixListId),
            ];
            return `${direction} ${rule.IpProtocol === "-1" ? "all" : `${rule.IpProtocol} ${rule.FromPort}-${rule.ToPort}`} ${setText(peers)}`;
        });
        audit.compare(
            REACH,
            `default security group ${group.GroupId} of ${inputs.vpcId}`,
            "no rules (anything put in it by default admits nothing)",
            "no rules",
            rules.length === 0 ? "no rules" : rules.join("; "),
            `aws ec2 revoke-security-group-ingress --group-id ${group.GroupId} --ip-permissions '${JSON.stringify(group.IpPermissions ?? [])}' and aws ec2 revoke-security-group-egress --group-id ${group.GroupId} --ip-permissions '${JSON.stringify(group.IpPermissionsEgress ?? [])}'`,
        );
    });
}

/** Connections that touch the VPC, on either side. */
async function peeringConnections(audit: Audit, vpcIds: string[]): Promise<VpcPeeringConnection[]> {
    const found = new Map<string, VpcPeeringConnection>();
    for (const side of ["requester-vpc-info.vpc-id", "accepter-vpc-info.vpc-id"]) {
        await audit.read("ec2:DescribeVpcPeeringConnections", async () => {
            const pages = paginateDescribeVpcPeeringConnections({ client: audit.aws.ec2 }, { Filters: [{ Name: side, Values: vpcIds }] });
            for await (const page of pages)
                for (const connection of page.VpcPeeringConnections ?? []) found.set(connection.VpcPeeringConnectionId!, connection);
        });
    }
    return [...found.values()].filter(
        (connection) => !["deleted", "rejected", "failed", "expired"].includes(connection.Status?.Code ?? ""),
    );
}

async function routeTables(audit: Audit, filter: { Name: string; Values: string[] }): Promise<RouteTable[]> {
    const tables: RouteTable[] = [];
    await audit.read("ec2:DescribeRouteTables", async () => {
        for await (const page of paginateDescribeRouteTables({ client: audit.aws.ec2 }, { Filters: [filter] }))
            tables.push(...(page.RouteTables ?? []));
    });
    return tables;
}

async function auditPeering(audit: Audit): Promise<void> {
    const { inputs } = audit;
    const resource = `VPC ${inputs.vpcId}`;
    await audit.area(REACH, resource, "peering connections and their routes", async () => {
        const declared = new Map(inputs.peering.map((peer) => [peer.connectionId, peer]));
        const connections = await peeringConnections(audit, [inputs.vpcId]);
        for (const connection of connections) {
            const id = connection.VpcPeeringConnectionId!;
            const peer = declared.get(id);
            const other = connection.RequesterVpcInfo?.VpcId === inputs.vpcId ? connection.AccepterVpcInfo : connection.RequesterVpcInfo;
            if (peer === undefined) {
                audit.drift(REACH, `peering connection ${id}`, "a peering connection the stack did not declare", {
                    declared: inputs.peering.length > 0 ? `peers ${setText(inputs.peering.map((p) => p.peerVpcId))}` : "no peers",
                    actual: `peered with ${other?.VpcId} (${other?.CidrBlock}), ${connection.Status?.Code}`,
                    fix: `aws ec2 delete-vpc-peering-connection --vpc-peering-connection-id ${id}, or declare it in the stack's vpcPeering`,
                });
                continue;
            }
            audit.compare(
                REACH,
                `peering connection ${id}`,
                "peer VPC and CIDR",
                `${peer.peerVpcId} (${peer.peerCidr})`,
                `${other?.VpcId} (${other?.CidrBlock})`,
                REFRESH,
            );
        }
        for (const peer of inputs.peering) {
            if (!connections.some((connection) => connection.VpcPeeringConnectionId === peer.connectionId)) {
                audit.drift(REACH, `peering connection ${peer.connectionId}`, "the peering connection exists", {
                    declared: `peered with ${peer.peerVpcId} (${peer.peerCidr})`,
                    actual: "gone",
                    fix: REFRESH,
                });
            }
        }

        // Every route table of the cluster VPC routes each peer CIDR through its connection, and nothing else through a peering.
        const tables = await routeTables(audit, { Name: "vpc-id", Values: [inputs.vpcId] });
        // Tables the stack does not route to peers (the VPC's main table, say) must have no peering routes.
        const expected = (table: RouteTable) =>
            inputs.routeTableIds.includes(table.RouteTableId!)
                ? setText(inputs.peering.map((peer) => `${peer.peerCidr} via ${peer.connectionId}`))
                : "none";
        for (const table of tables) {
            const live = setText(
                (table.Routes ?? [])
                    .filter((route) => route.VpcPeeringConnectionId !== undefined)
                    .map((route) => `${route.DestinationCidrBlock ?? route.DestinationPrefixListId} via ${route.VpcPeeringConnectionId}`),
            );
            audit.compare(
                REACH,
                `route table ${table.RouteTableId}`,
                "routes through peering connections",
                expected(table),
                live,
                `add the missing routes (aws ec2 create-route) or remove the others (aws ec2 delete-route --route-table-id ${table.RouteTableId} --destination-cidr-block CIDR); ${REFRESH}`,
            );
        }

        // The peer's route tables the stack routes back from (same account and region only).
        for (const peer of inputs.peering.filter((p) => p.peerRouteTableIds.length > 0)) {
            const peerTables = await routeTables(audit, { Name: "route-table-id", Values: peer.peerRouteTableIds });
            // The cluster subnets the peer trades with (a stack from before that routed back to the whole VPC).
            const cidrs = peer.routeBackCidrs.length > 0 ? peer.routeBackCidrs : [inputs.vpcCidr];
            for (const tableId of peer.peerRouteTableIds) {
                const table = peerTables.find((candidate) => candidate.RouteTableId === tableId);
                const routed = (cidr: string) =>
                    table?.Routes?.some(
                        (route) => route.DestinationCidrBlock === cidr && route.VpcPeeringConnectionId === peer.connectionId,
                    );
                const declared = cidrs.map((cidr) => `${cidr} via ${peer.connectionId}`).join(", ");
                const live = cidrs
                    .filter(routed)
                    .map((cidr) => `${cidr} via ${peer.connectionId}`)
                    .join(", ");
                audit.compare(
                    REACH,
                    `peer route table ${tableId}`,
                    "routes back to the cluster subnets",
                    declared,
                    table === undefined ? "route table not found" : live === "" ? "no route back" : live,
                    REFRESH,
                );
            }
        }
    });
}

export async function auditNetwork(audit: Audit): Promise<void> {
    await Promise.all([auditFlowLogs(audit), auditDefaultSecurityGroup(audit), auditPeering(audit)]);
}
