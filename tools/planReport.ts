// The offline plan's report and network diagram: pure functions over what the component
// registered under the mock cloud.
import { CORTEX_RELEASES } from "../components/cortexReleases";
import { CORTEX_SECURE_CLUSTER_TYPE } from "../components/constants";
import { DEFAULTS } from "../components/defaults";
import { apiServerAccessNotes, BridgeServiceSpec, InClusterObjectPlan, planInClusterObjects } from "../components/inCluster";
import { cortexNodeLabels } from "../components/nodeGroups";
import { CLUSTER_PARTS, clusterPartType } from "../components/parts";
import { NodeGroupSettings, Settings } from "../components/settings";
import { Finding, PlannedResource, reveal, RULES } from "../policy/rules";

/** What one offline run produced. */
export interface PlanInputs {
    stackName: string;
    /** Where the config came from, e.g. `Pulumi.dev.yaml`. */
    source: string;
    settings: Settings;
    resources: PlannedResource[];
    findings: Finding[];
    /** The encrypted (secure) settings the plan could not read, each with what stands in for it. */
    placeholders: string[];
    /** The stack program's outputs. */
    outputs: StackOutput[];
}

/** One stack output: its value, unless it is a secret. */
export interface StackOutput {
    name: string;
    secret: boolean;
    value?: unknown;
}

function outputsSection(outputs: StackOutput[]): string[] {
    return outputs.map((output) => {
        // In full: a cut cliConfigureCommand or cliEnvironment is no use to a reviewer.
        return `  ${output.name}: ${output.secret ? "[secret]" : JSON.stringify(output.value)}`;
    });
}

type Props = Record<string, unknown>;

const props = (resource: PlannedResource) => reveal(resource.props) as Props;
const ofType = (resources: PlannedResource[], type: string) => resources.filter((resource) => resource.type === type);
const list = (values: unknown) => (Array.isArray(values) && values.length > 0 ? values.join(", ") : "none");
const PART_TYPES = new Set(Object.values(CLUSTER_PARTS).map(clusterPartType));
/** A type's last name; a part's says so (`Cluster (part)` beside the EKS `Cluster`). */
const shortType = (type: string) => `${type.split(":").pop()!}${PART_TYPES.has(type) ? " (part)" : ""}`;

