// The security posture of a CortexSecureCluster stack as rules over the resources the Pulumi engine
// shows a stack policy: custom resources with their outputs (@pulumi/aws property names), remote
// components' children as separate resources, unknown values on a first preview. Pure: the policy
// pack runs them over a preview, the offline plan and the tests over the same view built from the
// mock cloud (tools/engineView.ts).
import {
    ACTIONS_ONLY_ON_ANY_RESOURCE,
    CLUSTER_NAME_TAG,
    CORTEX_SECURE_CLUSTER_TYPE,
    CONTROL_PLANE_LOG_TYPES,
    LOAD_BALANCER_TAG,
    SECRET_ACCESS_KEY_PATTERN,
} from "../components/constants";

/** A value known to be a Pulumi secret (only where secretness can be seen: the offline plan). */
export class SecretValue {
    constructor(readonly value: unknown) {}
}

/** A value the engine does not know yet (a first preview computes it when the resource is created). */
export class UnknownValue {
    toJSON(): string {
        return "[unknown]";
    }
}
export const UNKNOWN = new UnknownValue();

/** How the engine encodes an unknown in the analyzer protocol (@pulumi/policy knows these seven). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_SENTINELS = new Set([
    UNKNOWN_SENTINEL,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** A resource as the engine hands it to a stack policy: outputs with unknowns and secrets as on the wire. */
export interface EngineResource {
    type: string;
    name: string;
    urn: string;
    parent?: string;
    props: Record<string, unknown>;
    /** The URNs each property's value came from (the engine knows them even when the value is not yet known). */
    propertyDependencies?: Record<string, string[]>;
}

/** A resource as the rules see it: unknowns as {@link UNKNOWN}, secrets as {@link SecretValue} where visible. */
export interface PlannedResource {
    type: string;
    name: string;
    urn: string;
    /** The cloud's id, where known. */
    id?: string;
    parent?: string;
    props: Record<string, unknown>;
    propertyDependencies?: Record<string, string[]>;
    /** Whether secret values show up as {@link SecretValue}; a live preview hands them over unwrapped. */
    secretsVisible?: boolean;
}

/** Wire values to rule values: the engine's unknown sentinels and secret objects. */
export function normalizeValue(value: unknown): unknown {
    if (typeof value === "string") return UNKNOWN_SENTINELS.has(value) ? UNKNOWN : value;
    if (value instanceof UnknownValue || value instanceof SecretValue) return value;
    if (Array.isArray(value)) return value.map(normalizeValue);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (record[SIGNATURE_KEY] === SECRET_SIGNATURE) return new SecretValue(normalizeValue(record.value));
    return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, normalizeValue(child)]));
}

/** The one normalisation: an engine-shaped resource (live preview or the offline plan's view) as the rules read it. */
export function plannedFrom(resource: EngineResource, secretsVisible = false): PlannedResource {
    const props = normalizeValue(resource.props) as Record<string, unknown>;
    const id = reveal(props.id);
    return {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        id: typeof id === "string" ? id : undefined,
        parent: resource.parent,
        props,
        propertyDependencies: resource.propertyDependencies ?? {},
        secretsVisible,
    };
}

export type EnforcementLevel = "mandatory" | "advisory";

/** One thing a rule found: which resource, and what to do about it. */
export interface Finding {
    rule: string;
    enforcementLevel: EnforcementLevel;
    urn: string;
    message: string;
}

/** What a rule reports; `pending` when the deciding value is not known yet (reported as advisory). */
export interface RuleFinding {
    urn: string;
    message: string;
    pending?: boolean;
}

export interface Rule {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    check(resources: PlannedResource[]): RuleFinding[];
}

/** What the component says was asked for; it registers this as its `posture` output. */
export interface StackPosture {
    subnetVisibility: "public" | "private";
    loadBalancers: Record<"api" | "operator", { scheme: string; allowList: string[] }>;
}

/** Unwraps {@link SecretValue}s, for rules that look at values rather than at secretness. */
export function reveal(value: unknown): unknown {
    if (value instanceof SecretValue) return reveal(value.value);
    if (value instanceof UnknownValue) return value;
    if (Array.isArray(value)) return value.map(reveal);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
    return value;
}

export const isUnknown = (value: unknown): value is UnknownValue => value instanceof UnknownValue;
function hasUnknown(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (Array.isArray(value)) return value.some(hasUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(hasUnknown);
    return false;
}

const ofType = (resources: PlannedResource[], ...types: string[]) => resources.filter((r) => types.includes(r.type));
const get = (resource: PlannedResource, key: string): unknown => reveal(resource.props[key]);
const isTrue = (value: unknown) => value === true || value === "true";
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);
const known = (values: unknown[]) => values.filter((value) => !isUnknown(value));

/** What a preview says when a value it needs will only exist once `pulumi up` creates it. */
const AFTER_DEPLOYMENT = "the pack checks it again when `pulumi up` finishes and in every later preview";

/** The ids and ARNs other resources use to refer to this one. */
function handles(resource: PlannedResource): string[] {
    return [resource.id, get(resource, "id"), get(resource, "arn"), get(resource, "name"), get(resource, "bucket")].filter(
        (handle): handle is string => typeof handle === "string" && handle.length > 0,
    );
}

/**
 * Whether `resource.property` refers to `target`: by a known id or ARN, or, while the value is
 * unknown, by the engine's record of which resources the property's value came from.
 */
function refersTo(resource: PlannedResource, property: string, target: PlannedResource): boolean {
    const values = asArray(get(resource, property));
    if (handles(target).some((handle) => values.includes(handle))) return true;
    return (resource.propertyDependencies?.[property] ?? []).includes(target.urn);
}

function postures(resources: PlannedResource[]): StackPosture[] {
    return ofType(resources, CORTEX_SECURE_CLUSTER_TYPE)
        .map((component) => get(component, "posture"))
        .filter((posture): posture is StackPosture => posture !== undefined && !hasUnknown(posture));
}

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const SUBNET = "aws:ec2/subnet:Subnet";
const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const IAM_POLICY_TYPES = [
    "aws:iam/policy:Policy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
];
const IAM_ROLE = "aws:iam/role:Role";

// ---------------------------------------------------------------------------------------------
// Subnets from facts: public IPs on launch and routes to an internet gateway.

type Verdict = { state: "yes" | "no" | "unknown"; why: string };

