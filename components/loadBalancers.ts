import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerScheme } from "./args";
import { LOAD_BALANCER_TAG } from "./constants";
import { Network } from "./network";
import { BuiltNodeGroup, NodeGroups } from "./nodeGroups";
import { Settings } from "./settings";
import { Within } from "./parts";

/** Which of Cortex's two load balancers: Cortex's CLI finds each by the `cortex.dev/load-balancer` tag. */
export type LoadBalancerRole = "api" | "operator";

/**
 * A TLS policy for the API listener when it terminates TLS: TLS 1.3 and 1.2 with forward-secret
 * ciphers only.
 */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** One listener as planned: the port clients use, and where it sends them. */
export interface ListenerPlan {
    port: number;
    protocol: "TCP" | "TLS";
    nodePort: number;
    /** Whether the allow list reaches it; otherwise only API Gateway's VPC link does. */
    clients: boolean;
}

/** Everything that decides what a load balancer admits and where it sends traffic. */
export interface LoadBalancerPlan {
    role: LoadBalancerRole;
    scheme: LoadBalancerScheme;
    /** Internal ones live in the private subnets, internet-facing ones in the public subnets. */
    subnetTier: "private" | "public";
    allowList: string[];
    listeners: ListenerPlan[];
    /** Which node groups' instances serve it. */
    targets: "operator" | "workers";
}

/**
 * The two load balancers as the arguments ask for them: pure, so the posture can be shown and
 * checked without building anything.
 */
export type LoadBalancerSettings = Pick<
    Settings,
    | "clusterName"
    | "apiLoadBalancerScheme"
    | "operatorLoadBalancerScheme"
    | "apiLoadBalancerCidrAllowList"
    | "operatorLoadBalancerCidrAllowList"
    | "loadBalancerNodePorts"
    | "sslCertificateArn"
    | "apiHttpListener"
    | "apiGateway"
    | "protectData"
>;

export function planLoadBalancers(settings: LoadBalancerSettings): LoadBalancerPlan[] {
    const ports = settings.loadBalancerNodePorts;
    const tierOf = (scheme: LoadBalancerScheme) => (scheme === "internal" ? "private" : "public");
    return [
        {
            role: "api",
            scheme: settings.apiLoadBalancerScheme,
            subnetTier: tierOf(settings.apiLoadBalancerScheme),
            allowList: settings.apiLoadBalancerCidrAllowList,
            listeners: [
                // Plain HTTP only when asked for (by default, when there is no certificate); API
                // Gateway's VPC link forwards to port 80 either way, admitted by its security group.
                ...(settings.apiHttpListener || settings.apiGateway
                    ? [{ port: 80, protocol: "TCP" as const, nodePort: ports.apiHttp, clients: settings.apiHttpListener }]
                    : []),
                // Terminated TLS arrives at the gateway as plain HTTP; passed-through TLS at its TLS port.
                settings.sslCertificateArn
                    ? { port: 443, protocol: "TLS" as const, nodePort: ports.apiHttp, clients: true }
                    : { port: 443, protocol: "TCP" as const, nodePort: ports.apiHttps, clients: true },
            ],
            targets: "workers",
        },
        {
            role: "operator",
            scheme: settings.operatorLoadBalancerScheme,
            subnetTier: tierOf(settings.operatorLoadBalancerScheme),
            allowList: settings.operatorLoadBalancerCidrAllowList,
            listeners: [{ port: 443, protocol: "TCP", nodePort: ports.operatorHttps, clients: true }],
            targets: "operator",
        },
    ];
}

/** A built load balancer, as the other parts (API Gateway, outputs) need it. */
export interface BuiltLoadBalancer {
    plan: LoadBalancerPlan;
    loadBalancer: aws.lb.LoadBalancer;
    securityGroup: aws.ec2.SecurityGroup;
    listeners: Record<number, aws.lb.Listener>;
    dnsName: pulumi.Output<string>;
}

export interface LoadBalancers {
    api: BuiltLoadBalancer;
    operator: BuiltLoadBalancer;
}

/** Builds the API and operator network load balancers with their security groups, listeners and targets. */
export function createLoadBalancers(part: {
    name: string;
    settings: LoadBalancerSettings;
    network: Pick<Network, "vpcId" | "publicSubnetIds" | "privateSubnetIds">;
    nodeGroups: NodeGroups;
    tags: Record<string, string>;
    within: Within;
}): LoadBalancers {
    const { nodeGroups } = part;
    const [api, operator] = planLoadBalancers(part.settings).map((plan) =>
        createLoadBalancer({
            ...part,
            plan,
            targets: plan.targets === "operator" ? [nodeGroups.operator] : nodeGroups.workers,
            nodeSecurityGroupId: nodeGroups.nodeSecurityGroupId,
        }),
    );
    return { api, operator };
}