/** The settings of a resource that a security review reads, in a few words. */
export function securitySummary(resource: PlannedResource, all: PlannedResource[]): string {
    const p = props(resource);
    switch (resource.type) {
        case "awsx:ec2:Vpc": {
            // The mock cloud answers with the component's outputs over its inputs: natGateways is the gateways built.
            const natCount = Array.isArray(p.natGateways) ? p.natGateways.length : 0;
            const zones = Array.isArray(p.availabilityZoneNames)
                ? list(p.availabilityZoneNames)
                : `the region's first ${p.numberOfAvailabilityZones}`;
            return `cidr ${p.cidrBlock}, zones ${zones}, ${natCount} NAT gateway(s), a public and a private subnet per zone`;
        }
        case "eks:index:Cluster":
            return (
                `Kubernetes ${p.version}, private endpoint ${p.endpointPrivateAccess ? "on" : "OFF"}, public endpoint ` +
                `${p.endpointPublicAccess ? `on from ${list(p.publicAccessCidrs)}` : "off"}, secrets encrypted ${p.encryptionConfigKeyArn ? "yes" : "NO"}, ` +
                `logs ${list(p.enabledClusterLogTypes)}, auth ${p.authenticationMode}`
            );
        case "eks:index:ManagedNodeGroup": {
            const scaling = p.scalingConfig as { minSize: number; maxSize: number };
            return `${list(p.instanceTypes)} ${p.capacityType}, ${scaling.minSize}–${scaling.maxSize} nodes, subnets ${list(p.subnetIds)}`;
        }
        case "aws:ec2/launchTemplate:LaunchTemplate": {
            const metadata = p.metadataOptions as { httpTokens?: string; httpPutResponseHopLimit?: number };
            const volume = (
                p.blockDeviceMappings as { ebs: { volumeSize: number; volumeType: string; encrypted: string } }[] | undefined
            )?.[0]?.ebs;
            const interfaces = p.networkInterfaces as { associatePublicIpAddress?: string }[] | undefined;
            return (
                `IMDS tokens ${metadata?.httpTokens}, hop limit ${metadata?.httpPutResponseHopLimit}, root ${volume?.volumeSize} GiB ${volume?.volumeType} ` +
                `encrypted ${volume?.encrypted}, public IP ${interfaces?.[0]?.associatePublicIpAddress === "false" ? "never" : "per subnet"}, SSH key ${p.keyName ?? "none"}`
            );
        }
        case "aws:ec2/securityGroup:SecurityGroup":
            return `${p.description ?? ""}`;
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
            const direction = resource.type.includes("Ingress") ? "in" : "out";
            const peer = p.cidrIpv4 ?? `security group ${nameOfId(all, p.referencedSecurityGroupId as string)}`;
            return `${direction} tcp ${p.fromPort}${p.toPort !== p.fromPort ? `-${p.toPort}` : ""} ${direction === "in" ? "from" : "to"} ${peer}, on ${nameOfId(all, p.securityGroupId as string)}`;
        }
        case "aws:lb/loadBalancer:LoadBalancer":
            return `${p.internal ? "internal" : "internet-facing"} ${p.loadBalancerType}, subnets ${list(p.subnets)}, cross-zone ${p.enableCrossZoneLoadBalancing ? "on" : "off"}`;
        case "aws:lb/listener:Listener":
            return `${p.protocol} ${p.port}${p.certificateArn ? `, certificate ${p.certificateArn}, policy ${p.sslPolicy}` : ""}`;
        case "aws:lb/targetGroup:TargetGroup":
            return `${p.protocol} to NodePort ${p.port} on instances, health check ${(p.healthCheck as { protocol?: string } | undefined)?.protocol}`;
        case "aws:s3/bucket:Bucket":
            return `${p.bucket ?? p.bucketPrefix}, force destroy ${p.forceDestroy ? "yes" : "no"}`;
        case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
            return ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((key) => p[key] === true)
                ? "all public access blocked"
                : "PUBLIC ACCESS NOT FULLY BLOCKED";
        case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
            return `encryption ${(p.rules as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[])[0]?.applyServerSideEncryptionByDefault?.sseAlgorithm}`;
        case "aws:s3/bucketVersioning:BucketVersioning":
            return `versioning ${(p.versioningConfiguration as { status?: string }).status}`;
        case "aws:cloudwatch/logGroup:LogGroup":
            return `${p.name}, retention ${p.retentionInDays} days`;
        case "aws:kms/key:Key":
            return `rotation ${p.enableKeyRotation ? "on" : "OFF"}`;
        case "aws:iam/accessKey:AccessKey":
            return `for ${p.user}; secret kept as a Pulumi secret`;
        case "aws:ec2/vpcPeeringConnection:VpcPeeringConnection":
            return `to ${p.peerVpcId}${p.peerOwnerId ? ` in account ${p.peerOwnerId}` : ""}${p.peerRegion ? ` in ${p.peerRegion}` : ""}, ${p.autoAccept ? "accepted here" : "requested: the other side must accept"}`;
        case "aws:ec2/route:Route":
            return `${p.destinationCidrBlock} in ${p.routeTableId}`;
        case "aws:ec2/vpcEndpoint:VpcEndpoint":
            return `${p.vpcEndpointType} ${p.serviceName}`;
        case "aws:ec2/flowLog:FlowLog":
            return `${p.trafficType} traffic to ${p.logDestinationType}`;
        case "pulumi:providers:kubernetes":
            return "Kubernetes provider on the cluster's kubeconfig (secret)";
        case "kubernetes:core/v1:Namespace":
        case "kubernetes:core/v1:Service":
        case "kubernetes:core/v1:Secret":
        case "kubernetes:core/v1:ConfigMap":
            return kubernetesObjectLine(resource);
        default:
            return "";
    }
}

