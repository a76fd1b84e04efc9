// Rules that join several arguments. Each reads only values that passed their own rule
// (`wellFormed`), so a typo in one argument never makes another look wrong.
import { CortexSecureClusterArgs, SubnetVisibility } from "./args";
import { cidrsOverlap } from "./cidr";
import { DEFAULTS } from "./defaults";
import { ArgumentProblem } from "./problems";
import { releaseProblems } from "./releaseRules";
import { adminPlaneProblems, allowListSizeProblems } from "./accessRules";

/** Whether the value at a path passed the single-value rules: neither it, nor anything around or inside it, was reported. */
export type WellFormed = (...path: PropertyKey[]) => boolean;

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Rules that join several arguments; each reads only values that are well formed on their own. */
export function jointProblems(args: Record<string, unknown>, wellFormed: WellFormed): ArgumentProblem[] {
    const given = args as CortexSecureClusterArgs;
    const problems: ArgumentProblem[] = [];
    const visibility = wellFormed("subnetVisibility") ? (given.subnetVisibility ?? DEFAULTS.subnetVisibility) : undefined;

    if (given.existingVpc !== undefined) {
        for (const excluded of ["vpcCidr", "availabilityZones", "natGateway"] as const) {
            if (given[excluded] !== undefined) {
                problems.push({
                    argument: excluded,
                    value: given[excluded],
                    allowed: "nothing when existingVpc is set (the existing VPC decides its CIDR, zones and NAT)",
                });
            }
        }
        const peers = Array.isArray(given.vpcPeering) ? given.vpcPeering.length : 0;
        if (isRecord(given.existingVpc) && peers > 0 && given.existingVpc.routeTableIds === undefined) {
            problems.push({
                argument: "existingVpc.routeTableIds",
                value: undefined,
                allowed: "the route tables of the subnets the cluster uses, when vpcPeering is set (they get the routes to the peers)",
            });
        }
        if (isRecord(given.existingVpc) && visibility !== undefined) {
            problems.push(...existingVpcSubnetProblems(given.existingVpc, visibility, given, wellFormed));
        }
    } else if (visibility === "private" && given.natGateway === "none" && wellFormed("vpcEndpoints") && given.vpcEndpoints !== "all") {
        problems.push({
            argument: "natGateway",
            value: "none",
            allowed:
                '"single" or "highly_available" with subnetVisibility "private" (private nodes need a NAT to pull images), ' +
                'unless vpcEndpoints is "all" or existingVpc is set',
        });
    }

    if (given.clusterEndpointPublicAccess === false && given.clusterEndpointPublicAccessCidrs !== undefined) {
        problems.push({
            argument: "clusterEndpointPublicAccessCidrs",
            value: given.clusterEndpointPublicAccessCidrs,
            allowed: "nothing when clusterEndpointPublicAccess is false (there is no public endpoint to allow-list)",
        });
    }

    for (const option of ["apiGatewayAuthorization", "apiGatewayThrottling"] as const) {
        if (given[option] !== undefined && wellFormed("apiGateway") && given.apiGateway !== true) {
            problems.push({
                argument: option,
                value: given[option],
                allowed: "nothing unless apiGateway is true (there is no gateway to configure)",
            });
        }
    }
    if (given.s3EndpointAccess === "clusterBuckets" && wellFormed("vpcEndpoints") && given.vpcEndpoints === "none") {
        problems.push({
            argument: "s3EndpointAccess",
            value: given.s3EndpointAccess,
            allowed: 'nothing when vpcEndpoints is "none" (there is no S3 gateway endpoint to give a policy)',
        });
    }

    problems.push(...adminPlaneProblems(given, wellFormed));
    problems.push(...allowListSizeProblems(given, wellFormed));
    problems.push(...nodeGroupProblems(given, wellFormed));
    problems.push(...releaseProblems(given, wellFormed));
    problems.push(...peeringProblems(given, wellFormed));
    return problems;
}

function nodeGroupProblems(args: CortexSecureClusterArgs, wellFormed: WellFormed): ArgumentProblem[] {
    const problems: ArgumentProblem[] = [];
    const groups: unknown[] = Array.isArray(args.nodeGroups) ? args.nodeGroups : [];
    const seen = new Set<string>();
    groups.forEach((group, index) => {
        if (!isRecord(group)) return;
        if (wellFormed("nodeGroups", index, "name")) {
            const name = group.name as string;
            if (seen.has(name) || name === "operator") {
                problems.push({
                    argument: `nodeGroups[${index}].name`,
                    value: name,
                    allowed: 'a name no other node group has (and not "operator", the operator group\'s)',
                });
            }
            seen.add(name);
        }
        if (wellFormed("nodeGroups", index, "minInstances") && wellFormed("nodeGroups", index, "maxInstances")) {
            problems.push(
                ...sizeProblems(`nodeGroups[${index}]`, group, {
                    min: DEFAULTS.nodeGroup.minInstances,
                    max: DEFAULTS.nodeGroup.maxInstances,
                }),
            );
        }
    });
    const operator = args.operatorNodeGroup;
    if (isRecord(operator) && wellFormed("operatorNodeGroup", "minInstances") && wellFormed("operatorNodeGroup", "maxInstances")) {
        problems.push(
            ...sizeProblems("operatorNodeGroup", operator, {
                min: DEFAULTS.operatorNodeGroup.minInstances,
                max: DEFAULTS.operatorNodeGroup.maxInstances,
            }),
        );
    }
    return problems;
}

