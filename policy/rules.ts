// The security posture of a CortexSecureCluster stack as rules over the resources a stack
// registers. Pure: the policy pack runs them over a preview, the offline plan and the tests over
// the mock cloud's registrations.
import {
    ACTIONS_ONLY_ON_ANY_RESOURCE,
    CLUSTER_NAME_TAG,
    CORTEX_SECURE_CLUSTER_TYPE,
    CONTROL_PLANE_LOG_TYPES,
    LOAD_BALANCER_TAG,
} from "../components/constants";

/** A value known to be a Pulumi secret (only where secretness can be seen: the offline plan). */
export class SecretValue {
    constructor(readonly value: unknown) {}
}

/** A resource as the rules see it: its type, names and properties (outputs where known, else inputs). */
export interface PlannedResource {
    type: string;
    name: string;
    urn: string;
    /** The cloud's id, where known. */
    id?: string;
    props: Record<string, unknown>;
    /** The URNs each property's value came from (the engine knows them even when the value is not yet known). */
    propertyDependencies?: Record<string, string[]>;
    /** Whether secret values show up as {@link SecretValue}; a live preview hands them over unwrapped. */
    secretsVisible?: boolean;
}

export type EnforcementLevel = "mandatory" | "advisory";

/** One thing a rule found: which resource, and what to do about it. */
export interface Finding {
    rule: string;
    enforcementLevel: EnforcementLevel;
    urn: string;
    message: string;
}

export interface Rule {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    check(resources: PlannedResource[]): { urn: string; message: string }[];
}

/** What the component says it built; it registers this as its `posture` output. */
export interface StackPosture {
    subnetVisibility: "public" | "private";
    loadBalancers: Record<"api" | "operator", { scheme: string; allowList: string[] }>;
}

const ofType = (resources: PlannedResource[], ...types: string[]) => resources.filter((r) => types.includes(r.type));

/** Unwraps {@link SecretValue}s, for rules that look at values rather than at secretness. */
export function reveal(value: unknown): unknown {
    if (value instanceof SecretValue) return reveal(value.value);
    if (Array.isArray(value)) return value.map(reveal);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
    return value;
}

const get = (resource: PlannedResource, key: string): unknown => reveal(resource.props[key]);
const isTrue = (value: unknown) => value === true || value === "true";

function postures(
    resources: PlannedResource[],
): { urn: string; posture: StackPosture; publicSubnetIds?: string[]; privateSubnetIds?: string[] }[] {
    return ofType(resources, CORTEX_SECURE_CLUSTER_TYPE)
        .filter((component) => get(component, "posture") !== undefined)
        .map((component) => ({
            urn: component.urn,
            posture: get(component, "posture") as StackPosture,
            publicSubnetIds: get(component, "publicSubnetIds") as string[] | undefined,
            privateSubnetIds: get(component, "privateSubnetIds") as string[] | undefined,
        }));
}

const NODE_GROUP_TYPES = ["eks:index:ManagedNodeGroup", "aws:eks/nodeGroup:NodeGroup"];
const EKS_COMPONENT = "eks:index:Cluster";
const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const IAM_POLICY_TYPES = [
    "aws:iam/policy:Policy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
];
const BUCKET = "aws:s3/bucket:Bucket";

const nodesInPrivateSubnets: Rule = {
    name: "nodes-in-private-subnets",
    description: "When the stack says subnetVisibility private, every node group is in the private subnets only.",
    enforcementLevel: "mandatory",
    check(resources) {
        const findings: { urn: string; message: string }[] = [];
        for (const { posture, privateSubnetIds, publicSubnetIds } of postures(resources)) {
            if (posture.subnetVisibility !== "private" || !Array.isArray(privateSubnetIds)) continue;
            for (const group of ofType(resources, ...NODE_GROUP_TYPES)) {
                const subnets = get(group, "subnetIds");
                if (!Array.isArray(subnets)) continue;
                const outside = subnets.filter(
                    (id) => !privateSubnetIds.includes(id as string) || (publicSubnetIds ?? []).includes(id as string),
                );
                if (outside.length > 0) {
                    findings.push({
                        urn: group.urn,
                        message:
                            `Node group ${group.name} has subnets outside the private subnets (${outside.join(", ")}) although the stack's ` +
                            "subnetVisibility is private. Fix: give the node group the component's privateSubnetIds only.",
                    });
                }
            }
        }
        return findings;
    },
};