/** Whether a subnet is public: maps public IPs on launch or routes to an internet gateway. */
function subnetPublic(subnet: PlannedResource, resources: PlannedResource[]): Verdict {
    const mapsPublicIps = get(subnet, "mapPublicIpOnLaunch");
    if (isTrue(mapsPublicIps)) return { state: "yes", why: `${subnet.name} maps public IPs on launch` };
    const gateways = ofType(resources, "aws:ec2/internetGateway:InternetGateway");
    const tables = ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation")
        .filter((association) => refersTo(association, "subnetId", subnet))
        .flatMap((association) =>
            ofType(resources, "aws:ec2/routeTable:RouteTable").filter((table) => refersTo(association, "routeTableId", table)),
        );
    if (tables.length === 0) return { state: "unknown", why: `no route table of this stack is associated with ${subnet.name}` };
    let unsure = isUnknown(mapsPublicIps) ? `whether ${subnet.name} maps public IPs is not known` : "";
    for (const table of tables) {
        const routes = ofType(resources, "aws:ec2/route:Route").filter((route) => refersTo(route, "routeTableId", table));
        const inline = asArray(get(table, "routes")).map((route) => ({ props: route as Record<string, unknown> }));
        for (const route of routes) {
            const gatewayId = get(route, "gatewayId");
            if (typeof gatewayId === "string" && gatewayId.startsWith("igw-"))
                return { state: "yes", why: `${subnet.name} routes to an internet gateway` };
            if (gateways.some((gateway) => refersTo(route, "gatewayId", gateway)))
                return { state: "yes", why: `${subnet.name} routes to an internet gateway` };
            if (isUnknown(gatewayId)) unsure = `a route of ${subnet.name} goes to a gateway not known yet`;
        }
        for (const route of inline) {
            if (isUnknown(route.props)) unsure = `the routes of ${subnet.name} are not known yet`;
            else if (String(route.props?.gatewayId ?? "").startsWith("igw-"))
                return { state: "yes", why: `${subnet.name} routes to an internet gateway` };
        }
    }
    return unsure ? { state: "unknown", why: unsure } : { state: "no", why: `${subnet.name} is private` };
}

/** The subnets a property names, or why they cannot be told yet. */
function subnetsOf(resource: PlannedResource, property: string, resources: PlannedResource[]): PlannedResource[] | string {
    const value = get(resource, property);
    const subnets = ofType(resources, SUBNET);
    if (Array.isArray(value) && !value.some(isUnknown)) {
        const outside = value.filter((id) => !subnets.some((subnet) => handles(subnet).includes(id as string)));
        if (outside.length > 0) return `its subnets ${outside.join(", ")} are not part of this stack`;
        return subnets.filter((subnet) => handles(subnet).some((handle) => value.includes(handle)));
    }
    const direct = subnets.filter((subnet) => (resource.propertyDependencies?.[property] ?? []).includes(subnet.urn));
    return direct.length > 0 ? direct : "its subnets are not known until the VPC exists";
}

const nodesInPrivateSubnets: Rule = {
    name: "nodes-in-private-subnets",
    description:
        "When the stack asks for private nodes, every node group's subnets have no route to an internet gateway and map no public IPs.",
    enforcementLevel: "mandatory",
    check(resources) {
        if (!postures(resources).some((posture) => posture.subnetVisibility === "private")) return [];
        return ofType(resources, NODE_GROUP).flatMap((group): RuleFinding[] => {
            const subnets = subnetsOf(group, "subnetIds", resources);
            if (typeof subnets === "string") {
                return [
                    {
                        urn: group.urn,
                        pending: true,
                        message: `Node group ${group.name} should be in private subnets, but ${subnets}, so this preview cannot tell whether they are private; ${AFTER_DEPLOYMENT}.`,
                    },
                ];
            }
            const verdicts = subnets.map((subnet) => subnetPublic(subnet, resources));
            const publicOnes = verdicts.filter((verdict) => verdict.state === "yes");
            if (publicOnes.length > 0) {
                return [
                    {
                        urn: group.urn,
                        message:
                            `Node group ${group.name} is in public subnets (${publicOnes.map((v) => v.why).join("; ")}) although the stack asks for private nodes. ` +
                            "Fix: give the node group the private subnets only (no internet gateway route, no public IPs on launch).",
                    },
                ];
            }
            const unsure = verdicts.filter((verdict) => verdict.state === "unknown");
            return unsure.length === 0
                ? []
                : [
                      {
                          urn: group.urn,
                          pending: true,
                          message: `Node group ${group.name} should be in private subnets, but ${unsure.map((v) => v.why).join("; ")}; ${AFTER_DEPLOYMENT}.`,
                      },
                  ];
        });
    },
};

// ---------------------------------------------------------------------------------------------
// Launch templates and node groups.

/** nodeRole mode: the component's runtime policy attached to the nodes' role (by name, or by dependency while names are unknown). */
function runtimePolicyOnNodeRole(resources: PlannedResource[]): boolean {
    const nodeRoles = resources.filter((r) => r.type === "aws:iam/role:Role" && r.name.endsWith("-nodes"));
    const names = new Set<unknown>(nodeRoles.map((role) => get(role, "name")).filter((name) => typeof name === "string"));
    const urns = new Set(nodeRoles.map((role) => role.urn));
    return resources.some(
        (r) =>
            r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
            r.name.endsWith("-runtime") &&
            (names.has(get(r, "role")) || (r.propertyDependencies?.role ?? []).some((urn) => urns.has(urn))),
    );
}

const launchTemplateImdsV2: Rule = {
    name: "launch-template-imdsv2",
    description:
        "Node launch templates require IMDSv2 (session tokens) with a hop limit of 1, or 2 where the runtime policy is on the nodes' role (runtimeCredentials nodeRole, which Cortex's pods reach through the metadata service).",
    enforcementLevel: "mandatory",
    check(resources) {
        const allowedHops = runtimePolicyOnNodeRole(resources) ? 2 : 1;
        return ofType(resources, LAUNCH_TEMPLATE).flatMap((template): RuleFinding[] => {
            const metadata = get(template, "metadataOptions");
            if (isUnknown(metadata)) {
                return [
                    {
                        urn: template.urn,
                        pending: true,
                        message: `Launch template ${template.name}: its metadata options are not known yet, so IMDSv2 cannot be checked; ${AFTER_DEPLOYMENT}.`,
                    },
                ];
            }
            const { httpTokens, httpPutResponseHopLimit: hopLimit } = (metadata ?? {}) as Record<string, unknown>;
            const problems: string[] = [];
            if (httpTokens !== "required" && !isUnknown(httpTokens))
                problems.push(`httpTokens is ${JSON.stringify(httpTokens ?? "unset")}`);
            if (typeof hopLimit === "number" && hopLimit > allowedHops) problems.push(`the hop limit is ${hopLimit}`);
            if (problems.length > 0) {
                return [
                    {
                        urn: template.urn,
                        message:
                            `Launch template ${template.name} lets pods reach instance credentials (${problems.join(", ")}). ` +
                            `Fix: metadataOptions {httpTokens: "required", httpPutResponseHopLimit: ${allowedHops}}.`,
                    },
                ];
            }
            return isUnknown(httpTokens) || isUnknown(hopLimit)
                ? [
                      {
                          urn: template.urn,
                          pending: true,
                          message: `Launch template ${template.name}: its IMDS token setting or hop limit is not known yet; ${AFTER_DEPLOYMENT}.`,
                      },
                  ]
                : [];
        });
    },
};

/** Root devices of the AMIs EKS node groups use (AL2023 and Bottlerocket: /dev/xvda; others: /dev/sda1). */
const ROOT_DEVICES = ["/dev/xvda", "/dev/sda1"];

