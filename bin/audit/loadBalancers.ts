// Who can reach what through the load balancers: the stack's two (scheme, subnets, listeners, TLS,
// security group rules), the nodes' own security group, and any other load balancer of the cluster.
import { DescribeSecurityGroupRulesCommand, paginateDescribeSecurityGroupRules, SecurityGroupRule } from "@aws-sdk/client-ec2";
import {
    DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand,
    DescribeTagsCommand as DescribeClassicTagsCommand,
    LoadBalancerDescription,
    paginateDescribeLoadBalancers as paginateClassicLoadBalancers,
} from "@aws-sdk/client-elastic-load-balancing";
import {
    DescribeLoadBalancersCommand,
    DescribeTagsCommand,
    DescribeTargetGroupsCommand,
    Listener,
    LoadBalancer,
    paginateDescribeListeners,
    paginateDescribeLoadBalancers,
    Tag,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { CLUSTER_NAME_TAG } from "../../components/constants";
import { Audit, setText } from "./context";
import { DeclaredLoadBalancer } from "./inputs";

const SECTION = "Who can reach what";
const REFRESH = "run `pulumi up --refresh` on the stack to put back what it declares";

/** A rule in a few words, the same for declared and live rules so they compare as text. */
function ruleText(direction: "in" | "out", protocol: string, from: number, to: number, peer: string): string {
    const proto = protocol === "-1" ? "all" : protocol;
    const ports = proto === "all" ? "" : ` ${from === to ? from : `${from}-${to}`}`;
    return `${direction} ${proto}${ports} ${direction === "in" ? "from" : "to"} ${peer}`;
}

function liveRuleText(rule: SecurityGroupRule): string {
    const peer = rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? rule.ReferencedGroupInfo?.GroupId ?? "?";
    return ruleText(rule.IsEgress ? "out" : "in", rule.IpProtocol ?? "?", rule.FromPort ?? -1, rule.ToPort ?? -1, peer);
}

async function securityGroupRules(audit: Audit, groupId: string): Promise<SecurityGroupRule[]> {
    const rules: SecurityGroupRule[] = [];
    await audit.read("ec2:DescribeSecurityGroupRules", async () => {
        const pages = paginateDescribeSecurityGroupRules({ client: audit.aws.ec2 }, {
            Filters: [{ Name: "group-id", Values: [groupId] }],
        } as DescribeSecurityGroupRulesCommand["input"]);
        for await (const page of pages) rules.push(...(page.SecurityGroupRules ?? []));
    });
    return rules;
}

/** Every live rule must be a declared one, and every declared one must be there. */
async function compareRules(audit: Audit, groupId: string, label: string, declared: string[]): Promise<void> {
    const rules = await securityGroupRules(audit, groupId);
    const live = new Map(rules.map((rule) => [liveRuleText(rule), rule]));
    let clean = true;
    for (const [text, rule] of live) {
        if (declared.includes(text)) continue;
        clean = false;
        const verb = rule.IsEgress ? "revoke-security-group-egress" : "revoke-security-group-ingress";
        audit.drift(SECTION, `${label} ${groupId}`, `a rule nobody declared: ${text}`, {
            declared: declared.join("; "),
            actual: `also ${text} (rule ${rule.SecurityGroupRuleId})`,
            fix: `aws ec2 ${verb} --group-id ${groupId} --security-group-rule-ids ${rule.SecurityGroupRuleId}`,
        });
    }
    const missing = declared.filter((text) => !live.has(text));
    if (missing.length > 0) {
        clean = false;
        audit.drift(SECTION, `${label} ${groupId}`, "declared rules are missing", {
            declared: declared.join("; "),
            actual: `missing: ${missing.join("; ")}`,
            fix: REFRESH,
        });
    }
    if (clean) audit.ok(SECTION, `${label} ${groupId}`, "security group rules are exactly the declared ones", declared.join("; "));
}

/** The rules the component makes on a load balancer's group: its allow list on its ports, out to the nodes' NodePorts. */
export function declaredLoadBalancerRules(declared: DeclaredLoadBalancer, nodeSecurityGroupId: string): string[] {
    const ports = [...new Set(declared.listeners.map((listener) => listener.port))];
    const nodePorts = [...new Set(declared.listeners.map((listener) => listener.nodePort))];
    return [
        ...declared.allowList.flatMap((cidr) => ports.map((port) => ruleText("in", "tcp", port, port, cidr))),
        ...nodePorts.map((port) => ruleText("out", "tcp", port, port, nodeSecurityGroupId)),
    ];
}

const listenerText = (port: number, protocol: string, nodePort: number | string) => `${port}/${protocol} -> NodePort ${nodePort}`;

async function auditLoadBalancer(audit: Audit, role: "api" | "operator", declared: DeclaredLoadBalancer): Promise<void> {
    const { elbv2 } = audit.aws;
    const label = `${role === "api" ? "API" : "Operator"} load balancer`;
    const resource = `${label} ${declared.arn}`;
    await audit.area(SECTION, resource, `${label}: scheme, subnets, security group, listeners`, async () => {
        const found = await audit.read(
            "elasticloadbalancing:DescribeLoadBalancers",
            () => elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [declared.arn] })),
            ["LoadBalancerNotFoundException"],
        );
        const balancer = found?.LoadBalancers?.[0];
        if (balancer === undefined) {
            audit.drift(SECTION, resource, "the load balancer exists", {
                declared: `a ${declared.scheme} network load balancer`,
                actual: "it is gone",
                fix: `${REFRESH}; Cortex's CLI cannot reach the ${role === "api" ? "APIs" : "operator"} until then`,
            });
            return;
        }
        audit.compare(
            SECTION,
            resource,
            "scheme",
            declared.scheme,
            balancer.Scheme ?? "?",
            `the scheme cannot be changed in place: ${REFRESH} (it replaces the load balancer)`,
        );
        audit.compare(
            SECTION,
            resource,
            "subnets",
            setText(declared.subnetIds),
            setText((balancer.AvailabilityZones ?? []).map((zone) => zone.SubnetId)),
            `aws elbv2 set-subnets --load-balancer-arn ${declared.arn} --subnets ${declared.subnetIds.join(" ")}`,
        );
        audit.compare(
            SECTION,
            resource,
            "security groups",
            declared.securityGroupId,
            setText(balancer.SecurityGroups ?? []),
            `aws elbv2 set-security-groups --load-balancer-arn ${declared.arn} --security-groups ${declared.securityGroupId}`,
        );

        const listeners: Listener[] = [];
        await audit.read("elasticloadbalancing:DescribeListeners", async () => {
            for await (const page of paginateDescribeListeners({ client: elbv2 }, { LoadBalancerArn: declared.arn })) {
                listeners.push(...(page.Listeners ?? []));
            }
        });
        const targetArns = [...new Set(listeners.map((listener) => listener.DefaultActions?.[0]?.TargetGroupArn).filter(Boolean))];
        const targetPorts = new Map<string, number | undefined>();
        if (targetArns.length > 0) {
            const groups = await audit.read("elasticloadbalancing:DescribeTargetGroups", () =>
                elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: targetArns as string[] })),
            );
            for (const group of groups?.TargetGroups ?? []) targetPorts.set(group.TargetGroupArn!, group.Port);
        }
        audit.compare(
            SECTION,
            resource,
            "listeners",
            setText(declared.listeners.map((listener) => listenerText(listener.port, listener.protocol, listener.nodePort))),
            setText(
                listeners.map((listener) =>
                    listenerText(
                        listener.Port ?? -1,
                        listener.Protocol ?? "?",
                        targetPorts.get(listener.DefaultActions?.[0]?.TargetGroupArn ?? "") ?? "?",
                    ),
                ),
            ),
            `remove listeners nobody declared (aws elbv2 delete-listener --listener-arn ARN), then ${REFRESH}`,
        );
        for (const want of declared.listeners.filter((listener) => listener.protocol === "TLS")) {
            const live = listeners.find((listener) => listener.Port === want.port);
            if (live === undefined || live.Protocol !== "TLS") continue; // already reported above
            audit.compare(
                SECTION,
                resource,
                `TLS policy on ${want.port}`,
                want.sslPolicy ?? "?",
                live.SslPolicy ?? "none",
                `aws elbv2 modify-listener --listener-arn ${live.ListenerArn} --ssl-policy ${want.sslPolicy}`,
            );
            audit.compare(
                SECTION,
                resource,
                `certificate on ${want.port}`,
                want.certificateArn ?? "?",
                setText((live.Certificates ?? []).map((certificate) => certificate.CertificateArn)),
                `aws elbv2 modify-listener --listener-arn ${live.ListenerArn} --certificates CertificateArn=${want.certificateArn}`,
            );
        }
    });
    await audit.area(SECTION, `${label} security group ${declared.securityGroupId}`, `${label}: security group rules`, () =>
        compareRules(
            audit,
            declared.securityGroupId,
            `${label} security group`,
            declaredLoadBalancerRules(declared, audit.inputs.nodeSecurityGroupId),
        ),
    );
}

