import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    ControlPlaneLogType,
    CortexSecureClusterArgs,
    DEFAULT_KUBERNETES_VERSION,
    ExistingVpc,
    InstanceVolumeType,
    LOG_RETENTION_DAYS,
    LoadBalancerNodePorts,
    LoadBalancerScheme,
    NatGatewayStrategy,
    PeerSpec,
    RuntimeCredentials,
    SubnetVisibility,
    VpcEndpointsMode,
} from "./args";
import { cidrsOverlap, parseIpv4Cidr } from "./cidr";
import { ACCESS_KEY_ID_PATTERN, CONTROL_PLANE_LOG_TYPES, SECRET_ACCESS_KEY_PATTERN } from "./constants";

/** One thing wrong with the arguments: which argument, what was given, what is allowed. */
export interface ArgumentProblem {
    argument: string;
    value: unknown;
    allowed: string;
    /** The value is a secret (e.g. a stack config key set with `--secret`): the message never shows it. */
    secret?: boolean;
}

/** Thrown when the arguments break any rule; lists every problem at once. */
export class CortexSecureClusterArgsError extends Error {
    constructor(
        readonly problems: ArgumentProblem[],
        source = "CortexSecureCluster arguments",
    ) {
        super(formatProblems(problems, source));
        this.name = "CortexSecureClusterArgsError";
    }
}

/** Fields whose values are never printed, wherever they sit in a value. */
const SECRET_FIELD = /secretAccessKey$/;
const HIDDEN_SECRET = "(a secret, not shown)";

/** The error text: one line per problem, `argument: got VALUE; allowed: ...`. */
export function formatProblems(problems: ArgumentProblem[], source = "CortexSecureCluster arguments"): string {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const lines = problems.map((p) => `  - ${p.argument}: got ${describeValue(p)}; allowed: ${p.allowed}`);
    return [`Invalid ${source} (${count}):`, ...lines].join("\n");
}

function describeValue(problem: ArgumentProblem): string {
    if (problem.secret || SECRET_FIELD.test(problem.argument)) {
        return HIDDEN_SECRET;
    }
    if (problem.value === undefined) {
        return "nothing";
    }
    const text = JSON.stringify(printable(problem.value, 0)) ?? String(problem.value);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** A copy of a value that is safe to print: secrets hidden, Outputs and other non-data named. */
function printable(value: unknown, depth: number): unknown {
    if (pulumi.Output.isInstance(value)) return "(an Output)";
    if (value instanceof Promise) return "(a Promise)";
    if (typeof value === "number" && !Number.isFinite(value)) return String(value);
    if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") return `(a ${typeof value})`;
    if (typeof value !== "object" || value === null) return value;
    // Deep or cyclic values (e.g. a resource passed by mistake) are cut short rather than walked.
    if (depth > 4) return "(…)";
    if (Array.isArray(value)) return value.map((item) => printable(item, depth + 1));
    return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, SECRET_FIELD.test(key) ? HIDDEN_SECRET : printable(item, depth + 1)]),
    );
}

// ---- rules for single values; each carries its "allowed" text as the message ----

const quoted = (values: readonly (string | number)[]) => values.map((v) => JSON.stringify(v)).join(", ");
const oneOf = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]], { error: `one of ${quoted(values)}` });

const ipv4Cidr = (allowedPrefix: { min: number; max: number }) =>
    z.string({ error: "an IPv4 CIDR string" }).superRefine((value, ctx) => {
        const parsed = parseIpv4Cidr(value);
        const allowed = `an IPv4 network CIDR with a prefix /${allowedPrefix.min}–/${allowedPrefix.max}`;
        if (typeof parsed === "string") {
            ctx.addIssue({ code: "custom", message: `${allowed} (${parsed})`, input: value });
        } else if (parsed.prefix < allowedPrefix.min || parsed.prefix > allowedPrefix.max) {
            ctx.addIssue({ code: "custom", message: allowed, input: value });
        }
    });

const anyCidr = ipv4Cidr({ min: 0, max: 32 });
const cidrList = z
    .array(anyCidr, { error: "a list of IPv4 CIDRs" })
    .min(1, { error: "at least one CIDR (omit the argument for the default)" })
    .refine((cidrs) => new Set(cidrs).size === cidrs.length, { error: "a list of IPv4 CIDRs without repeats" });