const launchTemplateEncryptedVolumes: Rule = {
    name: "launch-template-encrypted-volumes",
    description: "Node launch templates map the root volume and encrypt every EBS volume.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, LAUNCH_TEMPLATE).flatMap((template): RuleFinding[] => {
            const value = get(template, "blockDeviceMappings");
            if (isUnknown(value)) {
                return [
                    {
                        urn: template.urn,
                        pending: true,
                        message: `Launch template ${template.name}: its block device mappings are not known yet; ${AFTER_DEPLOYMENT}.`,
                    },
                ];
            }
            const mappings = asArray(value) as { deviceName?: unknown; ebs?: { encrypted?: unknown } }[];
            const unencrypted = mappings.filter(
                (mapping) => mapping.ebs && !isTrue(mapping.ebs.encrypted) && !isUnknown(mapping.ebs.encrypted),
            );
            const problems: string[] = [];
            if (unencrypted.length > 0)
                problems.push(`unencrypted volumes (${unencrypted.map((m) => String(m.deviceName ?? "?")).join(", ")})`);
            const hasRoot = mappings.some(
                (mapping) => ROOT_DEVICES.includes(mapping.deviceName as string) || isUnknown(mapping.deviceName),
            );
            if (!hasRoot) problems.push("no mapping for the root volume (/dev/xvda), so it may be unencrypted");
            return problems.length === 0
                ? []
                : [
                      {
                          urn: template.urn,
                          message: `Launch template ${template.name} has ${problems.join(" and ")}. Fix: a /dev/xvda mapping, and ebs.encrypted "true" on every mapping.`,
                      },
                  ];
        });
    },
};

const launchTemplateNoPublicIp: Rule = {
    name: "launch-template-no-public-ip",
    description: "Node launch templates never ask for a public IP address.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, LAUNCH_TEMPLATE).flatMap((template): RuleFinding[] => {
            const value = get(template, "networkInterfaces");
            if (isUnknown(value)) {
                return [
                    {
                        urn: template.urn,
                        pending: true,
                        message: `Launch template ${template.name}: its network interfaces are not known yet, so a public IP cannot be ruled out; ${AFTER_DEPLOYMENT}.`,
                    },
                ];
            }
            const interfaces = asArray(value) as { associatePublicIpAddress?: unknown }[];
            if (interfaces.some((networkInterface) => isTrue(networkInterface.associatePublicIpAddress))) {
                return [
                    {
                        urn: template.urn,
                        message: `Launch template ${template.name} gives nodes a public IP. Fix: associatePublicIpAddress "false" (nodes reach the internet through NAT or endpoints).`,
                    },
                ];
            }
            return interfaces.some((networkInterface) => isUnknown(networkInterface.associatePublicIpAddress))
                ? [
                      {
                          urn: template.urn,
                          pending: true,
                          message: `Launch template ${template.name}: whether it asks for a public IP is not known yet; ${AFTER_DEPLOYMENT}.`,
                      },
                  ]
                : [];
        });
    },
};

const nodeGroupLaunchTemplate: Rule = {
    name: "node-group-launch-template",
    description: "Every managed node group uses a launch template, so IMDSv2 and encrypted volumes apply to its nodes.",
    enforcementLevel: "mandatory",
    check(resources) {
        const templates = ofType(resources, LAUNCH_TEMPLATE);
        return ofType(resources, NODE_GROUP).flatMap((group): RuleFinding[] => {
            const value = get(group, "launchTemplate");
            if (value === undefined || value === null) {
                return [
                    {
                        urn: group.urn,
                        message: `Node group ${group.name} has no launch template, so its nodes get EKS's defaults (IMDSv1 reachable from pods, volumes encrypted only if the account says so). Fix: a launch template with IMDSv2 and encrypted volumes.`,
                    },
                ];
            }
            if (isUnknown(value)) {
                return [
                    {
                        urn: group.urn,
                        pending: true,
                        message: `Node group ${group.name}: its launch template is not known yet; ${AFTER_DEPLOYMENT}.`,
                    },
                ];
            }
            const { id, name } = value as { id?: unknown; name?: unknown };
            const reference = [id, name].find((handle) => typeof handle === "string");
            if (reference === undefined || templates.some((template) => handles(template).includes(reference as string))) return [];
            if ((group.propertyDependencies?.launchTemplate ?? []).some((urn) => templates.some((template) => template.urn === urn)))
                return [];
            return [
                {
                    urn: group.urn,
                    pending: true,
                    message: `Node group ${group.name} uses launch template ${String(reference)}, which is not part of this stack: only an audit of the account can check its IMDS and volume settings.`,
                },
            ];
        });
    },
};

// ---------------------------------------------------------------------------------------------
// The EKS control plane (aws:eks/cluster:Cluster, the child eks.Cluster registers).

const eksSecretsEncryption: Rule = {
    name: "eks-secrets-encryption",
    description: "Kubernetes secrets are envelope-encrypted with a KMS key.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, EKS_CLUSTER).flatMap((cluster): RuleFinding[] => {
            const config = get(cluster, "encryptionConfig");
            // eks.Cluster computes the whole block from the key ARN: unknown means a key is on its way.
            if (isUnknown(config)) return [];
            const { resources: encrypted } = (config ?? {}) as { resources?: unknown };
            if (isUnknown(encrypted) || asArray(encrypted).includes("secrets")) return [];
            return [
                {
                    urn: cluster.urn,
                    message: `EKS cluster ${cluster.name} stores Kubernetes secrets without envelope encryption. Fix: encryptionConfig with a KMS key (the component's secretsEncryptionKeyArn, or its own key with rotation).`,
                },
            ];
        });
    },
};

const eksPrivateEndpoint: Rule = {
    name: "eks-private-endpoint",
    description: "The Kubernetes API is reachable from inside the VPC (private endpoint access on).",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, EKS_CLUSTER).flatMap((cluster): RuleFinding[] => {
            const vpcConfig = get(cluster, "vpcConfig");
            const privateAccess = isUnknown(vpcConfig)
                ? vpcConfig
                : (vpcConfig as Record<string, unknown> | undefined)?.endpointPrivateAccess;
            if (isUnknown(privateAccess)) {
                return [
                    {
                        urn: cluster.urn,
                        pending: true,
                        message: `EKS cluster ${cluster.name}: whether its private endpoint is on is not known yet; ${AFTER_DEPLOYMENT}.`,
                    },
                ];
            }
            return isTrue(privateAccess)
                ? []
                : [
                      {
                          urn: cluster.urn,
                          message: `EKS cluster ${cluster.name} has private endpoint access off, so nodes reach the API over the internet. Fix: vpcConfig.endpointPrivateAccess true.`,
                      },
                  ];
        });
    },
};

function logTypes(cluster: PlannedResource): string[] | UnknownValue {
    const value = get(cluster, "enabledClusterLogTypes");
    return isUnknown(value) ? value : (known(asArray(value)) as string[]);
}

