// The rule of every single argument value, as one zod schema. Each rule carries its "allowed"
// text as the message; `validate.ts` turns zod's issues into problems.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    ControlPlaneLogType,
    CortexVersion,
    InstanceVolumeType,
    LoadBalancerScheme,
    NatGatewayStrategy,
    RuntimeCredentialsMode,
    SubnetVisibility,
    VpcEndpointsMode,
} from "./args";
import { parseIpv4Cidr } from "./cidr";
import { ACCESS_KEY_ID_PATTERN, SECRET_ACCESS_KEY_PATTERN } from "./constants";
import { DEFAULTS } from "./defaults";

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const quoted = (values: readonly (string | number)[]) => values.map((v) => JSON.stringify(v)).join(", ");
const oneOf = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]], { error: `one of ${quoted(values)}` });
/** The values of an `as const` choice object, e.g. `SubnetVisibility`. */
const choice = <T extends Record<string, string>>(values: T) => oneOf(Object.values(values) as T[keyof T][]);

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
};

/** A value that is still an Output or a Promise: its rule is applied when it resolves. */
export const isDeferred = (value: unknown): boolean => pulumi.Output.isInstance(value) || value instanceof Promise;

/** The rule of each value that arrived as an Output, by identity; read back when settings are resolved. */
export const deferredRules = new WeakMap<object, z.ZodType>();

/** A value that may be an Output or a Promise: its rule applies now only when it is plain. */
const input = (rule: z.ZodType) =>
    z.unknown().superRefine((value, ctx) => {
        if (isDeferred(value)) {
            deferredRules.set(value as object, rule);
            return;
        }
        const result = rule.safeParse(value, { reportInput: true });
        for (const issue of result.error?.issues ?? []) {
            ctx.addIssue({ ...issue, code: "custom", message: issue.message, path: issue.path, input: issue.input } as never);
        }
    });

// Cortex v0.42 names a group cx-wd-NAME within eksctl's 32 characters, with no trailing dash.
const NODE_GROUP_NAME_RULE = "1–26 chars of lowercase letters, digits and -, not starting or ending with -";

const nodeGroupSize = {
    minInstances: integer("an integer ≥ 0", 0).optional(),
    maxInstances: integer("an integer > 0 and ≥ minInstances", 1).optional(),
};

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
    { instanceType: instanceType.optional(), ...nodeGroupSize },
    { error: "{instanceType?, minInstances?, maxInstances?}" },
);

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsSubdomain = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Which fields each credentials mode takes, and which of them it requires. */
const CREDENTIAL_FIELDS: Record<RuntimeCredentialsMode, { required: string[]; optional: string[] }> = {
    iamUser: { required: [], optional: [] },
    provided: { required: ["accessKeyId", "secretAccessKey"], optional: [] },
    serviceAccountRole: { required: [], optional: ["namespace", "serviceAccount"] },
    nodeRole: { required: [], optional: [] },
};

const runtimeCredentials = z
    .strictObject(
        {
            mode: choice(RuntimeCredentialsMode),
            accessKeyId: input(valueRules.accessKeyId).optional(),
            secretAccessKey: input(valueRules.secretAccessKey).optional(),
            namespace: z
                .string({ error: "a Kubernetes namespace name (a DNS label)" })
                .regex(dnsLabel, { error: "a Kubernetes namespace name (a DNS label)" })
                .optional(),
            serviceAccount: z
                .string({ error: "a Kubernetes service account name (a DNS subdomain)" })
                .regex(dnsSubdomain, { error: "a Kubernetes service account name (a DNS subdomain)" })
                .optional(),
        },
        { error: 'an object whose mode is "iamUser", "provided" (with accessKeyId, secretAccessKey), "serviceAccountRole" or "nodeRole"' },
    )
    .superRefine((credentials, ctx) => {
        const fields = CREDENTIAL_FIELDS[credentials.mode];
        for (const field of fields.required) {
            if ((credentials as Record<string, unknown>)[field] === undefined) {
                ctx.addIssue({
                    code: "custom",
                    path: [field],
                    input: undefined,
                    message: `a value: mode "${credentials.mode}" requires it`,
                });
            }
        }
        for (const [field, value] of Object.entries(credentials)) {
            if (field !== "mode" && value !== undefined && ![...fields.required, ...fields.optional].includes(field)) {
                ctx.addIssue({
                    code: "custom",
                    path: [field],
                    input: value,
                    message: `nothing: mode "${credentials.mode}" takes no ${field}`,
                });
            }
        }
    });

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
        subnetVisibility: choice(SubnetVisibility).optional(),
        natGateway: choice(NatGatewayStrategy).optional(),
        vpcEndpoints: choice(VpcEndpointsMode).optional(),
        flowLogs: bool.optional(),
        apiLoadBalancerScheme: choice(LoadBalancerScheme).optional(),
        operatorLoadBalancerScheme: choice(LoadBalancerScheme).optional(),
        apiLoadBalancerCidrAllowList: cidrList.optional(),
        operatorLoadBalancerCidrAllowList: cidrList.optional(),
        loadBalancerNodePorts: loadBalancerNodePorts.optional(),
        sslCertificateArn: input(valueRules.acmCertificateArn).optional(),
        apiGateway: bool.optional(),
        clusterEndpointPublicAccess: bool.optional(),
        clusterEndpointPublicAccessCidrs: cidrList.optional(),
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