const bool = z.boolean({ error: "true or false" });
const count = (allowed: string) => z.number({ error: allowed }).int({ error: allowed });

const instanceType = z
    .string({ error: "an EC2 instance type such as m5.large" })
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "an EC2 instance type such as m5.large" })
    .refine((t) => !/\.(nano|micro)$/.test(t), { error: "an instance type larger than micro (Cortex does not fit on nano/micro)" });

/** Rules for values that may arrive as Outputs: checked now when plain, when resolved otherwise. */
export const valueRules = {
    acmCertificateArn: z
        .string({ error: "an ACM certificate ARN" })
        .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, {
            error: "an ACM certificate ARN, arn:aws:acm:REGION:ACCOUNT:certificate/ID",
        }),
    kmsKeyArn: z.string({ error: "a KMS key ARN" }).regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, {
        error: "a KMS key ARN, arn:aws:kms:REGION:ACCOUNT:key/ID (not an alias)",
    }),
    s3BucketArn: z.string({ error: "an S3 bucket ARN" }).regex(/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
        error: "an S3 bucket ARN, arn:aws:s3:::BUCKET (no object path or wildcard)",
    }),
    vpcId: z.string({ error: "a VPC id" }).regex(/^vpc-[0-9a-f]{8,17}$/, { error: "a VPC id, vpc-…" }),
    subnetId: z.string({ error: "a subnet id" }).regex(/^subnet-[0-9a-f]{8,17}$/, { error: "a subnet id, subnet-…" }),
    routeTableId: z.string({ error: "a route table id" }).regex(/^rtb-[0-9a-f]{8,17}$/, { error: "a route table id, rtb-…" }),
    accessKeyId: z
        .string({ error: "an AWS access key id" })
        .regex(ACCESS_KEY_ID_PATTERN, { error: "an AWS access key id: AKIA or ASIA and 16 uppercase letters or digits" }),
    secretAccessKey: z
        .string({ error: "an AWS secret access key" })
        .regex(SECRET_ACCESS_KEY_PATTERN, { error: "an AWS secret access key: 40 characters of A–Z, a–z, 0–9, /, + and =" }),
} as const;

/** A value that may be an Output or a Promise: its rule applies now only when it is plain. */
const input = (rule: z.ZodType) =>
    z.unknown().superRefine((value, ctx) => {
        if (pulumi.Output.isInstance(value) || value instanceof Promise) {
            return;
        }
        const result = rule.safeParse(value, { reportInput: true });
        for (const issue of result.error?.issues ?? []) {
            ctx.addIssue({ ...issue, code: "custom", message: issue.message, path: issue.path, input: issue.input } as never);
        }
    });

const nodeGroupSize = {
    minInstances: count("an integer ≥ 0").min(0, { error: "an integer ≥ 0" }).optional(),
    maxInstances: count("an integer > 0 and ≥ minInstances").min(1, { error: "an integer > 0 and ≥ minInstances" }).optional(),
};

const nodeGroupSpec = z.strictObject(
    {
        name: z
            .string({ error: "1–26 chars of lowercase letters, digits and -" })
            .regex(/^[a-z0-9-]{1,26}$/, { error: "1–26 chars of lowercase letters, digits and -" }),
        instanceType,
        ...nodeGroupSize,
        spot: bool.optional(),
        instanceVolumeSize: count("an integer 20–16384 (GiB)")
            .min(20, { error: "an integer 20–16384 (GiB)" })
            .max(16384, { error: "an integer 20–16384 (GiB)" })
            .optional(),
        instanceVolumeType: oneOf(["gp2", "gp3", "io1", "st1", "sc1"]).optional(),
    },
    { error: "a node group: {name, instanceType, minInstances?, maxInstances?, spot?, instanceVolumeSize?, instanceVolumeType?}" },
);

