// The joint rules about who may reach the cluster: admin planes closed unless named, and allow
// lists that fit a security group.
import { CortexSecureClusterArgs } from "./args";
import { DEFAULTS, defaultApiHttpListener } from "./defaults";
import { WellFormed } from "./jointRules";
import { EKS_PUBLIC_ACCESS_CIDRS, SECURITY_GROUP_INBOUND_RULES } from "./limits";
import { ArgumentProblem } from "./problems";

/** The admin planes (operator load balancer, public Kubernetes endpoint) reachable from the internet with no allow list of their own. */
function openAdminPlanes(args: CortexSecureClusterArgs, wellFormed: WellFormed): string[] {
    const planes: string[] = [];
    const operatorScheme = wellFormed("operatorLoadBalancerScheme")
        ? (args.operatorLoadBalancerScheme ?? DEFAULTS.operatorLoadBalancerScheme)
        : undefined;
    if (operatorScheme === "internet-facing" && args.operatorLoadBalancerCidrAllowList === undefined) {
        planes.push("the internet-facing operator load balancer");
    }
    const endpointPublic = wellFormed("clusterEndpointPublicAccess")
        ? (args.clusterEndpointPublicAccess ?? DEFAULTS.clusterEndpointPublicAccess)
        : undefined;
    if (endpointPublic === true && args.clusterEndpointPublicAccessCidrs === undefined) {
        planes.push("the public Kubernetes API endpoint");
    }
    return planes;
}

/**
 * Who administers the cluster must be said: Cortex's operator accepts any identity of the account,
 * so an admin plane open to the internet is one leaked key away from a deployment.
 */
export function adminPlaneProblems(args: CortexSecureClusterArgs, wellFormed: WellFormed): ArgumentProblem[] {
    const planes = openAdminPlanes(args, wellFormed);
    if (planes.length === 0 || args.adminCidrAllowList !== undefined) return [];
    return [
        {
            argument: "adminCidrAllowList",
            value: undefined,
            allowed:
                `the CIDRs the cluster is administered from (Cortex CLI, kubectl, pulumi up), e.g. ["203.0.113.0/24"], ` +
                `or ["0.0.0.0/0"] to open them to the internet on purpose: ${planes.join(" and ")} ` +
                `${planes.length === 1 ? "has" : "have"} no allow list of ${planes.length === 1 ? "its" : "their"} own`,
        },
    ];
}

/**
 * Allow lists that would not fit their security group (or EKS's endpoint) are refused now, naming
 * the argument they came from, rather than failing halfway through a deployment.
 */
export function allowListSizeProblems(args: CortexSecureClusterArgs, wellFormed: WellFormed): ArgumentProblem[] {
    const problems: ArgumentProblem[] = [];
    const lengthOf = (argument: keyof CortexSecureClusterArgs) => {
        const value = args[argument];
        return Array.isArray(value) && wellFormed(argument) ? value.length : undefined;
    };
    const peers = Array.isArray(args.vpcPeering) && wellFormed("vpcPeering") ? args.vpcPeering.length : 0;
    const internalDefault = 1 + peers;
    const tooLong = (argument: string, count: number, most: number, why: string) => {
        if (count > most) problems.push({ argument, value: `${count} CIDRs`, allowed: `at most ${most} CIDRs: ${why}` });
    };
    const holds = `security group holds ${SECURITY_GROUP_INBOUND_RULES} inbound rules (AWS's default quota)`;

    // The operator: one listener port, so one rule per CIDR.
    if (wellFormed("operatorLoadBalancerScheme")) {
        const scheme = args.operatorLoadBalancerScheme ?? DEFAULTS.operatorLoadBalancerScheme;
        const given = lengthOf("operatorLoadBalancerCidrAllowList");
        const admins = lengthOf("adminCidrAllowList");
        if (given !== undefined)
            tooLong("operatorLoadBalancerCidrAllowList", given, SECURITY_GROUP_INBOUND_RULES, `the operator load balancer's ${holds}`);
        else if (scheme === "internet-facing" && admins !== undefined)
            tooLong(
                "adminCidrAllowList",
                admins,
                SECURITY_GROUP_INBOUND_RULES,
                `it is the operator load balancer's allow list, whose ${holds}`,
            );
        else if (scheme === "internal")
            tooLong(
                "vpcPeering",
                internalDefault,
                SECURITY_GROUP_INBOUND_RULES,
                `the internal operator load balancer admits the VPC and every peer, and its ${holds}`,
            );
    }
    // The API: one rule per CIDR and listener port the allow list reaches, and one for API Gateway's VPC link.
    if (wellFormed("apiLoadBalancerScheme") && wellFormed("apiHttpListener") && wellFormed("apiGateway")) {
        const ports = (args.apiHttpListener ?? defaultApiHttpListener(args.sslCertificateArn)) ? 2 : 1;
        const room = Math.floor((SECURITY_GROUP_INBOUND_RULES - (args.apiGateway === true ? 1 : 0)) / ports);
        const why = `the API load balancer's ${holds}, and each CIDR takes ${ports === 2 ? "two (ports 80 and 443)" : "one (port 443)"}${args.apiGateway === true ? ", beside one for API Gateway's VPC link" : ""}`;
        const given = lengthOf("apiLoadBalancerCidrAllowList");
        if (given !== undefined) tooLong("apiLoadBalancerCidrAllowList", given, room, why);
        else if ((args.apiLoadBalancerScheme ?? DEFAULTS.apiLoadBalancerScheme) === "internal")
            tooLong("vpcPeering", internalDefault, room, why);
    }
    // The public endpoint takes the admins' list when it has none of its own.
    const endpointPublic =
        wellFormed("clusterEndpointPublicAccess") && (args.clusterEndpointPublicAccess ?? DEFAULTS.clusterEndpointPublicAccess);
    const admins = lengthOf("adminCidrAllowList");
    if (endpointPublic && args.clusterEndpointPublicAccessCidrs === undefined && admins !== undefined) {
        tooLong(
            "adminCidrAllowList",
            admins,
            EKS_PUBLIC_ACCESS_CIDRS,
            `it is the public Kubernetes API endpoint's allow list, which EKS limits to ${EKS_PUBLIC_ACCESS_CIDRS}`,
        );
    }
    return problems;
}