const launchTemplateImdsV2: Rule = {
    name: "launch-template-imdsv2",
    description: "Node launch templates require IMDSv2 (session tokens) with a hop limit of 1.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, LAUNCH_TEMPLATE).flatMap((template) => {
            const metadata = (get(template, "metadataOptions") ?? {}) as { httpTokens?: string; httpPutResponseHopLimit?: number };
            const problems: string[] = [];
            if (metadata.httpTokens !== "required") problems.push(`httpTokens is ${JSON.stringify(metadata.httpTokens ?? "unset")}`);
            if ((metadata.httpPutResponseHopLimit ?? 1) > 1) problems.push(`the hop limit is ${metadata.httpPutResponseHopLimit}`);
            return problems.length === 0
                ? []
                : [
                      {
                          urn: template.urn,
                          message:
                              `Launch template ${template.name} lets pods reach instance credentials (${problems.join(", ")}). ` +
                              'Fix: metadataOptions {httpTokens: "required", httpPutResponseHopLimit: 1}.',
                      },
                  ];
        });
    },
};

const launchTemplateEncryptedVolumes: Rule = {
    name: "launch-template-encrypted-volumes",
    description: "Node launch templates encrypt every EBS volume.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, LAUNCH_TEMPLATE).flatMap((template) => {
            const mappings = (get(template, "blockDeviceMappings") ?? []) as { deviceName?: string; ebs?: { encrypted?: unknown } }[];
            const unencrypted = mappings.filter((mapping) => mapping.ebs && !isTrue(mapping.ebs.encrypted));
            if (mappings.length > 0 && unencrypted.length === 0) return [];
            return [
                {
                    urn: template.urn,
                    message:
                        mappings.length === 0
                            ? `Launch template ${template.name} does not say how its root volume is stored, so it may be unencrypted. Fix: a blockDeviceMappings entry with ebs.encrypted "true".`
                            : `Launch template ${template.name} has unencrypted volumes (${unencrypted.map((m) => m.deviceName ?? "?").join(", ")}). Fix: ebs.encrypted "true" on every mapping.`,
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
        return ofType(resources, LAUNCH_TEMPLATE).flatMap((template) => {
            const interfaces = (get(template, "networkInterfaces") ?? []) as { associatePublicIpAddress?: unknown }[];
            return interfaces.some((networkInterface) => isTrue(networkInterface.associatePublicIpAddress))
                ? [
                      {
                          urn: template.urn,
                          message: `Launch template ${template.name} gives nodes a public IP. Fix: associatePublicIpAddress "false" (nodes reach the internet through NAT or endpoints).`,
                      },
                  ]
                : [];
        });
    },
};

const eksSecretsEncryption: Rule = {
    name: "eks-secrets-encryption",
    description: "Kubernetes secrets are envelope-encrypted with a KMS key.",
    enforcementLevel: "mandatory",
    check(resources) {
        const components = ofType(resources, EKS_COMPONENT).filter((cluster) => !get(cluster, "encryptionConfigKeyArn"));
        const clusters = ofType(resources, EKS_CLUSTER).filter((cluster) => {
            const config = get(cluster, "encryptionConfig") as { resources?: string[] } | undefined;
            return !(config?.resources ?? []).includes("secrets");
        });
        return [...components, ...clusters].map((cluster) => ({
            urn: cluster.urn,
            message: `EKS cluster ${cluster.name} stores Kubernetes secrets without envelope encryption. Fix: encryptionConfigKeyArn (a KMS key with rotation).`,
        }));
    },
};

const eksPrivateEndpoint: Rule = {
    name: "eks-private-endpoint",
    description: "The Kubernetes API is reachable from inside the VPC (private endpoint access on).",
    enforcementLevel: "mandatory",
    check(resources) {
        const off = [
            ...ofType(resources, EKS_COMPONENT).filter((cluster) => !isTrue(get(cluster, "endpointPrivateAccess"))),
            ...ofType(resources, EKS_CLUSTER).filter(
                (cluster) => !isTrue((get(cluster, "vpcConfig") as { endpointPrivateAccess?: unknown } | undefined)?.endpointPrivateAccess),
            ),
        ];
        return off.map((cluster) => ({
            urn: cluster.urn,
            message: `EKS cluster ${cluster.name} has private endpoint access off, so nodes reach the API over the internet. Fix: endpointPrivateAccess true.`,
        }));
    },
};

const logTypesOf = (cluster: PlannedResource) => (get(cluster, "enabledClusterLogTypes") ?? []) as string[];

const eksAuditLogging: Rule = {
    name: "eks-control-plane-logging",
    description: "EKS control-plane logging is on, with at least the audit log.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, EKS_COMPONENT, EKS_CLUSTER)
            .filter((cluster) => !logTypesOf(cluster).includes("audit"))
            .map((cluster) => ({
                urn: cluster.urn,
                message: `EKS cluster ${cluster.name} does not send its audit log to CloudWatch (enabled: ${logTypesOf(cluster).join(", ") || "none"}). Fix: controlPlaneLogTypes including "audit".`,
            }));
    },
};