const operatorNodeGroupSpec = z.strictObject(
    { instanceType: instanceType.optional(), ...nodeGroupSize },
    { error: "{instanceType?, minInstances?, maxInstances?}" },
);

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsSubdomain = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const runtimeCredentials = z.discriminatedUnion(
    "mode",
    [
        z.strictObject({ mode: z.literal("iamUser") }),
        z.strictObject({
            mode: z.literal("provided"),
            accessKeyId: input(valueRules.accessKeyId),
            secretAccessKey: input(valueRules.secretAccessKey),
        }),
        z.strictObject({
            mode: z.literal("serviceAccountRole"),
            namespace: z
                .string({ error: "a Kubernetes namespace name (a DNS label)" })
                .regex(dnsLabel, { error: "a Kubernetes namespace name (a DNS label)" })
                .optional(),
            serviceAccount: z
                .string({ error: "a Kubernetes service account name (a DNS subdomain)" })
                .regex(dnsSubdomain, { error: "a Kubernetes service account name (a DNS subdomain)" })
                .optional(),
        }),
    ],
    { error: 'an object whose mode is "iamUser", "provided" (with accessKeyId, secretAccessKey) or "serviceAccountRole"' },
);

const existingVpc = z.strictObject(
    {
        vpcId: input(valueRules.vpcId),
        cidrBlock: ipv4Cidr({ min: 16, max: 28 }),
        publicSubnetIds: z.array(input(valueRules.subnetId), { error: "a list of subnet ids" }),
        privateSubnetIds: z.array(input(valueRules.subnetId), { error: "a list of subnet ids" }),
    },
    { error: "{vpcId, cidrBlock, publicSubnetIds, privateSubnetIds}" },
);

const peerSpec = z.strictObject(
    {
        vpcId: input(valueRules.vpcId),
        cidrBlock: anyCidr,
        routeTableIds: z.array(input(valueRules.routeTableId), { error: "a list of route table ids" }).optional(),
        ownerId: z
            .string({ error: "a 12-digit AWS account id" })
            .regex(/^\d{12}$/, { error: "a 12-digit AWS account id" })
            .optional(),
        region: z
            .string({ error: "an AWS region such as us-west-2" })
            .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: "an AWS region such as us-west-2" })
            .optional(),
    },
    { error: "a peer: {vpcId, cidrBlock, routeTableIds?, ownerId?, region?}" },
);

const RESERVED_TAG_PREFIXES = ["aws:", "kubernetes.io/", "k8s.io/", "eksctl.", "cortex.dev/"];
const tagKeyRule = `tag keys of 1–127 chars with no leading/trailing space, not starting with ${RESERVED_TAG_PREFIXES.join(", ")} (in any case)`;
const tagValueRule = "a string of 1–255 chars with no leading/trailing space";

const tags = z.record(z.string(), z.unknown(), { error: "a map of tag keys to string values" }).superRefine((map, ctx) => {
    for (const [key, value] of Object.entries(map)) {
        const reserved = RESERVED_TAG_PREFIXES.some((prefix) => key.toLowerCase().startsWith(prefix));
        if (key.length < 1 || key.length > 127 || key.trim() !== key || reserved) {
            // The key itself is wrong: show the whole entry, since the key alone reads like a value.
            ctx.addIssue({ code: "custom", message: tagKeyRule, path: [], input: { [key]: value } });
        }
        if (typeof value !== "string" || value.length < 1 || value.length > 255 || value.trim() !== value) {
            ctx.addIssue({ code: "custom", message: tagValueRule, path: [key], input: value });
        }
    }
});

const nodePort = count("an integer in the NodePort range 30000–32767")
    .min(30000, { error: "an integer in the NodePort range 30000–32767" })
    .max(32767, { error: "an integer in the NodePort range 30000–32767" });

/** Where the load balancers send traffic when `loadBalancerNodePorts` does not say. */
export const DEFAULT_NODE_PORTS: Required<LoadBalancerNodePorts> = { apiHttp: 30080, apiHttps: 30443, operatorHttps: 31443 };

const loadBalancerNodePorts = z
    .strictObject(
        { apiHttp: nodePort.optional(), apiHttps: nodePort.optional(), operatorHttps: nodePort.optional() },
        { error: "{apiHttp?, apiHttps?, operatorHttps?}" },
    )
    .refine(
        (ports) => {
            const all = Object.values({ ...DEFAULT_NODE_PORTS, ...ports });
            return new Set(all).size === all.length;
        },
        { error: "three distinct NodePorts (counting the defaults 30080, 30443, 31443 for the ones not given)" },
    );