const eksAuditLogging: Rule = {
    name: "eks-control-plane-logging",
    description: "EKS control-plane logging is on, with at least the audit log.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, EKS_CLUSTER).flatMap((cluster): RuleFinding[] => {
            const types = logTypes(cluster);
            if (isUnknown(types))
                return [
                    {
                        urn: cluster.urn,
                        pending: true,
                        message: `EKS cluster ${cluster.name}: its log types are not known yet; ${AFTER_DEPLOYMENT}.`,
                    },
                ];
            return types.includes("audit")
                ? []
                : [
                      {
                          urn: cluster.urn,
                          message: `EKS cluster ${cluster.name} does not send its audit log to CloudWatch (enabled: ${types.join(", ") || "none"}). Fix: controlPlaneLogTypes including "audit".`,
                      },
                  ];
        });
    },
};

const eksAllLogTypes: Rule = {
    name: "eks-all-control-plane-logs",
    description: "EKS sends all five control-plane log types.",
    enforcementLevel: "advisory",
    check(resources) {
        return ofType(resources, EKS_CLUSTER).flatMap((cluster) => {
            const types = logTypes(cluster);
            if (isUnknown(types)) return [];
            const missing = CONTROL_PLANE_LOG_TYPES.filter((type) => !types.includes(type));
            return missing.length === 0
                ? []
                : [
                      {
                          urn: cluster.urn,
                          message: `EKS cluster ${cluster.name} does not log ${missing.join(", ")}. Fix: leave controlPlaneLogTypes at its default (all five).`,
                      },
                  ];
        });
    },
};

// ---------------------------------------------------------------------------------------------
// Security groups and load balancers.

/** Whether a CIDR takes in a large part of the internet: IPv4 wider than /8, IPv6 wider than /16. */
function worldWide(cidr: string): boolean {
    const match = /\/(\d{1,3})$/.exec(cidr);
    if (!match) return false;
    return Number(match[1]) < (cidr.includes(":") ? 16 : 8);
}

interface Ingress {
    resource: PlannedResource;
    group: PlannedResource | undefined;
    /** The group's id is not known yet and no dependency names it. */
    groupUnknown?: boolean;
    protocol: unknown;
    fromPort: unknown;
    toPort: unknown;
    cidrs: unknown[];
}

function ingressEntries(resources: PlannedResource[]): Ingress[] {
    const groups = ofType(resources, "aws:ec2/securityGroup:SecurityGroup");
    const groupOf = (rule: PlannedResource) => groups.find((group) => refersTo(rule, "securityGroupId", group));
    const entries: Ingress[] = [];
    for (const rule of ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
        entries.push({
            resource: rule,
            group: groupOf(rule),
            groupUnknown: isUnknown(get(rule, "securityGroupId")),
            protocol: get(rule, "ipProtocol"),
            fromPort: get(rule, "fromPort"),
            toPort: get(rule, "toPort"),
            cidrs: [get(rule, "cidrIpv4"), get(rule, "cidrIpv6")].filter((cidr) => cidr !== undefined && cidr !== null),
        });
    }
    for (const rule of ofType(resources, "aws:ec2/securityGroupRule:SecurityGroupRule")) {
        if (get(rule, "type") !== "ingress") continue;
        entries.push({
            resource: rule,
            group: groupOf(rule),
            groupUnknown: isUnknown(get(rule, "securityGroupId")),
            protocol: get(rule, "protocol"),
            fromPort: get(rule, "fromPort"),
            toPort: get(rule, "toPort"),
            cidrs: [...asArray(get(rule, "cidrBlocks")), ...asArray(get(rule, "ipv6CidrBlocks"))],
        });
    }
    for (const group of groups) {
        // Left unset, `ingress` is computed (unknown in a preview): it then shows the separate rules, checked on their own.
        const ingress = get(group, "ingress");
        if (isUnknown(ingress)) continue;
        for (const rule of asArray(ingress) as Record<string, unknown>[]) {
            entries.push({
                resource: group,
                group,
                protocol: rule.protocol,
                fromPort: rule.fromPort,
                toPort: rule.toPort,
                cidrs: [...asArray(rule.cidrBlocks), ...asArray(rule.ipv6CidrBlocks)],
            });
        }
    }
    return entries;
}

const describePorts = (entry: Ingress) =>
    ["-1", "all", -1].includes(entry.protocol as string)
        ? "every protocol and port"
        : entry.fromPort === entry.toPort
          ? `port ${entry.fromPort}`
          : `ports ${entry.fromPort}-${entry.toPort}`;

/**
 * Whether an open ingress is what the stack asked for: a TCP rule on exactly one listener port of
 * an internet-facing load balancer whose security group it is, and (where the stack says what it
 * asked for) that load balancer's allow list holds the internet. Tags play no part.
 */
function openOnPurpose(entry: Ingress, resources: PlannedResource[]): "yes" | "no" | "unknown" {
    if ([entry.protocol, entry.fromPort, entry.toPort].some(isUnknown)) return "unknown";
    if (String(entry.protocol).toLowerCase() !== "tcp" || entry.fromPort !== entry.toPort) return "no";
    if (!entry.group) return entry.groupUnknown ? "unknown" : "no";
    const balancers = ofType(resources, LOAD_BALANCER).filter((balancer) => refersTo(balancer, "securityGroups", entry.group!));
    let verdict: "yes" | "no" | "unknown" = "no";
    for (const balancer of balancers) {
        const internal = get(balancer, "internal");
        if (isUnknown(internal)) verdict = "unknown";
        if (internal === true) continue;
        const listens = ofType(resources, "aws:lb/listener:Listener").some(
            (listener) => refersTo(listener, "loadBalancerArn", balancer) && get(listener, "port") === entry.fromPort,
        );
        const role = ((get(balancer, "tags") ?? {}) as Record<string, unknown>)[LOAD_BALANCER_TAG] as "api" | "operator" | undefined;
        const asked = postures(resources).map((posture) => (role ? posture.loadBalancers[role] : undefined));
        const allowListSaysSo = asked.every((balancerPosture) => !balancerPosture || balancerPosture.allowList.some(worldWide));
        if (listens && allowListSaysSo && !isUnknown(internal)) return "yes";
    }
    return verdict;
}