/** The nodes admit load balancer traffic only from the two load balancers' groups, on their NodePorts. */
export function declaredNodeRules(inputs: Audit["inputs"]): string[] {
    const fromLoadBalancers = Object.values(inputs.loadBalancers).flatMap((balancer) =>
        [...new Set(balancer.listeners.map((listener) => listener.nodePort))].map((port) =>
            ruleText("in", "tcp", port, port, balancer.securityGroupId),
        ),
    );
    return [...fromLoadBalancers, ruleText("out", "-1", -1, -1, "0.0.0.0/0")];
}

const clusterTagKeys = (clusterName: string) =>
    new Set([CLUSTER_NAME_TAG, `kubernetes.io/cluster/${clusterName}`, "elbv2.k8s.aws/cluster"]);

/** Whether a load balancer's tags say it belongs to the cluster. */
function taggedForCluster(tags: Tag[], clusterName: string): boolean {
    const keys = clusterTagKeys(clusterName);
    return tags.some((tag) => keys.has(tag.Key ?? "") && (tag.Key!.startsWith("kubernetes.io/cluster/") || tag.Value === clusterName));
}

function secondDoorFix(name: string, tags: Tag[], deleteCommand: string): string {
    const service = tags.find((tag) => tag.Key === "kubernetes.io/service-name")?.Value;
    if (service !== undefined) {
        const [namespace, serviceName] = service.split("/");
        return `Kubernetes made it for the Service ${service}: change that Service to type ClusterIP or delete it (kubectl -n ${namespace} delete service ${serviceName}); Kubernetes then removes ${name}`;
    }
    return `if nobody needs it: ${deleteCommand}`;
}