/** Bucket name prefixes S3 keeps for itself. */
const RESERVED_BUCKET_PREFIXES = ["sthree-", "amzn-s3-demo-"];

const availabilityZone = /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/;

const argsSchema = z.strictObject(
    {
        clusterName: z
            .string({ error: "3–54 chars matching ^[a-z0-9]+(-[a-z0-9]+)*$" })
            .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "3–54 chars matching ^[a-z0-9]+(-[a-z0-9]+)*$" })
            .min(3, { error: "3–54 chars matching ^[a-z0-9]+(-[a-z0-9]+)*$" })
            .max(54, { error: "3–54 chars matching ^[a-z0-9]+(-[a-z0-9]+)*$" })
            // The Cortex bucket is named after the cluster; S3 refuses names with these prefixes.
            .refine((name) => !RESERVED_BUCKET_PREFIXES.some((prefix) => name.startsWith(prefix)), {
                error: `a name not starting with ${RESERVED_BUCKET_PREFIXES.join(" or ")} (S3 reserves them, and the Cortex bucket is named after the cluster)`,
            })
            .optional(),
        kubernetesVersion: z
            .string({ error: "an EKS version MAJOR.MINOR, e.g. 1.34" })
            .regex(/^1\.\d{1,2}$/, { error: "an EKS version MAJOR.MINOR, e.g. 1.34" })
            .optional(),
        vpcCidr: ipv4Cidr({ min: 16, max: 24 }).optional(),
        availabilityZones: z
            .array(
                z
                    .string({ error: "a zone name such as us-west-2a" })
                    .regex(availabilityZone, { error: "a zone name such as us-west-2a" })
                    .refine((zone) => zone !== "us-east-1e", { error: "a zone EKS supports (us-east-1e has no EKS capacity)" }),
                { error: "a list of at least 2 distinct zone names" },
            )
            .min(2, { error: "at least 2 distinct zone names" })
            .refine((zones) => new Set(zones).size === zones.length, { error: "at least 2 distinct zone names (no repeats)" })
            .optional(),
        existingVpc: existingVpc.optional(),
        subnetVisibility: oneOf<SubnetVisibility>(["public", "private"]).optional(),
        natGateway: oneOf<NatGatewayStrategy>(["none", "single", "highly_available"]).optional(),
        vpcEndpoints: oneOf<VpcEndpointsMode>(["none", "gateway", "all"]).optional(),
        flowLogs: bool.optional(),
        apiLoadBalancerScheme: oneOf<LoadBalancerScheme>(["internet-facing", "internal"]).optional(),
        operatorLoadBalancerScheme: oneOf<LoadBalancerScheme>(["internet-facing", "internal"]).optional(),
        apiLoadBalancerCidrAllowList: cidrList.optional(),
        operatorLoadBalancerCidrAllowList: cidrList.optional(),
        loadBalancerNodePorts: loadBalancerNodePorts.optional(),
        sslCertificateArn: input(valueRules.acmCertificateArn).optional(),
        apiGateway: bool.optional(),
        clusterEndpointPublicAccess: bool.optional(),
        clusterEndpointPublicAccessCidrs: cidrList.optional(),
        secretsEncryptionKeyArn: input(valueRules.kmsKeyArn).optional(),
        controlPlaneLogTypes: z
            .array(oneOf<ControlPlaneLogType>(CONTROL_PLANE_LOG_TYPES), { error: `a list of ${quoted(CONTROL_PLANE_LOG_TYPES)}` })
            .refine((types) => new Set(types).size === types.length, { error: `each of ${quoted(CONTROL_PLANE_LOG_TYPES)} at most once` })
            .optional(),
        logRetentionDays: z
            .number({ error: `one of ${LOG_RETENTION_DAYS.join(", ")}` })
            .refine((days) => LOG_RETENTION_DAYS.includes(days), { error: `one of ${LOG_RETENTION_DAYS.join(", ")}` })
            .optional(),
        operatorNodeGroup: operatorNodeGroupSpec.optional(),
        nodeGroups: z
            .array(nodeGroupSpec, { error: "a list of 1–100 node groups" })
            .min(1, { error: "1–100 node groups" })
            .max(100, { error: "1–100 node groups" })
            .optional(),
        runtimeCredentials: runtimeCredentials.optional(),
        modelBucketArns: z.array(input(valueRules.s3BucketArn), { error: "a list of S3 bucket ARNs" }).optional(),
        cliUser: bool.optional(),
        vpcPeering: z.array(peerSpec, { error: "a list of peers" }).optional(),
        tags: tags.optional(),
        protectData: bool.optional(),
    },
    { error: "an object of CortexSecureCluster arguments" },
);