function nameOfId(resources: PlannedResource[], id: string | undefined): string {
    const match = resources.find((resource) => resource.id !== undefined && resource.id === id);
    return match ? match.name : String(id);
}

interface LoadBalancerView {
    role: string;
    scheme: string;
    subnetIds: string[];
    subnetTier: string;
    allowed: { cidr: string; ports: number[] }[];
    extraSources: string[];
    listeners: { port: number; protocol: string; nodePort: number; certificate?: string }[];
}

/** Each load balancer as registered: scheme, subnets, who its security group admits, and where it sends them. */
export function loadBalancerViews(input: PlanInputs): LoadBalancerView[] {
    const { resources } = input;
    return (["api", "operator"] as const).map((role) => {
        const balancer = resources.find(
            (r) => r.type === "aws:lb/loadBalancer:LoadBalancer" && (props(r).tags as Props)?.["cortex.dev/load-balancer"] === role,
        )!;
        const p = props(balancer);
        const securityGroupId = (p.securityGroups as string[])[0];
        const ingress = ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (rule) => props(rule).securityGroupId === securityGroupId,
        );
        const byCidr = new Map<string, number[]>();
        const extraSources: string[] = [];
        for (const rule of ingress) {
            const rp = props(rule);
            if (rp.cidrIpv4) byCidr.set(rp.cidrIpv4 as string, [...(byCidr.get(rp.cidrIpv4 as string) ?? []), rp.fromPort as number]);
            else extraSources.push(`security group ${nameOfId(resources, rp.referencedSecurityGroupId as string)} on ${rp.fromPort}`);
        }
        const arn = p.arn;
        const listeners = ofType(resources, "aws:lb/listener:Listener")
            .filter((listener) => props(listener).loadBalancerArn === arn)
            .map((listener) => {
                const lp = props(listener);
                const targetArn = (lp.defaultActions as { targetGroupArn: string }[])[0].targetGroupArn;
                const target = ofType(resources, "aws:lb/targetGroup:TargetGroup").find((group) => props(group).arn === targetArn);
                return {
                    port: lp.port as number,
                    protocol: lp.protocol as string,
                    nodePort: props(target!).port as number,
                    certificate: lp.certificateArn as string | undefined,
                };
            })
            .sort((a, b) => a.port - b.port);
        const subnetIds = p.subnets as string[];
        const vpc = ofType(resources, "awsx:ec2:Vpc")[0];
        const privateSubnets = vpc ? (props(vpc).privateSubnetIds as string[]) : input.settings.existingVpc?.privateSubnetIds;
        return {
            role,
            scheme: p.internal ? "internal" : "internet-facing",
            subnetIds,
            subnetTier: subnetIds.every((id) => (privateSubnets ?? []).includes(id)) ? "private" : "public",
            allowed: [...byCidr.entries()].map(([cidr, ports]) => ({ cidr, ports: ports.sort((a, b) => a - b) })),
            extraSources,
            listeners,
        };
    });
}

/** What the component says about itself (its `posture` output). */
function postureOf(resources: PlannedResource[]): { clusterAccess?: { creator: string; admins: string[] } } {
    const component = resources.find((resource) => resource.type === CORTEX_SECURE_CLUSTER_TYPE);
    return ((component && props(component).posture) ?? {}) as { clusterAccess?: { creator: string; admins: string[] } };
}