const noOpenIngress: Rule = {
    name: "no-open-ingress",
    description:
        "No security group admits the internet (0.0.0.0/0, or any IPv4 range wider than /8) except on the listener ports of an internet-facing load balancer whose allow list says so.",
    enforcementLevel: "mandatory",
    check(resources) {
        const findings: RuleFinding[] = [];
        for (const entry of ingressEntries(resources)) {
            const wide = entry.cidrs.filter((cidr) => typeof cidr === "string" && worldWide(cidr)) as string[];
            const onPurpose = wide.length > 0 ? openOnPurpose(entry, resources) : "no";
            if (onPurpose === "unknown") {
                findings.push({
                    urn: entry.resource.urn,
                    pending: true,
                    message: `${entry.resource.name} admits the internet (${wide.join(", ")}), and which load balancer listener it serves is not known yet; ${AFTER_DEPLOYMENT}.`,
                });
            } else if (wide.length > 0 && onPurpose === "no") {
                findings.push({
                    urn: entry.resource.urn,
                    message:
                        `${entry.resource.name} admits the internet (${wide.join(", ")}) on ${describePorts(entry)}. ` +
                        "Fix: admit specific CIDRs or security groups; only an internet-facing load balancer's listener ports may be open, and only when its allow list says so.",
                });
            } else if (entry.cidrs.some(isUnknown)) {
                findings.push({
                    urn: entry.resource.urn,
                    pending: true,
                    message: `${entry.resource.name} admits a CIDR that is not known yet, so this preview cannot rule out the internet; ${AFTER_DEPLOYMENT}.`,
                });
            }
        }
        return findings;
    },
};

const loadBalancerScheme: Rule = {
    name: "load-balancer-scheme",
    description:
        "Each load balancer has the scheme the stack asks for, and an internal one sits in private subnets (no internet gateway route).",
    enforcementLevel: "mandatory",
    check(resources) {
        const findings: RuleFinding[] = [];
        for (const balancer of ofType(resources, LOAD_BALANCER)) {
            const role = ((get(balancer, "tags") ?? {}) as Record<string, unknown>)[LOAD_BALANCER_TAG] as "api" | "operator" | undefined;
            const internal = get(balancer, "internal");
            for (const posture of postures(resources)) {
                const asked = role ? posture.loadBalancers[role]?.scheme : undefined;
                if (asked === undefined || isUnknown(internal)) continue;
                const actual = internal === true ? "internal" : "internet-facing";
                if (actual !== asked) {
                    findings.push({
                        urn: balancer.urn,
                        message: `Load balancer ${balancer.name} is ${actual} although the stack asks for ${asked}. Fix: internal ${asked === "internal"}.`,
                    });
                }
            }
            if (internal !== true) continue;
            const subnets = subnetsOf(balancer, "subnets", resources);
            if (typeof subnets === "string") {
                findings.push({
                    urn: balancer.urn,
                    pending: true,
                    message: `Internal load balancer ${balancer.name} should be in private subnets, but ${subnets}; ${AFTER_DEPLOYMENT}.`,
                });
                continue;
            }
            const publicOnes = subnets.map((subnet) => subnetPublic(subnet, resources)).filter((verdict) => verdict.state === "yes");
            if (publicOnes.length > 0) {
                findings.push({
                    urn: balancer.urn,
                    message: `Internal load balancer ${balancer.name} is in public subnets (${publicOnes.map((v) => v.why).join("; ")}). Fix: the private subnets.`,
                });
            }
        }
        return findings;
    },
};

/**
 * The admin planes (operator load balancer, public Kubernetes API endpoint) open to the whole
 * internet: allowed when chosen (`adminCidrAllowList: ["0.0.0.0/0"]`), but worth a second look,
 * since Cortex's operator admits any identity of the account.
 */
const adminPlanesNotOpen: Rule = {
    name: "admin-planes-not-open",
    description:
        "The operator load balancer and the public Kubernetes API endpoint admit only listed CIDRs, not 0.0.0.0/0 (Cortex's operator accepts any identity of the account).",
    enforcementLevel: "advisory",
    check(resources) {
        // The operator load balancer's security groups, found by the load balancer that uses them (tags only say which one it is).
        const operatorGroups = ofType(resources, LOAD_BALANCER)
            .filter((balancer) => ((get(balancer, "tags") ?? {}) as Record<string, unknown>)[LOAD_BALANCER_TAG] === "operator")
            .flatMap((balancer) =>
                ofType(resources, "aws:ec2/securityGroup:SecurityGroup").filter((group) => refersTo(balancer, "securityGroups", group)),
            );
        const operatorOpen = ingressEntries(resources).filter(
            (entry) =>
                entry.group &&
                operatorGroups.includes(entry.group) &&
                entry.cidrs.some((cidr) => typeof cidr === "string" && worldWide(cidr)),
        );
        const openEndpoints = ofType(resources, EKS_CLUSTER).filter((cluster) => {
            const config = (get(cluster, "vpcConfig") ?? {}) as { endpointPublicAccess?: unknown; publicAccessCidrs?: unknown };
            // Unset CIDRs on a public endpoint are EKS's default: 0.0.0.0/0.
            const cidrs = config.publicAccessCidrs;
            return (
                isTrue(config.endpointPublicAccess) &&
                (!Array.isArray(cidrs) || cidrs.some((cidr) => typeof cidr === "string" && worldWide(cidr)))
            );
        });
        return [
            ...operatorOpen.map(({ resource }) => ({
                urn: resource.urn,
                message: `${resource.name} opens the Cortex operator to the whole internet, where any leaked key of the account can deploy. Fix: adminCidrAllowList (or operatorLoadBalancerCidrAllowList) with the CIDRs you administer from, or an internal operator.`,
            })),
            ...openEndpoints.map((cluster) => ({
                urn: cluster.urn,
                message: `EKS cluster ${cluster.name} has a public API endpoint open to the whole internet. Fix: adminCidrAllowList (or clusterEndpointPublicAccessCidrs) with the CIDRs you administer from, or clusterEndpointPublicAccess false.`,
            })),
        ];
    },
};

const loadBalancerRoleTags: Rule = {
    name: "load-balancer-role-tags",
    description:
        "Load balancers carry cortex.dev/cluster-name and cortex.dev/load-balancer (api or operator); Cortex's CLI finds them by these tags.",
    enforcementLevel: "advisory",
    check(resources) {
        return ofType(resources, LOAD_BALANCER).flatMap((balancer) => {
            const tags = get(balancer, "tags");
            if (isUnknown(tags)) return [];
            const values = (tags ?? {}) as Record<string, unknown>;
            return ["api", "operator"].includes(values[LOAD_BALANCER_TAG] as string) && values[CLUSTER_NAME_TAG]
                ? []
                : [
                      {
                          urn: balancer.urn,
                          message: `Load balancer ${balancer.name} lacks its role tags. Fix: tag ${CLUSTER_NAME_TAG} with the cluster name and ${LOAD_BALANCER_TAG} with api or operator.`,
                      },
                  ];
        });
    },
};

/** ELB policies that allow nothing older than TLS 1.2. */
const MODERN_TLS_POLICY = /TLS13|TLS-1-2|FS-1-2/;

const listenerTls: Rule = {
    name: "listener-tls",
    description: "Listeners that terminate TLS use a policy with TLS 1.2 or newer only.",
    enforcementLevel: "advisory",
    check(resources) {
        return ofType(resources, "aws:lb/listener:Listener").flatMap((listener) => {
            if (!["TLS", "HTTPS"].includes(get(listener, "protocol") as string)) return [];
            const policy = get(listener, "sslPolicy");
            if (isUnknown(policy) || (typeof policy === "string" && MODERN_TLS_POLICY.test(policy))) return [];
            return [
                {
                    urn: listener.urn,
                    message: `Listener ${listener.name} terminates TLS with ${policy ? `policy ${String(policy)}` : "the default policy"}, which accepts TLS older than 1.2. Fix: sslPolicy ELBSecurityPolicy-TLS13-1-2-2021-06.`,
                },
            ];
        });
    },
};