function sizeProblems(argument: string, group: Record<string, unknown>, defaults: { min: number; max: number }): ArgumentProblem[] {
    const givenMax = group.maxInstances as number | undefined;
    const min = (group.minInstances as number | undefined) ?? defaults.min;
    const max = givenMax ?? defaults.max;
    if (max >= min) return [];
    const allowed = `an integer ≥ minInstances (${min})`;
    return [
        {
            argument: `${argument}.maxInstances`,
            value: givenMax,
            allowed: givenMax === undefined ? `${allowed}; unset, it defaults to ${defaults.max}` : allowed,
        },
    ];
}

function existingVpcSubnetProblems(
    vpc: Record<string, unknown>,
    visibility: SubnetVisibility,
    args: CortexSecureClusterArgs,
    wellFormed: WellFormed,
): ArgumentProblem[] {
    const problems: ArgumentProblem[] = [];
    type Tier = "publicSubnetIds" | "privateSubnetIds";
    const nodeTier: Tier = visibility === "private" ? "privateSubnetIds" : "publicSubnetIds";
    // A list with a malformed id still has a length that means something.
    const countOf = (tier: Tier) => (Array.isArray(vpc[tier]) ? (vpc[tier] as unknown[]).length : undefined);
    const tooFew = (tier: Tier, least: number) => {
        const count = countOf(tier);
        return count !== undefined && count < least;
    };
    if (tooFew(nodeTier, 2)) {
        problems.push({
            argument: `existingVpc.${nodeTier}`,
            value: vpc[nodeTier],
            allowed: `at least 2 subnets: the nodes use this tier when subnetVisibility is "${visibility}"`,
        });
    }
    const schemes = (["apiLoadBalancerScheme", "operatorLoadBalancerScheme"] as const)
        .filter((scheme) => wellFormed(scheme))
        .map((scheme) => args[scheme] ?? DEFAULTS[scheme]);
    if (schemes.includes("internet-facing") && nodeTier !== "publicSubnetIds" && tooFew("publicSubnetIds", 1)) {
        problems.push({
            argument: "existingVpc.publicSubnetIds",
            value: vpc.publicSubnetIds,
            allowed: "at least 1 subnet: internet-facing load balancers live in the public subnets",
        });
    }
    const needsPrivate = schemes.includes("internal") || (wellFormed("apiGateway") && args.apiGateway === true);
    if (needsPrivate && nodeTier !== "privateSubnetIds" && tooFew("privateSubnetIds", 1)) {
        problems.push({
            argument: "existingVpc.privateSubnetIds",
            value: vpc.privateSubnetIds,
            allowed: "at least 1 subnet: internal load balancers and the API Gateway VPC link live in the private subnets",
        });
    }
    return problems;
}

/** The cluster VPC's CIDR as given (or defaulted), or undefined when what was given is malformed. */
function clusterVpcCidr(args: CortexSecureClusterArgs, wellFormed: WellFormed): string | undefined {
    if (args.existingVpc !== undefined) {
        return isRecord(args.existingVpc) && wellFormed("existingVpc", "cidrBlock") ? args.existingVpc.cidrBlock : undefined;
    }
    return wellFormed("vpcCidr") ? (args.vpcCidr ?? DEFAULTS.vpcCidr) : undefined;
}

function peeringProblems(args: CortexSecureClusterArgs, wellFormed: WellFormed): ArgumentProblem[] {
    const problems: ArgumentProblem[] = [];
    const vpcCidr = clusterVpcCidr(args, wellFormed);
    const peers: unknown[] = Array.isArray(args.vpcPeering) ? args.vpcPeering : [];
    const checked: { index: number; cidrBlock: string }[] = [];
    peers.forEach((peer, index) => {
        if (!isRecord(peer)) return;
        const argument = `vpcPeering[${index}]`;
        if (wellFormed("vpcPeering", index, "cidrBlock")) {
            const cidrBlock = peer.cidrBlock as string;
            if (vpcCidr !== undefined && cidrsOverlap(cidrBlock, vpcCidr)) {
                problems.push({
                    argument: `${argument}.cidrBlock`,
                    value: cidrBlock,
                    allowed: `a CIDR that does not overlap the cluster VPC (${vpcCidr})`,
                });
            }
            for (const earlier of checked.filter((other) => cidrsOverlap(cidrBlock, other.cidrBlock))) {
                problems.push({
                    argument: `${argument}.cidrBlock`,
                    value: cidrBlock,
                    allowed: `a CIDR that does not overlap another peer (vpcPeering[${earlier.index}]: ${earlier.cidrBlock})`,
                });
            }
            checked.push({ index, cidrBlock });
        }
        const crossAccountOrRegion = peer.ownerId !== undefined || peer.region !== undefined;
        if (crossAccountOrRegion && Array.isArray(peer.routeTableIds) && peer.routeTableIds.length > 0) {
            problems.push({
                argument: `${argument}.routeTableIds`,
                value: peer.routeTableIds,
                allowed: "nothing for a peer in another account or region (its owner adds the route back after accepting)",
            });
        }
    });
    return problems;
}
