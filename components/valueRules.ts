// The rule of every single argument value, as one zod schema. Each rule carries its "allowed"
// text as the message; `validate.ts` turns zod's issues into problems.
import { z } from "zod";
import { SUPPORTED_KUBERNETES_VERSIONS } from "./addons";
import {
    ApiGatewayAuthorization,
    ControlPlaneLogType,
    CortexVersion,
    InstanceVolumeType,
    LoadBalancerScheme,
    NatGatewayStrategy,
    S3EndpointAccess,
    SubnetVisibility,
    VpcEndpointsMode,
} from "./args";
import { parseIpv4Cidr } from "./cidr";
import { DEFAULTS } from "./defaults";
import { runtimeCredentials } from "./credentialRules";
import { choice, input, quoted, valueRules } from "./inputRules";
import { EKS_PUBLIC_ACCESS_CIDRS, MAX_NODES_PER_MANAGED_NODE_GROUP, MAX_USER_TAGS } from "./limits";

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

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
const integer = (allowed: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
    z.number({ error: allowed }).int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });

const instanceType = z
    .string({ error: "an EC2 instance type such as m5.large" })
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "an EC2 instance type such as m5.large" })
    .refine((t) => !/\.(nano|micro)$/.test(t), { error: "an instance type larger than micro (Cortex does not fit on nano/micro)" });

// Cortex v0.42 names a group cx-wd-NAME within eksctl's 32 characters, with no trailing dash.
const NODE_GROUP_NAME_RULE = "1–26 chars of lowercase letters, digits and -, not starting or ending with -";

const maxInstances = integer(
    `an integer > 0 and ≥ minInstances, at most ${MAX_NODES_PER_MANAGED_NODE_GROUP} (EKS's limit of nodes per managed node group)`,
    1,
    MAX_NODES_PER_MANAGED_NODE_GROUP,
).optional();
const nodeGroupSize = { minInstances: integer("an integer ≥ 0", 0).optional(), maxInstances };

const nodeGroupSpec = z.strictObject(
    {
        name: z.string({ error: NODE_GROUP_NAME_RULE }).regex(/^[a-z0-9]([a-z0-9-]{0,24}[a-z0-9])?$/, { error: NODE_GROUP_NAME_RULE }),
        instanceType,
        ...nodeGroupSize,
        spot: bool.optional(),
        instanceVolumeSize: integer("an integer 20–16384 (GiB)", 20, 16384).optional(),
        instanceVolumeType: choice(InstanceVolumeType).optional(),
    },
    { error: "a node group: {name, instanceType, minInstances?, maxInstances?, spot?, instanceVolumeSize?, instanceVolumeType?}" },
);

const operatorNodeGroupSpec = z.strictObject(
    {
        instanceType: instanceType.optional(),
        // Cortex's operator runs on this group: with no node, the CLI has nothing to talk to.
        minInstances: integer("an integer ≥ 1 (the Cortex operator needs a node to run on)", 1).optional(),
        maxInstances,
    },
    { error: "{instanceType?, minInstances?, maxInstances?}" },
);

const existingVpc = z.strictObject(
    {
        vpcId: input(valueRules.vpcId),
        cidrBlock: ipv4Cidr({ min: 16, max: 28 }),
        publicSubnetIds: z.array(input(valueRules.subnetId), { error: "a list of subnet ids" }),
        privateSubnetIds: z.array(input(valueRules.subnetId), { error: "a list of subnet ids" }),
        routeTableIds: z
            .array(input(valueRules.routeTableId), { error: "a list of route table ids" })
            .min(1, { error: "at least one route table id" })
            .optional(),
    },
    { error: "{vpcId, cidrBlock, publicSubnetIds, privateSubnetIds, routeTableIds?}" },
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

// Cortex's tag rules (pkg/types/clusterconfig, v0.25.0 and v0.42.1): keys and values alike.
const RESERVED_TAG_PREFIXES = ["aws:", "kubernetes.io/", "k8s.io/", "eksctl.", "alpha.eksctl.", "beta.eksctl.", "cortex.dev/"];
const tagKeyRule = `tag keys of 1–127 chars with no leading/trailing space, not starting with ${RESERVED_TAG_PREFIXES.join(", ")} (in any case)`;
const tagValueRule = `a string of 1–255 chars with no leading/trailing space, not starting with ${RESERVED_TAG_PREFIXES.join(", ")}`;
const reservedPrefix = (text: string) => RESERVED_TAG_PREFIXES.some((prefix) => text.toLowerCase().startsWith(prefix));

const tags = z.record(z.string(), z.unknown(), { error: "a map of tag keys to string values" }).superRefine((map, ctx) => {
    if (Object.keys(map).length > MAX_USER_TAGS) {
        ctx.addIssue({
            code: "custom",
            message: `at most ${MAX_USER_TAGS} tags (AWS allows 50 per resource, and the component and EKS add up to 5 of their own)`,
            path: [],
            input: `${Object.keys(map).length} tags`,
        });
    }
    for (const [key, value] of Object.entries(map)) {
        if (key.length < 1 || key.length > 127 || key.trim() !== key || reservedPrefix(key)) {
            // The key itself is wrong: show the whole entry, since the key alone reads like a value.
            ctx.addIssue({ code: "custom", message: tagKeyRule, path: [], input: { [key]: value } });
        }
        if (typeof value !== "string" || value.length < 1 || value.length > 255 || value.trim() !== value || reservedPrefix(value)) {
            ctx.addIssue({ code: "custom", message: tagValueRule, path: [key], input: value });
        }
    }
});

const nodePort = integer("an integer in the NodePort range 30000–32767", 30000, 32767);
const loadBalancerNodePorts = z
    .strictObject(
        { apiHttp: nodePort.optional(), apiHttps: nodePort.optional(), operatorHttps: nodePort.optional() },
        { error: "{apiHttp?, apiHttps?, operatorHttps?}" },
    )
    .refine(
        (ports) => {
            const all = Object.values({ ...DEFAULTS.loadBalancerNodePorts, ...ports });
            return new Set(all).size === all.length;
        },
        {
            error: `three distinct NodePorts (counting the defaults ${Object.values(DEFAULTS.loadBalancerNodePorts).join(", ")} for the ones not given)`,
        },
    );

/** Bucket name prefixes S3 keeps for itself. */
const RESERVED_BUCKET_PREFIXES = ["sthree-", "amzn-s3-demo-"];
const CLUSTER_NAME_RULE = "3–54 chars matching ^[a-z0-9]+(-[a-z0-9]+)*$";

const KUBERNETES_VERSION_RULE = `an EKS version MAJOR.MINOR whose add-on versions are pinned in code: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`;

/** An IAM user or role ARN, as EKS access entries take them. */
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(user|role)\/[\w+=,.@/-]{1,512}$/;
const clusterAdmin = z
    .string({ error: "an IAM user or role ARN" })
    .refine((arn) => !/^arn:aws[a-z-]*:sts::\d{12}:assumed-role\//.test(arn), {
        error: "an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME, not an assumed-role session (sts): EKS grants access to the role",
    })
    .refine((arn) => /^arn:aws[a-z-]*:sts::/.test(arn) || IAM_PRINCIPAL_ARN.test(arn), {
        error: "an IAM user or role ARN, arn:aws:iam::ACCOUNT:user/NAME or arn:aws:iam::ACCOUNT:role/NAME",
    });