/** Every other load balancer in the VPC or tagged for the cluster: a second door the stack does not guard. */
async function auditSecondDoors(audit: Audit): Promise<void> {
    const { inputs } = audit;
    const ours = new Set([inputs.loadBalancers.api.arn, inputs.loadBalancers.operator.arn]);
    await audit.area(SECTION, `VPC ${inputs.vpcId}`, "no other network or application load balancer", async () => {
        const all: LoadBalancer[] = [];
        await audit.read("elasticloadbalancing:DescribeLoadBalancers", async () => {
            for await (const page of paginateDescribeLoadBalancers({ client: audit.aws.elbv2 }, {}))
                all.push(...(page.LoadBalancers ?? []));
        });
        const others = all.filter((balancer) => !ours.has(balancer.LoadBalancerArn!));
        const tags = new Map<string, Tag[]>();
        for (let at = 0; at < others.length; at += 20) {
            const chunk = others.slice(at, at + 20).map((balancer) => balancer.LoadBalancerArn!);
            const described = await audit.read("elasticloadbalancing:DescribeTags", () =>
                audit.aws.elbv2.send(new DescribeTagsCommand({ ResourceArns: chunk })),
            );
            for (const entry of described?.TagDescriptions ?? []) tags.set(entry.ResourceArn!, entry.Tags ?? []);
        }
        const doors = others.filter(
            (balancer) =>
                balancer.VpcId === inputs.vpcId || taggedForCluster(tags.get(balancer.LoadBalancerArn!) ?? [], inputs.clusterName),
        );
        for (const door of doors) {
            const doorTags = tags.get(door.LoadBalancerArn!) ?? [];
            audit.drift(SECTION, `load balancer ${door.LoadBalancerArn}`, "a load balancer the stack did not create", {
                declared: "only the API and operator load balancers",
                actual: `${door.Scheme} ${door.Type} load balancer ${door.LoadBalancerName} (${door.DNSName}) in ${door.VpcId}`,
                fix: secondDoorFix(
                    door.LoadBalancerName!,
                    doorTags,
                    `aws elbv2 delete-load-balancer --load-balancer-arn ${door.LoadBalancerArn}`,
                ),
            });
        }
        if (doors.length === 0) audit.ok(SECTION, `VPC ${inputs.vpcId}`, "no other network or application load balancer");
    });
    await audit.area(SECTION, `VPC ${inputs.vpcId}`, "no classic load balancer", async () => {
        const all: LoadBalancerDescription[] = [];
        await audit.read("elasticloadbalancing:DescribeLoadBalancers", async () => {
            for await (const page of paginateClassicLoadBalancers(
                { client: audit.aws.elb },
                {} as DescribeClassicLoadBalancersCommand["input"],
            )) {
                all.push(...(page.LoadBalancerDescriptions ?? []));
            }
        });
        const tags = new Map<string, Tag[]>();
        for (let at = 0; at < all.length; at += 20) {
            const names = all.slice(at, at + 20).map((balancer) => balancer.LoadBalancerName!);
            const described = await audit.read("elasticloadbalancing:DescribeTags", () =>
                audit.aws.elb.send(new DescribeClassicTagsCommand({ LoadBalancerNames: names })),
            );
            for (const entry of described?.TagDescriptions ?? []) tags.set(entry.LoadBalancerName!, entry.Tags ?? []);
        }
        const doors = all.filter(
            (balancer) =>
                balancer.VPCId === inputs.vpcId || taggedForCluster(tags.get(balancer.LoadBalancerName!) ?? [], inputs.clusterName),
        );
        for (const door of doors) {
            audit.drift(SECTION, `classic load balancer ${door.LoadBalancerName}`, "a load balancer the stack did not create", {
                declared: "only the API and operator load balancers",
                actual: `${door.Scheme} classic load balancer ${door.LoadBalancerName} (${door.DNSName}) in ${door.VPCId}`,
                fix: secondDoorFix(
                    door.LoadBalancerName!,
                    tags.get(door.LoadBalancerName!) ?? [],
                    `aws elb delete-load-balancer --load-balancer-name ${door.LoadBalancerName}`,
                ),
            });
        }
        if (doors.length === 0) audit.ok(SECTION, `VPC ${inputs.vpcId}`, "no classic load balancer");
    });
}

/** The load balancers, their groups' rules, the nodes' group, and any second door. */
export async function auditLoadBalancers(audit: Audit): Promise<void> {
    const { inputs } = audit;
    await Promise.all([
        auditLoadBalancer(audit, "api", inputs.loadBalancers.api),
        auditLoadBalancer(audit, "operator", inputs.loadBalancers.operator),
        audit.area(SECTION, `node security group ${inputs.nodeSecurityGroupId}`, "node security group rules", () =>
            compareRules(audit, inputs.nodeSecurityGroupId, "node security group", declaredNodeRules(inputs)),
        ),
        auditSecondDoors(audit),
    ]);
}