function reachSection(input: PlanInputs): string[] {
    const { settings, resources } = input;
    const lines: string[] = [];
    const openAdminPlanes = [
        ...(settings.operatorLoadBalancerScheme === "internet-facing" && settings.operatorLoadBalancerCidrAllowList.includes("0.0.0.0/0")
            ? ["the operator load balancer"]
            : []),
        ...(settings.clusterEndpointPublicAccess && settings.clusterEndpointPublicAccessCidrs.includes("0.0.0.0/0")
            ? ["the Kubernetes API endpoint"]
            : []),
    ];
    if (openAdminPlanes.length > 0) {
        lines.push(
            `ADVISORY: ${openAdminPlanes.join(" and ")} ${openAdminPlanes.length === 1 ? "is" : "are"} open to 0.0.0.0/0 on purpose: ` +
                "any leaked key of the account can reach the Cortex operator or try kubectl from anywhere",
        );
    }
    for (const view of loadBalancerViews(input)) {
        lines.push(
            `${view.role === "api" ? "API" : "Operator"} load balancer: ${view.scheme}, in the ${view.subnetTier} subnets (${list(view.subnetIds)})`,
        );
        for (const { cidr, ports } of view.allowed) lines.push(`  admits ${cidr} on ${ports.join(", ")}`);
        for (const source of view.extraSources) lines.push(`  admits ${source}`);
        for (const listener of view.listeners) {
            const tls =
                listener.protocol === "TLS"
                    ? `TLS terminated with ${listener.certificate}`
                    : listener.port === 443
                      ? "TLS passed through"
                      : "plain TCP";
            lines.push(
                `  ${listener.port}/${listener.protocol} -> NodePort ${listener.nodePort} on the ${view.role === "api" ? "worker" : "operator"} nodes (${tls})`,
            );
        }
    }
    const groups = ofType(resources, "eks:index:ManagedNodeGroup");
    const templates = ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate");
    const noPublicIp = templates.every(
        (template) =>
            (props(template).networkInterfaces as { associatePublicIpAddress?: string }[] | undefined)?.[0]?.associatePublicIpAddress ===
            "false",
    );
    lines.push(
        `Nodes: ${groups.map((group) => group.name).join(", ")} in the ${settings.subnetVisibility} subnets (${list(props(groups[0]).subnetIds)}); ` +
            (noPublicIp ? "no node gets a public IP" : "nodes get the public IP their subnet hands out"),
    );
    const nodeGroup = resources.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name.endsWith("-nodes"));
    const nodeRules = ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
        (rule) => nodeGroup && props(rule).securityGroupId === nodeGroup.id,
    );
    lines.push(
        `  the nodes admit load balancer traffic only from: ${nodeRules.map((rule) => `${nameOfId(resources, props(rule).referencedSecurityGroupId as string)} on ${props(rule).fromPort}`).join("; ") || "nothing"}`,
    );
    const cluster = props(ofType(resources, "eks:index:Cluster")[0]);
    lines.push(
        `Kubernetes API endpoint: private access ${cluster.endpointPrivateAccess ? "on" : "OFF"}; public access ${cluster.endpointPublicAccess ? `on from ${list(cluster.publicAccessCidrs)}` : "off"}`,
    );
    if (settings.apiGateway) {
        const throttling = `throttled to ${settings.apiGatewayThrottling.rateLimit}/s (burst ${settings.apiGatewayThrottling.burstLimit})`;
        lines.push(
            "API Gateway: HTTP API -> VPC link in the private subnets -> API load balancer port 80 (callers see AWS's certificate); " +
                (settings.apiGatewayAuthorization === "iam"
                    ? `callers sign with IAM (execute-api:Invoke); ${throttling}`
                    : `PUBLIC WITH NO AUTHORIZATION: anyone on the internet may call it; ${throttling}`),
        );
    }
    for (const connection of ofType(resources, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")) {
        const cp = props(connection);
        const routes = ofType(resources, "aws:ec2/route:Route").filter((route) => props(route).vpcPeeringConnectionId === connection.id);
        const peerCidr = (cp.tags as Props)["cortex.dev/peer-cidr"];
        const back = routes.filter((route) => props(route).destinationCidrBlock !== peerCidr);
        const distinct = (key: string) => new Set(back.map((route) => JSON.stringify(props(route)[key]))).size;
        lines.push(
            `Peer ${peerCidr} (${cp.peerVpcId}): ${cp.autoAccept ? "accepted here" : "requested; its owner must accept"}; ` +
                `routes in ${routes.length - back.length} cluster route tables; ` +
                `routes back to ${distinct("destinationCidrBlock")} cluster subnets from ${distinct("routeTableId")} peer route tables`,
        );
    }
    return lines;
}