const apiGatewayAuthorization: Rule = {
    name: "api-gateway-authorization",
    description: "API Gateway routes say who may call them (an authorizer); without one anyone on the internet can.",
    enforcementLevel: "advisory",
    check(resources) {
        return [
            ...ofType(resources, "aws:apigatewayv2/route:Route").filter((route) => {
                const type = get(route, "authorizationType");
                return type === undefined || type === "NONE";
            }),
            ...ofType(resources, "aws:apigateway/method:Method").filter((method) => get(method, "authorization") === "NONE"),
        ].map((route) => ({
            urn: route.urn,
            message: `API Gateway route ${route.name} has no authorization: anyone who knows the URL can call the APIs behind it. Fix: an authorizer (JWT, IAM or Lambda), or keep the API load balancer's allow list as the only door.`,
        }));
    },
};

// ---------------------------------------------------------------------------------------------
// IAM.

interface Statement {
    Effect?: unknown;
    Principal?: unknown;
    Action?: unknown;
    NotAction?: unknown;
    Resource?: unknown;
    NotResource?: unknown;
    Condition?: unknown;
}

/** Actions that take no resource but `*`: fine on `*`. */
const UNSCOPABLE_ACTIONS = new Set<string>(ACTIONS_ONLY_ON_ANY_RESOURCE.map((action) => action.toLowerCase()));
/** Reads of metadata (not of data): fine on any resource. Listing a bucket lists its objects: not metadata. */
const isMetadataRead = (action: string) => /^[a-z0-9-]+:(describe|list)[a-z*]*$/i.test(action) && !/^s3:listbucket/i.test(action);

/** Whether a resource pattern means every resource of a kind: `*`, any account, any bucket, or `…:*`. */
function wildcardResource(resource: string): boolean {
    if (resource === "*") return true;
    const parts = resource.split(":");
    if (parts[0] !== "arn" || parts.length < 6) return resource.startsWith("*");
    const [, , service, , account] = parts;
    const rest = parts.slice(5).join(":");
    return account === "*" || rest === "*" || (service === "s3" && rest.startsWith("*"));
}

/** The problems of one statement's known parts, and whether a deciding part is unknown. */
function statementProblems(statement: Statement): { problems: string[]; unknown: boolean } {
    const problems: string[] = [];
    if (isUnknown(statement)) return { problems, unknown: true };
    if (isUnknown(statement.Effect)) return { problems, unknown: true };
    if (statement.Effect !== "Allow") return { problems, unknown: false };
    if (statement.NotAction !== undefined || statement.NotResource !== undefined)
        problems.push("an Allow with NotAction/NotResource grants everything else");
    let unknown = isUnknown(statement.Action) || isUnknown(statement.Resource);
    const actions = known(asArray(statement.Action)) as string[];
    const resources = known(asArray(statement.Resource)) as string[];
    if (asArray(statement.Action).some(isUnknown) || asArray(statement.Resource).some(isUnknown)) unknown = true;
    const wideResources = resources.filter(wildcardResource);
    for (const action of actions) {
        const lower = String(action).toLowerCase();
        if (lower === "*" || lower.endsWith(":*")) {
            problems.push(`it allows every action of ${lower === "*" ? "every service" : lower.split(":")[0]} (${action})`);
        } else if (lower.includes("*") && !isMetadataRead(lower)) {
            problems.push(`it allows every action matching ${action}`);
        }
        if (lower.startsWith("iam:")) problems.push(`it allows the IAM action ${action}`);
        if (lower.startsWith("sts:assumerole") && resources.some((resource) => resource.includes("*"))) {
            problems.push(`it allows ${action} on any role (${resources.filter((r) => r.includes("*")).join(", ")})`);
            continue;
        }
        if (UNSCOPABLE_ACTIONS.has(lower) || isMetadataRead(lower)) continue;
        for (const resource of wideResources) problems.push(`it allows ${action} on every resource (${resource})`);
    }
    return { problems, unknown };
}

/** A policy document's statements, parsed from a string or given as an object; UNKNOWN where not known. */
function statementsOf(document: unknown): Statement[] | UnknownValue | string {
    if (isUnknown(document)) return document;
    let parsed = document;
    if (typeof document === "string") {
        try {
            parsed = normalizeValue(JSON.parse(document));
        } catch {
            return "the policy is not valid JSON";
        }
    }
    if (parsed === null || typeof parsed !== "object") return "the policy is not a JSON object";
    const statements = (parsed as { Statement?: unknown }).Statement;
    if (isUnknown(statements)) return UNKNOWN;
    return asArray(statements) as Statement[];
}

/** What is wrong with one IAM policy document (a string or an object), and whether parts are unknown. */
function documentProblems(document: unknown): { problems: string[]; unknown: boolean } {
    const statements = statementsOf(document);
    if (isUnknown(statements)) return { problems: [], unknown: true };
    if (typeof statements === "string") return { problems: [statements], unknown: false };
    const results = statements.map(statementProblems);
    return { problems: [...new Set(results.flatMap((r) => r.problems))], unknown: results.some((r) => r.unknown) };
}

/** What is wrong with one IAM policy document, as sentences. */
export function policyDocumentProblems(document: string | object): string[] {
    return documentProblems(normalizeValue(document)).problems;
}

/** Every identity policy document the stack writes, with where it sits. */
function identityDocuments(resources: PlannedResource[]): { resource: PlannedResource; label: string; document: unknown }[] {
    const documents = ofType(resources, ...IAM_POLICY_TYPES).map((policy) => ({
        resource: policy,
        label: `Policy ${policy.name}`,
        document: get(policy, "policy"),
    }));
    for (const role of ofType(resources, IAM_ROLE)) {
        // Left unset, inlinePolicies is computed (unknown in a preview): it then shows the separate RolePolicy resources.
        const inline = get(role, "inlinePolicies");
        if (isUnknown(inline)) continue;
        for (const policy of asArray(inline) as { name?: unknown; policy?: unknown }[]) {
            if (isUnknown(policy)) continue;
            documents.push({
                resource: role,
                label: `Role ${role.name}'s inline policy ${String(policy.name ?? "")}`.trim(),
                document: policy.policy,
            });
        }
    }
    return documents.filter(({ document }) => document !== undefined && document !== "");
}