const eksAllLogTypes: Rule = {
    name: "eks-all-control-plane-logs",
    description: "EKS sends all five control-plane log types.",
    enforcementLevel: "advisory",
    check(resources) {
        return ofType(resources, EKS_COMPONENT, EKS_CLUSTER).flatMap((cluster) => {
            const missing = CONTROL_PLANE_LOG_TYPES.filter((type) => !logTypesOf(cluster).includes(type));
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

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

/** Every ingress from anywhere, with the security group (or rule) it belongs to and its tags. */
function openIngress(resources: PlannedResource[]): { resource: PlannedResource; tags: Record<string, string> }[] {
    const open: { resource: PlannedResource; tags: Record<string, string> }[] = [];
    for (const rule of ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
        if (OPEN_CIDRS.includes(get(rule, "cidrIpv4") as string) || OPEN_CIDRS.includes(get(rule, "cidrIpv6") as string)) {
            open.push({ resource: rule, tags: (get(rule, "tags") ?? {}) as Record<string, string> });
        }
    }
    for (const rule of ofType(resources, "aws:ec2/securityGroupRule:SecurityGroupRule")) {
        const cidrs = [...((get(rule, "cidrBlocks") ?? []) as string[]), ...((get(rule, "ipv6CidrBlocks") ?? []) as string[])];
        if (get(rule, "type") === "ingress" && cidrs.some((cidr) => OPEN_CIDRS.includes(cidr))) open.push({ resource: rule, tags: {} });
    }
    for (const group of ofType(resources, "aws:ec2/securityGroup:SecurityGroup")) {
        const ingress = (get(group, "ingress") ?? []) as { cidrBlocks?: string[]; ipv6CidrBlocks?: string[] }[];
        if (
            ingress.some((rule) => [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])].some((cidr) => OPEN_CIDRS.includes(cidr)))
        ) {
            open.push({ resource: group, tags: (get(group, "tags") ?? {}) as Record<string, string> });
        }
    }
    return open;
}

const noOpenIngress: Rule = {
    name: "no-open-ingress",
    description: "No security group admits 0.0.0.0/0 (or ::/0) except a load balancer whose allow list says so.",
    enforcementLevel: "mandatory",
    check(resources) {
        const allowedOpen = new Set<string>();
        for (const { posture } of postures(resources)) {
            for (const [role, balancer] of Object.entries(posture.loadBalancers)) {
                if (balancer.allowList.includes("0.0.0.0/0")) allowedOpen.add(role);
            }
        }
        return openIngress(resources)
            .filter(({ tags }) => !allowedOpen.has(tags[LOAD_BALANCER_TAG]))
            .map(({ resource, tags }) => ({
                urn: resource.urn,
                message: tags[LOAD_BALANCER_TAG]
                    ? `${resource.name} admits the whole internet to the ${tags[LOAD_BALANCER_TAG]} load balancer, which its allow list does not say. Fix: admit only the CIDRs of its allow list.`
                    : `${resource.name} admits the whole internet. Fix: admit specific CIDRs or security groups; only a load balancer whose allow list holds 0.0.0.0/0 may be open.`,
            }));
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
        const operatorRules = openIngress(resources).filter(({ tags }) => tags[LOAD_BALANCER_TAG] === "operator");
        const endpoints = [
            ...ofType(resources, EKS_COMPONENT).map((cluster) => ({
                cluster,
                public: get(cluster, "endpointPublicAccess"),
                cidrs: get(cluster, "publicAccessCidrs"),
            })),
            ...ofType(resources, EKS_CLUSTER).map((cluster) => {
                const config = (get(cluster, "vpcConfig") ?? {}) as { endpointPublicAccess?: unknown; publicAccessCidrs?: unknown };
                return { cluster, public: config.endpointPublicAccess, cidrs: config.publicAccessCidrs };
            }),
        ].filter(
            // Unset CIDRs on a public endpoint are EKS's default: 0.0.0.0/0.
            (endpoint) =>
                isTrue(endpoint.public) && (!Array.isArray(endpoint.cidrs) || endpoint.cidrs.some((cidr) => OPEN_CIDRS.includes(cidr))),
        );
        return [
            ...operatorRules.map(({ resource }) => ({
                urn: resource.urn,
                message: `${resource.name} opens the Cortex operator to the whole internet, where any leaked key of the account can deploy. Fix: adminCidrAllowList (or operatorLoadBalancerCidrAllowList) with the CIDRs you administer from, or an internal operator.`,
            })),
            ...endpoints.map(({ cluster }) => ({
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
        return ofType(resources, "aws:lb/loadBalancer:LoadBalancer").flatMap((balancer) => {
            const tags = (get(balancer, "tags") ?? {}) as Record<string, string>;
            return ["api", "operator"].includes(tags[LOAD_BALANCER_TAG]) && tags[CLUSTER_NAME_TAG]
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

interface Statement {
    Effect?: string;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
}

const asList = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Actions that take no resource but `*`: fine on `*`. */
const UNSCOPABLE_ACTIONS = new Set<string>(ACTIONS_ONLY_ON_ANY_RESOURCE.map((action) => action.toLowerCase()));
const isReadOnly = (action: string) => /^[a-z0-9-]+:(get|list|describe|head)/i.test(action);

/** What is wrong with one IAM policy document, as sentences. */
export function policyDocumentProblems(document: string): string[] {
    let parsed: { Statement?: Statement | Statement[] };
    try {
        parsed = JSON.parse(document);
    } catch {
        return ["the policy is not valid JSON"];
    }
    const problems: string[] = [];
    for (const statement of asList(parsed.Statement as never) as unknown as Statement[]) {
        if (statement.Effect !== "Allow") continue;
        if (statement.NotAction !== undefined || statement.NotResource !== undefined)
            problems.push("an Allow with NotAction/NotResource grants everything else");
        const actions = asList(statement.Action);
        const resources = asList(statement.Resource);
        for (const action of actions) {
            const lower = action.toLowerCase();
            if (lower === "*" || lower.endsWith(":*"))
                problems.push(`it allows every action of ${lower === "*" ? "every service" : lower.split(":")[0]} (${action})`);
            if (lower.startsWith("iam:")) problems.push(`it allows the IAM action ${action}`);
            if (resources.includes("*") && !UNSCOPABLE_ACTIONS.has(lower) && !isReadOnly(action))
                problems.push(`it allows ${action} on every resource (*)`);
        }
    }
    return [...new Set(problems)];
}

const iamLeastPrivilege: Rule = {
    name: "iam-policy-least-privilege",
    description:
        "Policies the stack writes (the runtime policy among them) have no wildcard writes, no service-wide wildcards and no IAM actions.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, ...IAM_POLICY_TYPES).flatMap((policy) => {
            const document = get(policy, "policy");
            if (typeof document !== "string") return [];
            const problems = policyDocumentProblems(document);
            return problems.length === 0
                ? []
                : [
                      {
                          urn: policy.urn,
                          message: `Policy ${policy.name}: ${problems.join("; ")}. Fix: name the actions and scope writes to the resources they need.`,
                      },
                  ];
        });
    },
};

/** The resources of a type that configure a bucket (by its name, or by depending on it when the name is not yet known). */
function configurationsOf(resources: PlannedResource[], bucket: PlannedResource, type: string): PlannedResource[] {
    const names = [get(bucket, "bucket"), get(bucket, "id")].filter((name): name is string => typeof name === "string");
    return ofType(resources, type).filter(
        (configuration) =>
            names.includes(get(configuration, "bucket") as string) ||
            (configuration.propertyDependencies?.bucket ?? []).includes(bucket.urn),
    );
}

const bucketEncrypted: Rule = {
    name: "bucket-encrypted",
    description: "Every bucket has server-side encryption configured.",
    enforcementLevel: "mandatory",
    check(resources) {
        return ofType(resources, BUCKET)
            .filter((bucket) => {
                const configurations = configurationsOf(
                    resources,
                    bucket,
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                );
                return !configurations.some((configuration) => {
                    const rules = (get(configuration, "rules") ?? []) as {
                        applyServerSideEncryptionByDefault?: { sseAlgorithm?: string };
                    }[];
                    return rules.some((rule) =>
                        ["aws:kms", "AES256", "aws:kms:dsse"].includes(rule.applyServerSideEncryptionByDefault?.sseAlgorithm ?? ""),
                    );
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
        return ofType(resources, BUCKET)
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

const bucketVersioned: Rule = {
    name: "bucket-versioned",
    description: "Every bucket keeps versions, so an overwrite or delete can be undone.",
    enforcementLevel: "advisory",
    check(resources) {
        return ofType(resources, BUCKET)
            .filter(
                (bucket) =>
                    !configurationsOf(resources, bucket, "aws:s3/bucketVersioning:BucketVersioning").some(
                        (versioning) =>
                            (get(versioning, "versioningConfiguration") as { status?: string } | undefined)?.status === "Enabled",
                    ),
            )
            .map((bucket) => ({
                urn: bucket.urn,
                message: `Bucket ${bucket.name} is not versioned. Fix: a BucketVersioning with status "Enabled".`,
            }));
    },
};

const SECRET_KEY_NAME = /secret_?access_?key|^secret$/i;

/** Every (path, value) of a property tree whose key names a secret access key. */
function secretKeyProperties(value: unknown, path: string, out: { path: string; value: unknown }[]): void {
    if (value instanceof SecretValue || value === null || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (SECRET_KEY_NAME.test(key) && typeof child === "string") out.push({ path: childPath, value: child });
        else secretKeyProperties(child, childPath, out);
    }
}

const accessKeysOnlyAsSecrets: Rule = {
    name: "access-keys-only-as-secrets",
    description:
        "Secret access keys appear only as Pulumi secrets: never in tags or descriptions, and (where secretness can be seen, as in the offline plan) never as a plain value.",
    enforcementLevel: "mandatory",
    check(resources) {
        const findings: { urn: string; message: string }[] = [];
        const secrets = ofType(resources, "aws:iam/accessKey:AccessKey")
            .map((key) => get(key, "secret"))
            .filter((secret): secret is string => typeof secret === "string" && secret.length > 0);
        for (const resource of resources) {
            if (resource.type === "aws:iam/accessKey:AccessKey") continue;
            const visible = [get(resource, "tags"), get(resource, "description")];
            if (secrets.some((secret) => JSON.stringify(visible).includes(secret))) {
                findings.push({
                    urn: resource.urn,
                    message: `${resource.name} shows a secret access key in its tags or description. Fix: never put keys in tags or descriptions.`,
                });
            }
            if (!resource.secretsVisible) continue;
            const plain: { path: string; value: unknown }[] = [];
            secretKeyProperties(resource.props, "", plain);
            for (const { path } of plain) {
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
    eksSecretsEncryption,
    eksPrivateEndpoint,
    eksAuditLogging,
    eksAllLogTypes,
    noOpenIngress,
    adminPlanesNotOpen,
    loadBalancerRoleTags,
    iamLeastPrivilege,
    bucketEncrypted,
    bucketPublicAccessBlocked,
    bucketVersioned,
    accessKeysOnlyAsSecrets,
];

/** Runs every rule over a stack's resources. */
export function evaluate(resources: PlannedResource[], rules: Rule[] = RULES): Finding[] {
    return rules.flatMap((rule) =>
        rule.check(resources).map((finding) => ({ rule: rule.name, enforcementLevel: rule.enforcementLevel, ...finding })),
    );
}