function statementLines(document: unknown, indent: string): string[] {
    const parsed = (typeof document === "string" ? JSON.parse(document) : document) as {
        Statement: { Effect: string; Action: string | string[]; Resource: string | string[] }[];
    };
    const asList = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
    return parsed.Statement.map(
        (statement) => `${indent}${statement.Effect} ${asList(statement.Action).join(", ")} on ${asList(statement.Resource).join(", ")}`,
    );
}

/** Everyone with Kubernetes admin rights: the creator (given by EKS) and clusterAdmins. */
function clusterAdminLines(resources: PlannedResource[]): string[] {
    const access = postureOf(resources).clusterAccess;
    return [
        "Kubernetes cluster admins (EKS access entries, AmazonEKSClusterAdminPolicy):",
        ...(access
            ? [
                  `  ${access.creator}: the cluster's creator (whoever runs pulumi up), given admin by EKS; it stays admin until its access entry is deleted`,
                  ...access.admins.map((admin) => `  ${admin}: clusterAdmins`),
              ]
            : []),
        "  the node role: EKS's node access entry, so nodes can join (no admin rights)",
    ];
}

function identitySection(input: PlanInputs): string[] {
    const { resources, settings } = input;
    const lines: string[] = [];
    const runtimePolicy = resources.find((r) => r.type === "aws:iam/policy:Policy" && r.name.endsWith("-runtime"));
    const mode = settings.runtimeCredentials.mode;
    const who = {
        iamUser: "an IAM user in its own group (the policy is on the group), one access key, no console login",
        provided: "keys made elsewhere, passed through as secrets; the policy is created for their owner to attach",
        serviceAccountRole: `a role only the service account ${settings.runtimeCredentials.namespace ?? DEFAULTS.serviceAccount.namespace}/${settings.runtimeCredentials.serviceAccount ?? DEFAULTS.serviceAccount.serviceAccount} may assume, through the cluster's OIDC provider; no keys (no Cortex release uses it without a customised operator)`,
        nodeRole:
            "the nodes' role, which carries the runtime policy; no keys. Pods reach it through the instance metadata service (hop limit 2): any pod on a node can use these permissions",
    }[mode];
    lines.push(`Runtime identity (runtimeCredentials ${mode}): ${who}. It may:`);
    if (runtimePolicy) lines.push(...statementLines(props(runtimePolicy).policy, "  "));
    lines.push(
        settings.cliUser
            ? "CLI user: an IAM user with no permissions at all and one access key (the operator only checks who calls)"
            : "CLI user: none (cliUser is off)",
    );
    const nodePolicies = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((attachment) => attachment.name.includes("-nodes-"))
        .map((attachment) => String(props(attachment).policyArn).split("/").pop());
    lines.push(
        mode === "nodeRole"
            ? `Node role: EC2 instances of the cluster, with ${nodePolicies.join(", ")} and the runtime policy; pods reach it (IMDSv2, hop limit 2)`
            : `Node role: EC2 instances of the cluster, with ${nodePolicies.join(", ")}; pods cannot reach it (IMDSv2, hop limit 1)`,
    );
    const flowLogPolicy = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.endsWith("-flow-logs"));
    if (flowLogPolicy)
        lines.push(
            "Flow logs role: trusted by vpc-flow-logs.amazonaws.com only; may:",
            ...statementLines(props(flowLogPolicy).policy, "  "),
        );
    lines.push(...clusterAdminLines(resources));
    return lines;
}