const iamLeastPrivilege: Rule = {
    name: "iam-policy-least-privilege",
    description:
        "Policies the stack writes (the runtime policy and roles' inline policies among them) have no wildcard writes or reads of data, no service-wide wildcards, no role assumption on any role and no IAM actions.",
    enforcementLevel: "mandatory",
    check(resources) {
        return identityDocuments(resources).flatMap(({ resource, label, document }): RuleFinding[] => {
            const { problems, unknown } = documentProblems(document);
            if (problems.length > 0) {
                return [
                    {
                        urn: resource.urn,
                        message: `${label}: ${problems.join("; ")}. Fix: name the actions and scope them to the resources they need.`,
                    },
                ];
            }
            return unknown
                ? [
                      {
                          urn: resource.urn,
                          pending: true,
                          message: `${label}: the document is not known until the resources it names exist, so this preview cannot check it; ${AFTER_DEPLOYMENT}.`,
                      },
                  ]
                : [];
        });
    },
};

/** AWS managed policies that grant administration or a whole service. */
const BROAD_MANAGED_POLICY =
    /^arn:aws[a-z-]*:iam::aws:policy\/(?:[\w+=,.@-]+\/)*(AdministratorAccess\S*|PowerUserAccess|IAMFullAccess|[\w+=,.@-]*FullAccess(?:V\d+)?)$/;

const iamManagedPolicyAttachments: Rule = {
    name: "iam-managed-policy-attachments",
    description:
        "No role, user or group gets an AWS managed policy that grants administration or a whole service (AdministratorAccess, PowerUserAccess, *FullAccess).",
    enforcementLevel: "mandatory",
    check(resources) {
        const attachments = ofType(
            resources,
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
            "aws:iam/userPolicyAttachment:UserPolicyAttachment",
            "aws:iam/policyAttachment:PolicyAttachment",
        ).map((attachment) => ({ resource: attachment, arns: asArray(get(attachment, "policyArn")) }));
        for (const role of ofType(resources, IAM_ROLE)) {
            // Left unset, managedPolicyArns is computed: it then shows the separate attachments.
            const arns = get(role, "managedPolicyArns");
            if (!isUnknown(arns)) attachments.push({ resource: role, arns: asArray(arns) });
        }
        const policies = ofType(resources, "aws:iam/policy:Policy");
        return attachments.flatMap(({ resource, arns }): RuleFinding[] => {
            const broad = arns.filter((arn) => typeof arn === "string" && BROAD_MANAGED_POLICY.test(arn)) as string[];
            if (broad.length > 0) {
                return [
                    {
                        urn: resource.urn,
                        message: `${resource.name} attaches ${broad.join(", ")}, which grants far more than Cortex needs. Fix: a policy of the stack's own naming the actions and resources.`,
                    },
                ];
            }
            const fromStack = (resource.propertyDependencies?.policyArn ?? []).some((urn) => policies.some((policy) => policy.urn === urn));
            return arns.some(isUnknown) && !fromStack
                ? [
                      {
                          urn: resource.urn,
                          pending: true,
                          message: `${resource.name} attaches a policy whose ARN is not known yet; ${AFTER_DEPLOYMENT}.`,
                      },
                  ]
                : [];
        });
    },
};

/** Whether a trust statement's principal is anyone. */
function anyPrincipal(principal: unknown): boolean {
    if (principal === "*") return true;
    if (principal === null || typeof principal !== "object") return false;
    return Object.values(principal).some((value) => asArray(value).some((entry) => entry === "*"));
}

const iamTrustPolicyPrincipals: Rule = {
    name: "iam-trust-policy-principals",
    description: "No role can be assumed by any principal (Principal * or {AWS: *}) without a condition narrowing it.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, IAM_ROLE).flatMap((role): RuleFinding[] => {
            const statements = statementsOf(get(role, "assumeRolePolicy"));
            if (isUnknown(statements)) {
                return [
                    {
                        urn: role.urn,
                        pending: true,
                        message: `Role ${role.name}: its trust policy is not known until the resources it names exist; ${AFTER_DEPLOYMENT}.`,
                    },
                ];
            }
            if (typeof statements === "string")
                return [{ urn: role.urn, message: `Role ${role.name}: ${statements}. Fix: a valid trust policy.` }];
            const open = statements.filter(
                (statement) =>
                    !isUnknown(statement) &&
                    statement.Effect === "Allow" &&
                    anyPrincipal(statement.Principal) &&
                    statement.Condition === undefined,
            );
            return open.length === 0
                ? []
                : [
                      {
                          urn: role.urn,
                          message: `Role ${role.name} can be assumed by anyone in any AWS account (Principal ${JSON.stringify(open[0].Principal)}, no condition). Fix: name the service, account or OIDC provider that may assume it.`,
                      },
                  ];
        });
    },
};

// ---------------------------------------------------------------------------------------------
// Buckets and log groups.

/** The resources of a type that configure a bucket (by its name, or by depending on it when the name is not yet known). */
function configurationsOf(resources: PlannedResource[], bucket: PlannedResource, type: string): PlannedResource[] {
    return ofType(resources, type).filter((configuration) => refersTo(configuration, "bucket", bucket));
}

const bucketEncrypted: Rule = {
    name: "bucket-encrypted",
    description: "Every bucket has server-side encryption configured.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, ...BUCKET_TYPES)
            .filter((bucket) => {
                const configurations = configurationsOf(
                    resources,
                    bucket,
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                );
                return !configurations.some((configuration) => {
                    const rules = get(configuration, "rules");
                    if (isUnknown(rules)) return true;
                    return (asArray(rules) as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: unknown } }[]).some((rule) => {
                        const algorithm = rule.applyServerSideEncryptionByDefault?.sseAlgorithm;
                        return isUnknown(algorithm) || ["aws:kms", "AES256", "aws:kms:dsse"].includes(algorithm as string);
                    });
                });
            })
            .map((bucket) => ({
                urn: bucket.urn,
                message: `Bucket ${bucket.name} has no server-side encryption configuration. Fix: a BucketServerSideEncryptionConfiguration (aws:kms or AES256).`,
            }));
    },
};

const bucketPublicAccessBlocked: Rule = {
    name: "bucket-public-access-blocked",
    description: "Every bucket blocks all public access (all four settings).",
    enforcementLevel: "mandatory",
    check(resources) {
        const settings = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
        return ofType(resources, ...BUCKET_TYPES)
            .filter(
                (bucket) =>
                    !configurationsOf(resources, bucket, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").some((block) =>
                        settings.every((s) => isTrue(get(block, s))),
                    ),
            )
            .map((bucket) => ({
                urn: bucket.urn,
                message: `Bucket ${bucket.name} does not block all public access. Fix: a BucketPublicAccessBlock with ${settings.join(", ")} all true.`,
            }));
    },
};

/** Whether a bucket policy statement refuses every request not made over TLS. */
function deniesPlainHttp(statement: Statement): boolean {
    if (statement.Effect !== "Deny" || !anyPrincipal(statement.Principal)) return false;
    const actions = asArray(statement.Action).map((action) => String(action).toLowerCase());
    if (!actions.includes("s3:*") && !actions.includes("*")) return false;
    const secureTransport = (statement.Condition as { Bool?: Record<string, unknown> } | undefined)?.Bool?.["aws:SecureTransport"];
    return asArray(secureTransport).some((value) => value === false || value === "false");
}