function createLoadBalancer(part: {
    name: string;
    settings: LoadBalancerSettings;
    plan: LoadBalancerPlan;
    network: Pick<Network, "vpcId" | "publicSubnetIds" | "privateSubnetIds">;
    targets: BuiltNodeGroup[];
    nodeSecurityGroupId: pulumi.Output<string>;
    tags: Record<string, string>;
    within: Within;
}): BuiltLoadBalancer {
    const { name, settings, plan, network, targets, nodeSecurityGroupId, tags, within } = part;
    const { parent } = within;
    const prefix = `${name}-${plan.role}-lb`;
    const lbTags = { ...tags, [LOAD_BALANCER_TAG]: plan.role };
    const listenerPorts = [...new Set(plan.listeners.filter((listener) => listener.clients).map((listener) => listener.port))];
    const nodePorts = [...new Set(plan.listeners.map((listener) => listener.nodePort))];

    const securityGroup = new aws.ec2.SecurityGroup(
        prefix,
        {
            vpcId: network.vpcId,
            description: `Cortex ${plan.role} load balancer of ${settings.clusterName}: its allow list on its listener ports only`,
            tags: { ...lbTags, Name: `${settings.clusterName}-${plan.role}-lb` },
        },
        within,
    );
    // One rule per CIDR and port, so a review (and the policy pack) sees exactly who may connect where.
    for (const cidr of plan.allowList) {
        for (const port of listenerPorts) {
            new aws.vpc.SecurityGroupIngressRule(
                `${prefix}-in-${port}-${cidr.replace(/[./]/g, "-")}`,
                {
                    securityGroupId: securityGroup.id,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: cidr,
                    description: `${plan.role} clients on ${port}`,
                    tags: lbTags,
                },
                within,
            );
        }
    }
    for (const nodePort of nodePorts) {
        new aws.vpc.SecurityGroupEgressRule(
            `${prefix}-out-${nodePort}`,
            {
                securityGroupId: securityGroup.id,
                ipProtocol: "tcp",
                fromPort: nodePort,
                toPort: nodePort,
                referencedSecurityGroupId: nodeSecurityGroupId,
                description: `to the nodes' NodePort ${nodePort} (traffic and health checks)`,
                tags: lbTags,
            },
            within,
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${prefix}-to-nodes-${nodePort}`,
            {
                securityGroupId: nodeSecurityGroupId,
                ipProtocol: "tcp",
                fromPort: nodePort,
                toPort: nodePort,
                referencedSecurityGroupId: securityGroup.id,
                description: `from the ${plan.role} load balancer only`,
                tags: lbTags,
            },
            within,
        );
    }

    const loadBalancer = new aws.lb.LoadBalancer(
        prefix,
        {
            loadBalancerType: "network",
            internal: plan.scheme === "internal",
            subnets: plan.subnetTier === "private" ? network.privateSubnetIds : network.publicSubnetIds,
            securityGroups: [securityGroup.id],
            enableCrossZoneLoadBalancing: true,
            // Cortex's CLI and every client find it by its DNS name: a stray delete would change it.
            enableDeletionProtection: settings.protectData,
            tags: lbTags,
        },
        within,
    );

    const targetGroups = new Map<number, aws.lb.TargetGroup>();
    for (const nodePort of nodePorts) {
        const targetGroup = new aws.lb.TargetGroup(
            `${prefix}-${nodePort}`,
            {
                vpcId: network.vpcId,
                targetType: "instance",
                protocol: "TCP",
                port: nodePort,
                // The nodes then see the load balancer as the source, so their rule admitting only its
                // security group holds whatever the client's address.
                preserveClientIp: "false",
                healthCheck: { protocol: "TCP", port: "traffic-port", interval: 10, healthyThreshold: 3, unhealthyThreshold: 3 },
                deregistrationDelay: 30,
                tags: lbTags,
            },
            within,
        );
        targetGroups.set(nodePort, targetGroup);
        for (const group of targets) {
            new aws.autoscaling.Attachment(
                `${prefix}-${nodePort}-${group.spec.name}`,
                {
                    autoscalingGroupName: group.autoscalingGroupNames.apply((names) => {
                        if (names.length !== 1) {
                            throw new pulumi.ResourceError(
                                `node group ${group.spec.name} has ${names.length} autoscaling groups; expected 1`,
                                parent,
                            );
                        }
                        return names[0];
                    }),
                    lbTargetGroupArn: targetGroup.arn,
                },
                within,
            );
        }
    }

    const listeners: Record<number, aws.lb.Listener> = {};
    for (const listener of plan.listeners) {
        listeners[listener.port] = new aws.lb.Listener(
            `${prefix}-${listener.port}`,
            {
                loadBalancerArn: loadBalancer.arn,
                port: listener.port,
                protocol: listener.protocol,
                ...(listener.protocol === "TLS" ? { certificateArn: settings.sslCertificateArn, sslPolicy: TLS_POLICY } : {}),
                defaultActions: [{ type: "forward", targetGroupArn: targetGroups.get(listener.nodePort)!.arn }],
                tags: lbTags,
            },
            within,
        );
    }

    return { plan, loadBalancer, securityGroup, listeners, dnsName: loadBalancer.dnsName };
}