const RATE_LIMIT_RULE = "a number of requests per second > 0, at most 10000 (API Gateway's default account quota)";
const availabilityZone = /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/;

/** Every argument's own rule, in the order the arguments are documented. */
export const argsSchema = z.strictObject(
    {
        cortexVersion: choice(CortexVersion).optional(),
        clusterName: z
            .string({ error: CLUSTER_NAME_RULE })
            .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: CLUSTER_NAME_RULE })
            .min(3, { error: CLUSTER_NAME_RULE })
            .max(54, { error: CLUSTER_NAME_RULE })
            // The Cortex bucket is named after the cluster; S3 refuses names with these prefixes.
            .refine((name) => !RESERVED_BUCKET_PREFIXES.some((prefix) => name.startsWith(prefix)), {
                error: `a name not starting with ${RESERVED_BUCKET_PREFIXES.join(" or ")} (S3 reserves them, and the Cortex bucket is named after the cluster)`,
            })
            .optional(),
        kubernetesVersion: z
            .string({ error: KUBERNETES_VERSION_RULE })
            .regex(/^1\.\d{1,2}$/, { error: KUBERNETES_VERSION_RULE })
            .refine((version) => SUPPORTED_KUBERNETES_VERSIONS.includes(version), { error: KUBERNETES_VERSION_RULE })
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
        subnetVisibility: choice(SubnetVisibility).optional(),
        natGateway: choice(NatGatewayStrategy).optional(),
        vpcEndpoints: choice(VpcEndpointsMode).optional(),
        s3EndpointAccess: choice(S3EndpointAccess).optional(),
        flowLogs: bool.optional(),
        apiLoadBalancerScheme: choice(LoadBalancerScheme).optional(),
        operatorLoadBalancerScheme: choice(LoadBalancerScheme).optional(),
        adminCidrAllowList: cidrList.optional(),
        apiLoadBalancerCidrAllowList: cidrList.optional(),
        operatorLoadBalancerCidrAllowList: cidrList.optional(),
        loadBalancerNodePorts: loadBalancerNodePorts.optional(),
        sslCertificateArn: input(valueRules.acmCertificateArn).optional(),
        apiHttpListener: bool.optional(),
        apiGateway: bool.optional(),
        apiGatewayAuthorization: choice(ApiGatewayAuthorization).optional(),
        apiGatewayThrottling: z
            .strictObject(
                {
                    rateLimit: z
                        .number({ error: RATE_LIMIT_RULE })
                        .gt(0, { error: RATE_LIMIT_RULE })
                        .max(10000, { error: RATE_LIMIT_RULE })
                        .optional(),
                    burstLimit: integer("an integer 1–5000 (API Gateway's default account quota)", 1, 5000).optional(),
                },
                { error: "{rateLimit?, burstLimit?}" },
            )
            .optional(),
        clusterEndpointPublicAccess: bool.optional(),
        clusterEndpointPublicAccessCidrs: cidrList
            .max(EKS_PUBLIC_ACCESS_CIDRS, { error: `at most ${EKS_PUBLIC_ACCESS_CIDRS} CIDRs (EKS's limit for the public endpoint)` })
            .optional(),
        clusterAdmins: z
            .array(clusterAdmin, { error: "a list of IAM user or role ARNs" })
            .refine((arns) => new Set(arns).size === arns.length, { error: "a list of IAM user or role ARNs without repeats" })
            .optional(),
        secretsEncryptionKeyArn: input(valueRules.kmsKeyArn).optional(),
        controlPlaneLogTypes: z
            .array(choice(ControlPlaneLogType), { error: `a list of ${quoted(Object.values(ControlPlaneLogType))}` })
            .refine((types) => new Set(types).size === types.length, {
                error: `each of ${quoted(Object.values(ControlPlaneLogType))} at most once`,
            })
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
        inClusterObjects: bool.optional(),
    },
    { error: "an object of CortexSecureCluster arguments" },
);

/** The argument names, in the order they are documented. */
export const ARGUMENT_NAMES = Object.keys(argsSchema.shape) as (keyof typeof argsSchema.shape)[];