/** The release, and what its operator and pods look for: node groups, labels, taints, the runtime identity. */
function cortexSection(input: PlanInputs): string[] {
    const { settings } = input;
    const release = CORTEX_RELEASES[settings.cortexVersion];
    const groups: [NodeGroupSettings, "operator" | "worker"][] = [
        [settings.operatorNodeGroup, "operator"],
        ...settings.nodeGroups.map((group): [NodeGroupSettings, "worker"] => [group, "worker"]),
    ];
    const lines = [`Built for Cortex ${settings.cortexVersion} (read from Cortex ${release.tag}).`];
    for (const [group, role] of groups) {
        const { name, labels, taints } = cortexNodeLabels(settings.cortexVersion, group, role);
        const taintText = taints.length > 0 ? taints.map((taint) => `${taint.key}=${taint.value}:NoSchedule`).join(", ") : "none";
        lines.push(
            `Node group ${name} (${role}, ${group.instanceType}, ${group.minInstances}–${group.maxInstances}${group.spot ? ", spot" : ""}):`,
        );
        lines.push(
            `  labels ${Object.entries(labels)
                .map(([key, value]) => `${key}=${value}`)
                .join(", ")}; taints ${taintText}`,
        );
    }
    lines.push(
        release.runtimeIdentity === "keysSecret"
            ? "Runtime identity: Cortex reads its keys from the Secret default/aws-credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)."
            : "Runtime identity: Cortex uses the nodes' role; no keys.",
    );
    return lines;
}

/** One in-cluster object in a line: a Secret only by name and keys, never its values. */
function objectLine(object: InClusterObjectPlan): string {
    switch (object.kind) {
        case "Namespace":
            return `Namespace ${object.name} (kept on delete: Cortex's gateways live there too)`;
        case "Service": {
            const selects = Object.entries(object.selector)
                .map(([key, value]) => `${key}=${value}`)
                .join(", ");
            const ports = object.ports
                .map((port) => `${port.name} ${port.port}->${port.targetPort} on NodePort ${port.nodePort}`)
                .join("; ");
            return `Service ${object.namespace}/${object.name}: ${object.type}, selects ${selects} (Cortex's ${object.gateway} gateway pods); ${ports}; externalTrafficPolicy ${object.externalTrafficPolicy}`;
        }
        case "Secret":
            return `Secret ${object.namespace}/${object.name}: keys ${object.keys.join(", ")} (the runtime keys; values secret, not shown)`;
        case "ConfigMap":
            return `ConfigMap ${object.namespace}/${object.name}: key ${object.keys.join(", ")} (cortexClusterConfig)`;
    }
}