/** The argument names, in the order DESIGN.md lists them. */
export const ARGUMENT_NAMES = Object.keys(argsSchema.shape) as (keyof CortexSecureClusterArgs)[];

type Path = readonly PropertyKey[];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `nodeGroups[0].name`, `tags["cost-center"]`: how a path into the arguments is written in messages. */
function pathToArgument(path: Path): string {
    if (path.length === 0) return "(the arguments)";
    return path.reduce<string>((text, part) => {
        if (typeof part === "number") return `${text}[${part}]`;
        const key = String(part);
        if (!IDENTIFIER.test(key)) return `${text}[${JSON.stringify(key)}]`;
        return text === "" ? key : `${text}.${key}`;
    }, "");
}

function issueToProblems(issue: z.core.$ZodIssue): ArgumentProblem[] {
    const argument = pathToArgument(issue.path);
    if (issue.code === "unrecognized_keys") {
        const parent = (issue.input ?? {}) as Record<string, unknown>;
        const atTop = issue.path.length === 0;
        const known = atTop ? ARGUMENT_NAMES.join(", ") : "see the documented fields";
        return issue.keys.map((key) => ({
            argument: pathToArgument([...issue.path, key]),
            value: parent[key],
            allowed: `nothing: not a known ${atTop ? "argument" : "field"} (known: ${known})`,
        }));
    }
    if (issue.code === "invalid_union" && "discriminator" in issue && isRecord(issue.input)) {
        // A wrong `mode`: show the mode, not the whole object (which may hold keys).
        const options = (issue as { options?: unknown[] }).options ?? [];
        return [
            {
                argument,
                value: issue.input[String(issue.discriminator)],
                allowed: `one of ${options.map((o) => JSON.stringify(o)).join(", ")}`,
            },
        ];
    }
    if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input")) {
        return [{ argument, value: issue.input, allowed: `a ${issue.expected}` }];
    }
    return [{ argument, value: issue.input, allowed: issue.message }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

const startsWith = (path: Path, prefix: Path) => prefix.length <= path.length && prefix.every((part, i) => part === path[i]);

/**
 * Whether the value at a path passed the single-value rules: neither it, nor anything around or
 * inside it, was reported. Joint rules read only such values, so a typo in one argument never
 * makes another look wrong (e.g. `subnetVisibility: "publc"` is not taken for the default, private).
 */
type WellFormed = (...path: PropertyKey[]) => boolean;

function wellFormedGiven(issues: readonly z.core.$ZodIssue[]): WellFormed {
    const reported: Path[] = issues.flatMap((issue) =>
        issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path, key]) : [issue.path],
    );
    return (...path) => !reported.some((bad) => startsWith(path, bad) || startsWith(bad, path));
}

