// What the audit compares the account with: the stack's `audit` output, the declared posture in
// plain ids and values. It holds no secret, so `pulumi stack output --json` (without
// --show-secrets) is enough.
import { z } from "zod";
import { CONTROL_PLANE_LOG_TYPES } from "../../components/constants";
import { parseStackOutputs } from "../stackOutputs";

const scheme = z.enum(["internet-facing", "internal"]);
const ids = z.array(z.string().min(1));

const declaredLoadBalancer = z.object({
    /** The load balancer's ARN. */
    arn: z.string().startsWith("arn:"),
    scheme,
    subnetIds: ids.min(1),
    /** Its own security group: the only one it may have. */
    securityGroupId: z.string().startsWith("sg-"),
    /** Who may connect: every CIDR on every listener port, nothing else. */
    allowList: ids.min(1),
    listeners: z
        .array(
            z.object({
                port: z.number().int(),
                protocol: z.enum(["TCP", "TLS"]),
                /** The NodePort its target group sends to. */
                nodePort: z.number().int(),
                certificateArn: z.string().optional(),
                sslPolicy: z.string().optional(),
            }),
        )
        .min(1),
});

const runtime = z.discriminatedUnion("kind", [
    /** An IAM user in a group of its own; the policy is on the group. */
    z.object({
        kind: z.literal("user"),
        userName: z.string().min(1),
        groupName: z.string().min(1),
        policyArn: z.string().startsWith("arn:"),
        /** The one access key the stack made (its id, never its secret). */
        accessKeyId: z.string().min(1),
    }),
    /** A role (service-account or node role) with the policy attached. */
    z.object({
        kind: z.literal("role"),
        roleName: z.string().min(1),
        policyArn: z.string().startsWith("arn:"),
        /** Policies the stack itself also attaches to that role (a node role's EKS policies). */
        alsoAttached: z.array(z.string()).default([]),
    }),
    /** Keys made elsewhere: only the policy is the stack's. */
    z.object({ kind: z.literal("provided"), policyArn: z.string().startsWith("arn:") }),
]);

/** The shape of the stack's `audit` output; exported so the component and tests build the same thing. */
export const auditInputsSchema = z.object({
    version: z.literal(1),
    region: z.string().min(1),
    /** The EKS cluster's name (also Cortex's cluster name and the tag value). */
    clusterName: z.string().min(1),
    vpcId: z.string().startsWith("vpc-"),
    vpcCidr: z.string().min(1),
    subnetVisibility: z.enum(["public", "private"]),
    publicSubnetIds: ids,
    privateSubnetIds: ids,
    /** The cluster VPC's route tables that the stack routes to the peers. */
    routeTableIds: ids,
    /** The component's security group on every node. */
    nodeSecurityGroupId: z.string().startsWith("sg-"),
    loadBalancers: z.object({ api: declaredLoadBalancer, operator: declaredLoadBalancer }),
    cluster: z.object({
        endpointPublicAccess: z.boolean(),
        publicAccessCidrs: ids,
        secretsKeyArn: z.string().startsWith("arn:"),
        logTypes: z.array(z.enum(CONTROL_PLANE_LOG_TYPES)),
        authenticationMode: z.enum(["API", "API_AND_CONFIG_MAP", "CONFIG_MAP"]),
        /** Every principal with cluster-admin through an access entry, the creator included. */
        admins: ids,
    }),
    nodeGroups: z
        .array(z.object({ name: z.string().min(1), launchTemplateId: z.string().startsWith("lt-"), launchTemplateVersion: z.string() }))
        .min(1),
    metadataHopLimit: z.number().int().min(1),
    bucketName: z.string().min(1),
    logGroups: z.array(z.object({ name: z.string().min(1), retentionInDays: z.number().int(), kmsKeyArn: z.string().optional() })),
    runtime,
    /** Absent when flow logs are off. */
    flowLog: z.object({ id: z.string().startsWith("fl-"), logGroupName: z.string() }).optional(),
    peering: z.array(
        z.object({
            connectionId: z.string().startsWith("pcx-"),
            peerVpcId: z.string().startsWith("vpc-"),
            peerCidr: z.string(),
            /** The peer's route tables that route back (same account and region only). */
            peerRouteTableIds: ids.default([]),
            /** The cluster subnets' CIDRs each of those tables routes back to (older stacks: the whole VPC CIDR). */
            routeBackCidrs: ids.default([]),
        }),
    ),
});

export type AuditInputs = z.infer<typeof auditInputsSchema>;
export type DeclaredLoadBalancer = AuditInputs["loadBalancers"]["api"];

/** Stack outputs that cannot be audited; the message says why. */
export class InputsError extends Error {}

/** The `audit` object in the JSON of `pulumi stack output --json`. */
export function auditInputsFromStackOutputs(json: string, source: string): AuditInputs {
    const outputs = parseStackOutputs(json, source, "pulumi stack output --json");
    if (typeof outputs === "string") throw new InputsError(outputs);
    // The component exports it as JSON (a string every Pulumi language can carry); an object is read as it is.
    let audit = outputs.audit;
    if (typeof audit === "string") {
        try {
            audit = JSON.parse(audit);
        } catch {
            throw new InputsError(`the audit output from ${source} is not JSON`);
        }
    }
    if (audit === undefined) {
        throw new InputsError(
            `the stack outputs from ${source} have no audit output: is this a cortex-secure-cluster stack, deployed with a version that exports it?`,
        );
    }
    const parsed = auditInputsSchema.safeParse(audit);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `audit.${issue.path.join(".")}: ${issue.message}`);
        throw new InputsError(`the audit output from ${source} is not usable: ${problems.join("; ")}`);
    }
    return parsed.data;
}