/** A value the mock monitor recorded with its secret marker, unwrapped (only its keys are ever shown). */
function unwrapSecret(value: unknown): Props {
    const record = (value ?? {}) as Props;
    return record["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270" ? (record.value as Props) : record;
}

/** A registered Kubernetes object as the plan shows it, read back from its inputs. */
function kubernetesObjectLine(resource: PlannedResource): string {
    const p = props(resource);
    const metadata = p.metadata as { name: string; namespace?: string };
    const kind = resource.type.split(":").pop()!;
    switch (kind) {
        case "Namespace":
            return objectLine({ kind, name: metadata.name });
        case "Service": {
            const spec = p.spec as BridgeServiceSpec;
            const gateway = String(spec.selector.istio ?? "").replace("ingressgateway-", "") as "apis" | "operator";
            return objectLine({
                kind,
                gateway,
                namespace: metadata.namespace!,
                name: metadata.name,
                cortexService: "",
                ...spec,
            });
        }
        case "Secret":
            return objectLine({
                kind,
                namespace: metadata.namespace!,
                name: metadata.name,
                keys: Object.keys(unwrapSecret(p.stringData)),
            });
        default:
            return objectLine({
                kind: "ConfigMap",
                namespace: metadata.namespace!,
                name: metadata.name,
                keys: Object.keys((p.data ?? {}) as Props),
            });
    }
}

/** What the component makes inside the cluster, how `pulumi up` reaches it, and the second door Cortex would open. */
function inClusterSection(input: PlanInputs): string[] {
    const { settings, resources } = input;
    const objects = resources.filter((resource) => resource.type.startsWith("kubernetes:"));
    const lines: string[] = [];
    if (settings.inClusterObjects) {
        lines.push("Through a Kubernetes provider on the cluster's own kubeconfig:");
        for (const object of objects) lines.push(`  ${kubernetesObjectLine(object)}`);
        lines.push("Reaching the API server during `pulumi up`:", ...apiServerAccessNotes(settings).map((note) => `  ${note}`));
    } else {
        lines.push("Nothing (inClusterObjects is off). Make these by hand, or Cortex finds no traffic and no credentials:");
        for (const object of planInClusterObjects({ ...settings, inClusterObjects: true })) lines.push(`  ${objectLine(object)}`);
    }
    const gateways = CORTEX_RELEASES[settings.cortexVersion].ingressGateways;
    lines.push(
        `Risk: Cortex's own gateway Services ${gateways.namespace}/${gateways.operator.serviceName} and ${gateways.namespace}/${gateways.apis.serviceName} are ` +
            "of type LoadBalancer: installed as Cortex ships them, the cloud provider opens a second load balancer for each, outside these allow lists. " +
            'Install them as ClusterIP Services (see the README, "Inside the cluster").',
    );
    return lines;
}

function findingsSection(findings: Finding[]): string[] {
    if (findings.length === 0) return [`No findings: all ${RULES.length} rules of the policy pack pass.`];
    return findings.map((finding) => `[${finding.enforcementLevel}] ${finding.rule}: ${finding.message}`);
}

/** The whole printed plan. */
export function renderPlan(input: PlanInputs, diagramPath: string): string {
    const resourceLines = input.resources.map((resource) => {
        const summary = securitySummary(resource, input.resources);
        return `  ${shortType(resource.type).padEnd(28)} ${resource.name}${summary ? `: ${summary}` : ""}`;
    });
    const sections: [string, string[]][] = [
        [`Resources it would create (${input.resources.length})`, resourceLines],
        ["Who can reach what", reachSection(input)],
        ["Identities and what they may do", identitySection(input)],
        [`What Cortex ${CORTEX_RELEASES[input.settings.cortexVersion].tag} will find`, cortexSection(input)],
        ["Inside the cluster", inClusterSection(input)],
        ["Policy pack findings", findingsSection(input.findings)],
        ["Stack outputs (placeholders where AWS computes them)", outputsSection(input.outputs)],
        ["Network diagram", [`Mermaid diagram written to ${diagramPath}`]],
    ];
    const header = [
        `OFFLINE PLAN of stack "${input.stackName}" (${input.source})`,
        "This is an offline plan: the component ran under Pulumi's mocks with this stack's config. Nothing was deployed,",
        "and no AWS account, Pulumi CLI or provider was used. Ids, ARNs and DNS names are placeholders from the mock cloud.",
        ...(input.placeholders.length > 0
            ? [`Encrypted config values cannot be read offline; placeholders stand in for: ${input.placeholders.join(", ")}.`]
            : []),
    ];
    return [...header, ...sections.flatMap(([title, lines]) => ["", `== ${title} ==`, ...lines])].join("\n") + "\n";
}

const mermaidText = (text: string) => text.replace(/"/g, "'");

/** A Mermaid node id for a source of traffic: the internet, a peer, the VPC, or a CIDR of its own. */
function sourceNode(cidr: string, settings: Settings, lines: string[], declared: Set<string>): string {
    const peerIndex = settings.vpcPeering.findIndex((peer) => peer.cidrBlock === cidr);
    if (cidr === "0.0.0.0/0") return "internet";
    if (peerIndex >= 0) return `peer${peerIndex}`;
    if (cidr === settings.vpcCidr) return "vpc";
    const id = `src_${cidr.replace(/[./]/g, "_")}`;
    if (!declared.has(id)) {
        declared.add(id);
        lines.push(`  ${id}["${cidr}"]`);
    }
    return id;
}

/**
 * A Mermaid flowchart of who reaches which load balancer and the Kubernetes API, where the nodes
 * live, the NAT gateways they leave through, and the peers. A subnet tier with nothing of the
 * component's in it is left out rather than drawn as an empty box.
 */
export function renderDiagram(input: PlanInputs): string {
    const { settings, resources } = input;
    const views = loadBalancerViews(input);
    const vpc = ofType(resources, "awsx:ec2:Vpc")[0];
    const natCount = vpc && Array.isArray(props(vpc).natGateways) ? (props(vpc).natGateways as unknown[]).length : 0;
    const cluster = props(ofType(resources, "eks:index:Cluster")[0]);
    const nodeGroups = [settings.operatorNodeGroup.name, ...settings.nodeGroups.map((group) => group.name)];

    const lines = ["flowchart LR", `  internet(("Internet"))`];
    lines.push(`  subgraph vpc["VPC ${settings.vpcCidr}"]`);
    for (const tier of ["public", "private"]) {
        const members = views
            .filter((view) => view.subnetTier === tier)
            .map((view) => `      ${view.role}Lb["${view.role} NLB (${view.scheme})"]`);
        if (settings.subnetVisibility === tier) members.push(`      nodes["nodes: ${nodeGroups.join(", ")}"]`);
        if (tier === "public" && natCount > 0)
            members.push(`      nat["NAT gateway${natCount > 1 ? `s (${natCount}, one per zone)` : ""}"]`);
        if (tier === "private" && settings.apiGateway) members.push(`      vpcLink["API Gateway VPC link"]`);
        if (members.length > 0) lines.push(`    subgraph ${tier}["${tier} subnets"]`, ...members, "    end");
    }
    lines.push(`    eksApi["Kubernetes API endpoint (private access ${cluster.endpointPrivateAccess ? "on" : "off"})"]`);
    lines.push("  end");
    settings.vpcPeering.forEach((peer, index) => lines.push(`  peer${index}["peer VPC ${peer.cidrBlock}"]`));
    if (settings.apiGateway)
        lines.push(
            `  apiGateway["API Gateway (AWS certificate)"]`,
            `  internet --> apiGateway`,
            `  apiGateway --> vpcLink`,
            `  vpcLink -- ":80" --> apiLb`,
        );

    const declared = new Set<string>();
    const edges: string[] = [];
    for (const view of views) {
        for (const { cidr, ports } of view.allowed) {
            edges.push(
                `  ${sourceNode(cidr, settings, lines, declared)} -- "${mermaidText(`${cidr} :${ports.join(",")}`)}" --> ${view.role}Lb`,
            );
        }
        const nodePorts = [...new Set(view.listeners.map((listener) => `:${listener.nodePort}`))];
        edges.push(`  ${view.role}Lb -- "${nodePorts.join(",")}" --> nodes`);
    }
    // Who reaches the Kubernetes API: the nodes privately, and the public endpoint's allow list.
    if (cluster.endpointPrivateAccess) edges.push(`  nodes -- "private :443" --> eksApi`);
    if (cluster.endpointPublicAccess) {
        for (const cidr of (cluster.publicAccessCidrs as string[] | undefined) ?? ["0.0.0.0/0"]) {
            edges.push(`  ${sourceNode(cidr, settings, lines, declared)} -- "${mermaidText(`${cidr} :443 public`)}" --> eksApi`);
        }
    }
    // How the nodes reach the internet: through the NAT gateways when private, directly when public.
    if (settings.subnetVisibility === "private" && natCount > 0) edges.push(`  nodes -- "egress" --> nat`, `  nat --> internet`);
    if (settings.subnetVisibility === "public") edges.push(`  nodes -- "egress" --> internet`);
    return [...lines, ...edges].join("\n") + "\n";
}