/** Rules that join several arguments; each reads only values that are well formed on their own. */
function crossArgumentProblems(args: Record<string, unknown>, wellFormed: WellFormed): ArgumentProblem[] {
    const given = args as CortexSecureClusterArgs;
    const problems: ArgumentProblem[] = [];
    const visibility = wellFormed("subnetVisibility") ? (given.subnetVisibility ?? "private") : undefined;

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

    problems.push(...nodeGroupProblems(given, wellFormed));
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
            problems.push(...sizeProblems(`nodeGroups[${index}]`, group, { min: 1, max: 5 }));
        }
    });
    const operator = args.operatorNodeGroup;
    if (isRecord(operator) && wellFormed("operatorNodeGroup", "minInstances") && wellFormed("operatorNodeGroup", "maxInstances")) {
        problems.push(...sizeProblems("operatorNodeGroup", operator, { min: 2, max: 25 }));
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
        .map((scheme) => args[scheme] ?? "internet-facing");
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
    return wellFormed("vpcCidr") ? (args.vpcCidr ?? DEFAULT_VPC_CIDR) : undefined;
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

/**
 * Every problem with the arguments, found without touching the cloud. Pure: the same arguments
 * always give the same problems. Values that are Outputs are left for {@link checkResolvedValue}.
 */
export function findArgumentProblems(args: unknown): ArgumentProblem[] {
    const given = args ?? {};
    const parsed = argsSchema.safeParse(given, { reportInput: true });
    const issues = parsed.success ? [] : parsed.error.issues;
    const problems = issues.flatMap(issueToProblems);
    // Joint rules run even when single values are wrong, so one run reports everything.
    if (isRecord(given)) {
        problems.push(...crossArgumentProblems(given, wellFormedGiven(issues)));
    }
    const seen = new Set<string>();
    return problems.filter((problem) => {
        const key = `${problem.argument}\u0000${problem.allowed}\u0000${describeValue(problem)}`;
        return seen.has(key) ? false : (seen.add(key), true);
    });
}

/** Checks a value that arrived as an Output, once it resolves: a problem, or undefined when it is fine. */
export function checkResolvedValue(argument: string, rule: z.ZodType, value: unknown): ArgumentProblem | undefined {
    const result = rule.safeParse(value, { reportInput: true });
    if (result.success) return undefined;
    return { argument, value, allowed: result.error.issues[0].message };
}

export const DEFAULT_VPC_CIDR = "192.168.0.0/16";

/** A node group with every default applied. */
export interface ResolvedNodeGroup {
    name: string;
    instanceType: string;
    minInstances: number;
    maxInstances: number;
    spot: boolean;
    instanceVolumeSize: number;
    instanceVolumeType: InstanceVolumeType;
}

/** The arguments with every default applied: what the component actually builds. */
export interface ResolvedArgs {
    clusterName: string;
    kubernetesVersion: string;
    /** The cluster VPC's CIDR, new or existing. */
    vpcCidr: string;
    /** Given zones; undefined means "look the region's zones up". */
    availabilityZones: string[] | undefined;
    existingVpc: ExistingVpc | undefined;
    subnetVisibility: SubnetVisibility;
    natGateway: NatGatewayStrategy;
    vpcEndpoints: VpcEndpointsMode;
    flowLogs: boolean;
    apiLoadBalancerScheme: LoadBalancerScheme;
    operatorLoadBalancerScheme: LoadBalancerScheme;
    apiLoadBalancerCidrAllowList: string[];
    operatorLoadBalancerCidrAllowList: string[];
    loadBalancerNodePorts: Required<LoadBalancerNodePorts>;
    sslCertificateArn: pulumi.Input<string> | undefined;
    apiGateway: boolean;
    clusterEndpointPublicAccess: boolean;
    clusterEndpointPublicAccessCidrs: string[];
    secretsEncryptionKeyArn: pulumi.Input<string> | undefined;
    controlPlaneLogTypes: ControlPlaneLogType[];
    logRetentionDays: number;
    operatorNodeGroup: ResolvedNodeGroup;
    nodeGroups: ResolvedNodeGroup[];
    runtimeCredentials: RuntimeCredentials;
    modelBucketArns: pulumi.Input<string>[];
    cliUser: boolean;
    vpcPeering: PeerSpec[];
    tags: Record<string, string>;
    protectData: boolean;
}

/** The allow list a load balancer gets when none is given: open when internet-facing, the VPC and its peers when internal. */
export function defaultAllowList(scheme: LoadBalancerScheme, vpcCidr: string, peers: PeerSpec[]): string[] {
    return scheme === "internet-facing" ? ["0.0.0.0/0"] : [vpcCidr, ...peers.map((peer) => peer.cidrBlock)];
}

/**
 * Checks the arguments and applies the defaults. Throws one {@link CortexSecureClusterArgsError}
 * listing every problem.
 */
export function resolveArgs(args: CortexSecureClusterArgs = {}): ResolvedArgs {
    const problems = findArgumentProblems(args);
    if (problems.length > 0) {
        throw new CortexSecureClusterArgsError(problems);
    }
    const subnetVisibility = args.subnetVisibility ?? "private";
    const vpcCidr = args.existingVpc?.cidrBlock ?? args.vpcCidr ?? DEFAULT_VPC_CIDR;
    const vpcPeering = args.vpcPeering ?? [];
    const apiLoadBalancerScheme = args.apiLoadBalancerScheme ?? "internet-facing";
    const operatorLoadBalancerScheme = args.operatorLoadBalancerScheme ?? "internet-facing";
    const operator = args.operatorNodeGroup ?? {};
    return {
        clusterName: args.clusterName ?? "cortex",
        kubernetesVersion: args.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
        vpcCidr,
        availabilityZones: args.availabilityZones,
        existingVpc: args.existingVpc,
        subnetVisibility,
        natGateway: args.existingVpc ? "none" : (args.natGateway ?? (subnetVisibility === "private" ? "single" : "none")),
        vpcEndpoints: args.vpcEndpoints ?? "gateway",
        flowLogs: args.flowLogs ?? true,
        apiLoadBalancerScheme,
        operatorLoadBalancerScheme,
        apiLoadBalancerCidrAllowList: args.apiLoadBalancerCidrAllowList ?? defaultAllowList(apiLoadBalancerScheme, vpcCidr, vpcPeering),
        operatorLoadBalancerCidrAllowList:
            args.operatorLoadBalancerCidrAllowList ?? defaultAllowList(operatorLoadBalancerScheme, vpcCidr, vpcPeering),
        loadBalancerNodePorts: { ...DEFAULT_NODE_PORTS, ...args.loadBalancerNodePorts },
        sslCertificateArn: args.sslCertificateArn,
        apiGateway: args.apiGateway ?? false,
        clusterEndpointPublicAccess: args.clusterEndpointPublicAccess ?? true,
        clusterEndpointPublicAccessCidrs:
            args.clusterEndpointPublicAccess === false ? [] : (args.clusterEndpointPublicAccessCidrs ?? ["0.0.0.0/0"]),
        secretsEncryptionKeyArn: args.secretsEncryptionKeyArn,
        controlPlaneLogTypes: args.controlPlaneLogTypes ?? [...CONTROL_PLANE_LOG_TYPES],
        logRetentionDays: args.logRetentionDays ?? 365,
        operatorNodeGroup: {
            name: "operator",
            instanceType: operator.instanceType ?? "t3.medium",
            minInstances: operator.minInstances ?? 2,
            maxInstances: operator.maxInstances ?? 25,
            spot: false,
            instanceVolumeSize: 50,
            instanceVolumeType: "gp3",
        },
        nodeGroups: (args.nodeGroups ?? [{ name: "worker", instanceType: "m5.large" }]).map((group) => ({
            name: group.name,
            instanceType: group.instanceType,
            minInstances: group.minInstances ?? 1,
            maxInstances: group.maxInstances ?? 5,
            spot: group.spot ?? false,
            instanceVolumeSize: group.instanceVolumeSize ?? 50,
            instanceVolumeType: group.instanceVolumeType ?? "gp3",
        })),
        runtimeCredentials: args.runtimeCredentials ?? { mode: "iamUser" },
        modelBucketArns: args.modelBucketArns ?? [],
        cliUser: args.cliUser ?? false,
        vpcPeering,
        tags: args.tags ?? {},
        protectData: args.protectData ?? true,
    };
}

/**
 * A value that may still be an Output, checked by `rule` once it resolves: resources built from
 * the returned value fail with a {@link pulumi.ResourceError} naming the argument if it is bad.
 */
export function checkWhenResolved<T>(
    argument: string,
    rule: z.ZodType,
    value: pulumi.Input<T>,
    resource: pulumi.Resource,
): pulumi.Output<T> {
    const output = pulumi.output(value);
    // A secret (e.g. a key from a --secret stack setting) is never printed, even when it is wrong.
    return pulumi.all([output, pulumi.isSecret(output)]).apply(([resolved, secret]) => {
        const problem = checkResolvedValue(argument, rule, resolved);
        if (problem) {
            throw new pulumi.ResourceError(formatProblems([{ ...problem, secret }]), resource);
        }
        return resolved;
    }) as pulumi.Output<T>;
}
