import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerScheme } from "./args";
import { BuiltNodeGroup, Cluster } from "./cluster";
import { LOAD_BALANCER_TAG } from "./constants";
import { Network } from "./network";
import { checkWhenResolved, ResolvedArgs, valueRules } from "./validation";

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
export function planLoadBalancers(args: ResolvedArgs): LoadBalancerPlan[] {
    const ports = args.loadBalancerNodePorts;
    const tierOf = (scheme: LoadBalancerScheme) => (scheme === "internal" ? "private" : "public");
    return [
        {
            role: "api",
            scheme: args.apiLoadBalancerScheme,
            subnetTier: tierOf(args.apiLoadBalancerScheme),
            allowList: args.apiLoadBalancerCidrAllowList,
            listeners: [
                { port: 80, protocol: "TCP", nodePort: ports.apiHttp },
                // Terminated TLS arrives at the gateway as plain HTTP; passed-through TLS at its TLS port.
                args.sslCertificateArn
                    ? { port: 443, protocol: "TLS", nodePort: ports.apiHttp }
                    : { port: 443, protocol: "TCP", nodePort: ports.apiHttps },
            ],
            targets: "workers",
        },
        {
            role: "operator",
            scheme: args.operatorLoadBalancerScheme,
            subnetTier: tierOf(args.operatorLoadBalancerScheme),
            allowList: args.operatorLoadBalancerCidrAllowList,
            listeners: [{ port: 443, protocol: "TCP", nodePort: ports.operatorHttps }],
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
export function createLoadBalancers(
    name: string,
    args: ResolvedArgs,
    network: Network,
    cluster: Cluster,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): LoadBalancers {
    const certificateArn = args.sslCertificateArn
        ? checkWhenResolved("sslCertificateArn", valueRules.acmCertificateArn, args.sslCertificateArn, parent)
        : undefined;
    const [api, operator] = planLoadBalancers(args).map((plan) =>
        createLoadBalancer(
            name,
            args,
            plan,
            network,
            cluster,
            plan.targets === "operator" ? [cluster.operatorNodeGroup] : cluster.workerNodeGroups,
            certificateArn,
            tags,
            parent,
        ),
    );
    return { api, operator };
}

function createLoadBalancer(
    name: string,
    args: ResolvedArgs,
    plan: LoadBalancerPlan,
    network: Network,
    cluster: Cluster,
    nodeGroups: BuiltNodeGroup[],
    certificateArn: pulumi.Output<string> | undefined,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): BuiltLoadBalancer {
    const prefix = `${name}-${plan.role}-lb`;
    const lbTags = { ...tags, [LOAD_BALANCER_TAG]: plan.role };
    const listenerPorts = [...new Set(plan.listeners.map((listener) => listener.port))];
    const nodePorts = [...new Set(plan.listeners.map((listener) => listener.nodePort))];

    const securityGroup = new aws.ec2.SecurityGroup(
        prefix,
        {
            vpcId: network.vpcId,
            description: `Cortex ${plan.role} load balancer of ${args.clusterName}: its allow list on its listener ports only`,
            tags: { ...lbTags, Name: `${args.clusterName}-${plan.role}-lb` },
        },
        { parent },
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
                { parent },
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
                referencedSecurityGroupId: cluster.nodeSecurityGroupId,
                description: `to the nodes' NodePort ${nodePort} (traffic and health checks)`,
                tags: lbTags,
            },
            { parent },
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${prefix}-to-nodes-${nodePort}`,
            {
                securityGroupId: cluster.nodeSecurityGroupId,
                ipProtocol: "tcp",
                fromPort: nodePort,
                toPort: nodePort,
                referencedSecurityGroupId: securityGroup.id,
                description: `from the ${plan.role} load balancer only`,
                tags: lbTags,
            },
            { parent },
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
            tags: lbTags,
        },
        { parent },
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
            { parent },
        );
        targetGroups.set(nodePort, targetGroup);
        for (const group of nodeGroups) {
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
                { parent },
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
                ...(listener.protocol === "TLS" ? { certificateArn, sslPolicy: TLS_POLICY } : {}),
                defaultActions: [{ type: "forward", targetGroupArn: targetGroups.get(listener.nodePort)!.arn }],
                tags: lbTags,
            },
            { parent },
        );
    }

    return { plan, loadBalancer, securityGroup, listeners, dnsName: loadBalancer.dnsName };
}