const bucketTlsOnly: Rule = {
    name: "bucket-tls-only",
    description: "Every bucket has a bucket policy that denies every request not made over TLS.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, ...BUCKET_TYPES).flatMap((bucket): RuleFinding[] => {
            const documents = configurationsOf(resources, bucket, "aws:s3/bucketPolicy:BucketPolicy").map((policy) =>
                statementsOf(get(policy, "policy")),
            );
            if (documents.some((statements) => Array.isArray(statements) && statements.some(deniesPlainHttp))) return [];
            if (documents.some(isUnknown)) {
                return [
                    {
                        urn: bucket.urn,
                        pending: true,
                        message: `Bucket ${bucket.name}: its bucket policy names the bucket's ARN, which is not known until the bucket exists, so this preview cannot see the TLS-only statement; ${AFTER_DEPLOYMENT}.`,
                    },
                ];
            }
            return [
                {
                    urn: bucket.urn,
                    message: `Bucket ${bucket.name} accepts requests over plain HTTP: no bucket policy denies aws:SecureTransport false. Fix: a BucketPolicy with a Deny of s3:* for Principal * when aws:SecureTransport is false.`,
                },
            ];
        });
    },
};

const bucketVersioned: Rule = {
    name: "bucket-versioned",
    description: "Every bucket keeps versions, so an overwrite or delete can be undone.",
    enforcementLevel: "advisory",
    check(resources) {
        return ofType(resources, ...BUCKET_TYPES)
            .filter(
                (bucket) =>
                    !configurationsOf(resources, bucket, "aws:s3/bucketVersioning:BucketVersioning").some((versioning) => {
                        const configuration = get(versioning, "versioningConfiguration");
                        return isUnknown(configuration) || (configuration as { status?: unknown } | undefined)?.status === "Enabled";
                    }),
            )
            .map((bucket) => ({
                urn: bucket.urn,
                message: `Bucket ${bucket.name} is not versioned. Fix: a BucketVersioning with status "Enabled".`,
            }));
    },
};

const logGroupKms: Rule = {
    name: "log-group-kms",
    description: "Every CloudWatch log group is encrypted with a KMS key of the stack's choosing (kmsKeyId).",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, "aws:cloudwatch/logGroup:LogGroup")
            .filter((group) => {
                const key = get(group, "kmsKeyId");
                return !isUnknown(key) && (typeof key !== "string" || key.length === 0);
            })
            .map((group) => ({
                urn: group.urn,
                message: `Log group ${group.name} has no KMS key, so anyone with logs:GetLogEvents on it reads it (flow logs and control-plane logs name hosts and users). Fix: kmsKeyId (a KMS key whose policy admits logs.<region>.amazonaws.com).`,
            }));
    },
};

// ---------------------------------------------------------------------------------------------
// Secret access keys.

const SECRET_KEY_NAME = /secret_?access_?key|^secret$/i;

/** Every string under a key that names a secret access key, anywhere in a property tree. */
function secretKeyValues(value: unknown, out: string[], underSecretKey = false): void {
    const revealed = value instanceof SecretValue ? reveal(value) : value;
    if (typeof revealed === "string") {
        if (underSecretKey && revealed.length > 0) out.push(revealed);
        return;
    }
    if (revealed === null || typeof revealed !== "object" || isUnknown(revealed)) return;
    for (const [key, child] of Object.entries(revealed)) secretKeyValues(child, out, SECRET_KEY_NAME.test(key));
}

/** Every (path, value) of a property tree whose key names a secret access key, with the value in plain sight. */
function plainSecretKeys(value: unknown, path: string, out: string[]): void {
    if (value instanceof SecretValue || value === null || typeof value !== "object" || isUnknown(value)) return;
    for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (SECRET_KEY_NAME.test(key) && typeof child === "string") out.push(childPath);
        else plainSecretKeys(child, childPath, out);
    }
}

/** A tag value shaped like a secret access key (40 characters of base64, not a hex digest). */
const looksLikeSecretKey = (value: unknown) =>
    typeof value === "string" &&
    SECRET_ACCESS_KEY_PATTERN.test(value) &&
    !/^[0-9a-f]{40}$/i.test(value) &&
    /[A-Z]/.test(value) &&
    /[a-z]/.test(value);

const accessKeysOnlyAsSecrets: Rule = {
    name: "access-keys-only-as-secrets",
    description:
        "Secret access keys appear only as Pulumi secrets: never in tags or descriptions, and (where secretness can be seen, as in the offline plan) never as a plain value.",
    enforcementLevel: "mandatory",
    check(resources) {
        const findings: RuleFinding[] = [];
        const secrets: string[] = [];
        for (const resource of resources) secretKeyValues(resource.props, secrets);
        for (const resource of resources) {
            const visible = ["tags", "tagsAll", "description", "tagSpecifications"].map((key) => get(resource, key));
            const text = JSON.stringify(visible);
            const tagValues = visible.flatMap((value) => (value && typeof value === "object" ? Object.values(value) : []));
            if (secrets.some((secret) => text.includes(secret)) || tagValues.some(looksLikeSecretKey)) {
                findings.push({
                    urn: resource.urn,
                    message: `${resource.name} shows a secret access key in its tags or description. Fix: never put keys in tags or descriptions; rotate the key, it has been seen.`,
                });
            }
            if (!resource.secretsVisible) continue;
            const plain: string[] = [];
            plainSecretKeys(resource.props, "", plain);
            for (const path of plain) {
                findings.push({
                    urn: resource.urn,
                    message: `${resource.name} holds a secret access key in ${path} as a plain value. Fix: wrap it with pulumi.secret.`,
                });
            }
        }
        return findings;
    },
};

/** Every rule of the pack, in the order a report lists them. */
export const RULES: Rule[] = [
    nodesInPrivateSubnets,
    launchTemplateImdsV2,
    launchTemplateEncryptedVolumes,
    launchTemplateNoPublicIp,
    nodeGroupLaunchTemplate,
    eksSecretsEncryption,
    eksPrivateEndpoint,
    eksAuditLogging,
    eksAllLogTypes,
    noOpenIngress,
    loadBalancerScheme,
    adminPlanesNotOpen,
    loadBalancerRoleTags,
    listenerTls,
    apiGatewayAuthorization,
    iamLeastPrivilege,
    iamManagedPolicyAttachments,
    iamTrustPolicyPrincipals,
    bucketEncrypted,
    bucketPublicAccessBlocked,
    bucketTlsOnly,
    bucketVersioned,
    logGroupKms,
    accessKeysOnlyAsSecrets,
];

/** Runs every rule over a stack's resources; a finding whose deciding value is unknown is advisory. */
export function evaluate(resources: PlannedResource[], rules: Rule[] = RULES): Finding[] {
    return rules.flatMap((rule) =>
        rule.check(resources).map(({ urn, message, pending }) => ({
            rule: rule.name,
            enforcementLevel: pending ? "advisory" : rule.enforcementLevel,
            urn,
            message,
        })),
    );
}
