// The Pulumi engine's view of a stack, derived from a mock run: what a stack policy receives.
// Custom resources show their outputs; the remote components (awsx.ec2.Vpc, eks.Cluster,
// eks.ManagedNodeGroup) show their outputs and, as separate resources, the children their
// providers register (read from pulumi-awsx and pulumi-eks 4.3.0), with @pulumi/aws property
// names. On a first preview every value computed on create is unknown, and so is every input
// built from one, encoded as the analyzer protocol encodes it.
import { createHash } from "node:crypto";
import { EngineResource, PlannedResource, plannedFrom, UNKNOWN_SENTINEL } from "../policy/rules";
import { RecordedResource, withoutResourceObjects } from "./mockCloud";

type Props = Record<string, unknown>;

/** One resource of the view, with what a first preview would not know yet. */
interface ViewNode extends Pick<EngineResource, "type" | "name" | "urn" | "parent" | "props"> {
    custom: boolean;
    deps: Record<string, string[]>;
    /** Top-level properties the provider computes on create. */
    computed: string[];
    /** Values computed on create that sit inside other properties. */
    extraComputed?: unknown[];
    /** Properties the registering program builds in an apply: wholly unknown when any part is. */
    applied?: string[];
}

const REMOTE_COMPONENTS = ["awsx:ec2:Vpc", "eks:index:Cluster", "eks:index:ManagedNodeGroup"];
/** State keys the mock fills that the provider knows before create (autonames, the provider's region). */
const KNOWN_BEFORE_CREATE = new Set(["name", "region", "tagsAll"]);
/** Optional properties the provider computes when left unset (they then mirror separately managed rules). */
const COMPUTED_WHEN_UNSET: Record<string, string[]> = {
    "aws:ec2/securityGroup:SecurityGroup": ["ingress", "egress"],
    "aws:iam/role:Role": ["inlinePolicies", "managedPolicyArns"],
    "aws:ec2/routeTable:RouteTable": ["routes"],
};
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";

/** The engine's URN scheme: a child's type is qualified by its parent's. */
function childUrn(parentUrn: string, type: string, name: string): string {
    const [prefix, project, qualifiedType] = parentUrn.split("::");
    return `${prefix}::${project}::${qualifiedType}$${type}::${name}`;
}

const withoutUndefined = (props: Props): Props => JSON.parse(JSON.stringify(props)) as Props;
const sha1 = (value: string, length: number) => createHash("sha1").update(value).digest("hex").slice(0, length);

function node(parent: string, type: string, name: string, props: Props, extra: Partial<ViewNode> = {}): ViewNode {
    return {
        type,
        name,
        urn: childUrn(parent, type, name),
        parent,
        custom: true,
        props: withoutUndefined(props),
        deps: {},
        computed: ["id"],
        ...extra,
    };
}

/** awsx.ec2.Vpc: the VPC, its internet gateway, per zone and tier a subnet with its route table, association and default route, NAT gateways with their EIPs. */
function expandVpc(record: RecordedResource): ViewNode[] {
    const inputs = record.inputs as Props;
    const state = record.state as {
        vpcId: string;
        subnets: { id: string; availabilityZone: string; type: string }[];
        routeTables: { id: string }[];
        routeTableAssociations: { id: string }[];
        natGateways: { id: string; subnetId: string }[];
        eips: { id: string }[];
        internetGateway: { id: string };
    };
    const name = record.name;
    const tags = (inputs.tags ?? {}) as Props;
    const shared = { Name: name, ...tags };
    // Given zones, or the ones awsx picked (numberOfAvailabilityZones): those of its subnets.
    const zones = (inputs.availabilityZoneNames as string[] | undefined) ?? [
        ...new Set(((state as { subnets?: { availabilityZone: string }[] }).subnets ?? []).map((subnet) => subnet.availabilityZone)),
    ];
    const specs = (inputs.subnetSpecs ?? []) as { type: string; name?: string; tags?: Props }[];
    const strategy = String((inputs.natGateways as { strategy?: string } | undefined)?.strategy ?? "OnePerAz").toLowerCase();

    const vpc = node(
        record.urn,
        "aws:ec2/vpc:Vpc",
        name,
        {
            id: state.vpcId,
            cidrBlock: inputs.cidrBlock,
            enableDnsHostnames: inputs.enableDnsHostnames,
            enableDnsSupport: inputs.enableDnsSupport,
            instanceTenancy: "default",
            tags: shared,
        },
        { computed: ["id", "arn", "defaultSecurityGroupId", "mainRouteTableId"] },
    );
    const gateway = node(
        vpc.urn,
        "aws:ec2/internetGateway:InternetGateway",
        name,
        { id: state.internetGateway.id, vpcId: state.vpcId, tags: shared },
        { deps: { vpcId: [vpc.urn] } },
    );
    const nodes: ViewNode[] = [vpc, gateway];
    const natByZone = new Map<number, ViewNode>();
    const privateRoutes: { zone: number; table: ViewNode; subnetName: string }[] = [];

    state.subnets.forEach((subnet, index) => {
        const zone = zones.indexOf(subnet.availabilityZone);
        const spec = specs.find((candidate) => candidate.type === subnet.type) ?? { type: subnet.type };
        const subnetName = `${name}-${spec.name ?? spec.type.toLowerCase()}-${zone + 1}`;
        const isPublic = subnet.type === "Public";
        const subnetNode = node(
            vpc.urn,
            "aws:ec2/subnet:Subnet",
            subnetName,
            {
                id: subnet.id,
                vpcId: state.vpcId,
                availabilityZone: subnet.availabilityZone,
                mapPublicIpOnLaunch: isPublic,
                assignIpv6AddressOnCreation: false,
                tags: { ...shared, ...(spec.tags ?? {}), Name: subnetName, SubnetType: subnet.type },
            },
            { deps: { vpcId: [vpc.urn] }, computed: ["id", "arn"] },
        );
        const table = node(
            subnetNode.urn,
            "aws:ec2/routeTable:RouteTable",
            subnetName,
            { id: state.routeTables[index].id, vpcId: state.vpcId, tags: { ...shared, Name: subnetName, SubnetType: subnet.type } },
            { deps: { vpcId: [vpc.urn] }, computed: ["id", "arn", "routes"] },
        );
        const association = node(
            table.urn,
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            subnetName,
            { id: state.routeTableAssociations[index].id, routeTableId: table.props.id, subnetId: subnet.id },
            { deps: { routeTableId: [table.urn], subnetId: [subnetNode.urn] } },
        );
        nodes.push(subnetNode, table, association);
        const nat = state.natGateways.find((candidate) => candidate.subnetId === subnet.id);
        if (isPublic && nat) {
            const eipId = state.eips[state.natGateways.indexOf(nat)]?.id ?? `eipalloc-${sha1(nat.id, 17)}`;
            const eip = node(
                subnetNode.urn,
                "aws:ec2/eip:Eip",
                `${name}-${zone + 1}`,
                { id: eipId, allocationId: eipId, domain: "vpc", tags: { ...tags, Name: `${name}-${zone + 1}` } },
                { computed: ["id", "allocationId", "publicIp"] },
            );
            const natNode = node(
                subnetNode.urn,
                "aws:ec2/natGateway:NatGateway",
                `${name}-${zone + 1}`,
                {
                    id: nat.id,
                    subnetId: subnet.id,
                    allocationId: eipId,
                    connectivityType: "public",
                    tags: { ...tags, Name: `${name}-${zone + 1}` },
                },
                { deps: { subnetId: [subnetNode.urn], allocationId: [eip.urn] } },
            );
            nodes.push(eip, natNode);
            natByZone.set(zone, natNode);
        }
        if (isPublic) {
            nodes.push(
                node(
                    table.urn,
                    "aws:ec2/route:Route",
                    subnetName,
                    { routeTableId: table.props.id, gatewayId: state.internetGateway.id, destinationCidrBlock: "0.0.0.0/0" },
                    { deps: { routeTableId: [table.urn], gatewayId: [gateway.urn] } },
                ),
            );
        } else if (strategy !== "none") {
            privateRoutes.push({ zone, table, subnetName });
        }
    });
    // Private subnets route through their zone's NAT gateway (or the single one).
    for (const { zone, table, subnetName } of privateRoutes) {
        const nat = strategy === "single" ? [...natByZone.values()][0] : natByZone.get(zone);
        if (!nat) continue;
        nodes.push(
            node(
                table.urn,
                "aws:ec2/route:Route",
                subnetName,
                { routeTableId: table.props.id, natGatewayId: nat.props.id, destinationCidrBlock: "0.0.0.0/0" },
                { deps: { routeTableId: [table.urn], natGatewayId: [nat.urn] } },
            ),
        );
    }
    return nodes;
}

const AWS_NODE_GROUP_PROPERTIES = [
    "amiType",
    "capacityType",
    "diskSize",
    "forceUpdateVersion",
    "instanceTypes",
    "labels",
    "launchTemplate",
    "nodeGroupName",
    "nodeGroupNamePrefix",
    "nodeRoleArn",
    "releaseVersion",
    "remoteAccess",
    "scalingConfig",
    "subnetIds",
    "tags",
    "taints",
    "updateConfig",
    "version",
];

/**
 * eks.Cluster with no default node group, no default security groups, access-entry
 * authentication, KMS encryption and an OIDC provider: its service role (a ServiceRole component
 * with the role and one managed policy attachment), the aws.eks.Cluster, the kube-proxy and
 * vpc-cni add-ons, the Kubernetes provider and the OIDC provider.
 */
function expandCluster(record: RecordedResource): ViewNode[] {
    const inputs = record.inputs as Props;
    const state = record.state as {
        eksCluster: Props;
        core: { clusterIamRole: { id: string; arn: string } };
        kubeconfigJson: string;
        oidcProviderArn: string;
        oidcIssuer: string;
        clusterSecurityGroupId: string;
    };
    const deps = record.options.propertyDependencies;
    const name = record.name;
    const tags = inputs.tags as Props | undefined;
    const serviceRole: ViewNode = {
        ...node(record.urn, "eks:index:ServiceRole", `${name}-eksRole`, {}),
        custom: false,
        computed: [],
    };
    const role = node(
        serviceRole.urn,
        "aws:iam/role:Role",
        `${name}-eksRole-role`,
        {
            id: state.core.clusterIamRole.id,
            arn: state.core.clusterIamRole.arn,
            description: "Allows EKS to manage clusters on your behalf.",
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Action: ["sts:AssumeRole", "sts:TagSession"], Effect: "Allow", Principal: { Service: ["eks.amazonaws.com"] } },
                ],
            }),
            tags,
        },
        { computed: ["id", "arn", "uniqueId", "inlinePolicies", "managedPolicyArns"] },
    );
    const policyArn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy";
    const attachment = node(
        serviceRole.urn,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        `${name}-eksRole-${sha1(policyArn, 8)}`,
        { id: `${state.core.clusterIamRole.id}-${sha1(policyArn, 20)}`, policyArn, role: state.core.clusterIamRole.id },
        { deps: { role: [role.urn] } },
    );
    const cluster = node(
        record.urn,
        "aws:eks/cluster:Cluster",
        `${name}-eksCluster`,
        {
            id: state.eksCluster.id,
            arn: state.eksCluster.arn,
            name: inputs.name,
            roleArn: state.core.clusterIamRole.arn,
            version: inputs.version,
            vpcConfig: {
                subnetIds: inputs.subnetIds,
                endpointPrivateAccess: inputs.endpointPrivateAccess,
                endpointPublicAccess: inputs.endpointPublicAccess,
                publicAccessCidrs: inputs.publicAccessCidrs,
                // With skipDefaultSecurityGroups the component's clusterSecurityGroupId is the one EKS creates.
                clusterSecurityGroupId: state.clusterSecurityGroupId,
                vpcId: inputs.vpcId,
            },
            enabledClusterLogTypes: inputs.enabledClusterLogTypes,
            encryptionConfig: inputs.encryptionConfigKeyArn
                ? { provider: { keyArn: inputs.encryptionConfigKeyArn }, resources: ["secrets"] }
                : undefined,
            accessConfig: inputs.authenticationMode
                ? { authenticationMode: inputs.authenticationMode, bootstrapClusterCreatorAdminPermissions: true }
                : undefined,
            bootstrapSelfManagedAddons: true,
            tags: { Name: `${name}-eksCluster`, ...(tags ?? {}) },
            endpoint: state.eksCluster.endpoint,
            identities: state.eksCluster.identities,
            certificateAuthority: state.eksCluster.certificateAuthority,
            status: "ACTIVE",
        },
        {
            computed: ["id", "arn", "endpoint", "identities", "certificateAuthority", "status"],
            extraComputed: [state.clusterSecurityGroupId],
            deps: {
                roleArn: [role.urn],
                vpcConfig: [...(deps.subnetIds ?? []), ...(deps.vpcId ?? []), ...(deps.publicAccessCidrs ?? [])],
                encryptionConfig: deps.encryptionConfigKeyArn ?? [],
            },
            applied: ["encryptionConfig"],
        },
    );
    const addon = (parent: string, addonName: string, addonResource: string) =>
        node(
            parent,
            "aws:eks/addon:Addon",
            addonResource,
            {
                id: `${inputs.name}:${addonName}`,
                clusterName: inputs.name,
                addonName,
                preserve: true,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags,
            },
            { deps: { clusterName: [cluster.urn] }, computed: ["id", "arn", "addonVersion"] },
        );
    const cni: ViewNode = { ...node(record.urn, "eks:index:VpcCniAddon", `${name}-vpc-cni`, {}), custom: false, computed: [] };
    const kubernetes = node(
        record.urn,
        "pulumi:providers:kubernetes",
        `${name}-eks-k8s`,
        { kubeconfig: state.kubeconfigJson },
        { computed: ["id", "kubeconfig"], custom: true },
    );
    const oidc = node(
        record.urn,
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        `${name}-oidcProvider`,
        {
            id: state.oidcProviderArn,
            arn: state.oidcProviderArn,
            url: state.oidcIssuer,
            clientIdLists: ["sts.amazonaws.com"],
            thumbprintLists: ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
        },
        { deps: { url: [cluster.urn] }, computed: ["id", "arn"] },
    );
    return [
        serviceRole,
        role,
        attachment,
        cluster,
        addon(record.urn, "kube-proxy", `${name}-kube-proxy`),
        kubernetes,
        cni,
        addon(cni.urn, "vpc-cni", `${name}-vpc-cni`),
        oidc,
    ];
}

/** eks.ManagedNodeGroup given a launch template: one aws.eks.NodeGroup of the same name, the inputs passed through. */
function expandNodeGroup(record: RecordedResource, records: RecordedResource[]): ViewNode[] {
    const inputs = withoutResourceObjects(record.inputs) as Props;
    const state = (record.state as { nodeGroup: Props }).nodeGroup;
    const deps = record.options.propertyDependencies;
    const clusterUrn = (deps.cluster ?? [])[0];
    const clusterRecord = records.find((candidate) => candidate.urn === clusterUrn);
    const props: Props = Object.fromEntries(AWS_NODE_GROUP_PROPERTIES.map((key) => [key, inputs[key]]));
    return [
        node(
            record.urn,
            "aws:eks/nodeGroup:NodeGroup",
            record.name,
            {
                ...props,
                id: state.id,
                arn: state.arn,
                clusterName: clusterRecord?.inputs.name,
                status: state.status,
                resources: state.resources,
            },
            {
                deps: {
                    ...Object.fromEntries(AWS_NODE_GROUP_PROPERTIES.map((key) => [key, deps[key] ?? []])),
                    clusterName: clusterUrn ? [childUrn(clusterUrn, "aws:eks/cluster:Cluster", `${clusterRecord?.name}-eksCluster`)] : [],
                },
                computed: ["id", "arn", "status", "resources"],
            },
        ),
    ];
}

function recordNode(record: RecordedResource): ViewNode {
    const deps = record.options.propertyDependencies;
    if (record.options.custom) {
        const inputs = record.inputs as Props;
        const state = record.state as Props;
        const computed = [
            "id",
            ...Object.keys(state).filter((key) => !(key in inputs) && !KNOWN_BEFORE_CREATE.has(key)),
            ...(COMPUTED_WHEN_UNSET[record.type] ?? []).filter((key) => !(key in inputs)),
        ];
        return {
            type: record.type,
            name: record.name,
            urn: record.urn,
            parent: record.options.parent || undefined,
            custom: true,
            props: withoutUndefined(withoutResourceObjects({ ...inputs, ...state, id: record.id || undefined }) as Props),
            deps,
            computed,
        };
    }
    // A component shows its outputs: a remote one what its provider returned, a local one what it registered.
    const outputs = (REMOTE_COMPONENTS.includes(record.type) ? withoutResourceObjects(record.state) : (record.outputs ?? {})) as Props;
    const everything = [record.urn, ...Object.values(deps).flat()];
    return {
        type: record.type,
        name: record.name,
        urn: record.urn,
        parent: record.options.parent || undefined,
        custom: false,
        props: withoutUndefined(outputs),
        deps: Object.fromEntries(Object.keys(outputs).map((key) => [key, everything])),
        computed: [],
    };
}

function leaves(value: unknown, out: string[]): void {
    if (typeof value === "string" || typeof value === "number") out.push(String(value));
    else if (Array.isArray(value)) value.forEach((child) => leaves(child, out));
    else if (value !== null && typeof value === "object") Object.values(value).forEach((child) => leaves(child, out));
}

/** Replaces every value built from a computed one with the unknown sentinel; a list of unknowns becomes one unknown, as the SDK sends it. */
function unknownify(value: unknown, exact: Set<string>, contained: string[]): unknown {
    if (typeof value === "string")
        return exact.has(value) || contained.some((computed) => value.includes(computed)) ? UNKNOWN_SENTINEL : value;
    if (Array.isArray(value)) {
        const items = value.map((item) => unknownify(item, exact, contained));
        return items.length > 0 && items.every((item) => item === UNKNOWN_SENTINEL) ? UNKNOWN_SENTINEL : items;
    }
    if (value === null || typeof value !== "object") return value;
    const record = value as Props;
    if (SIGNATURE_KEY in record) return { ...record, value: unknownify(record.value, exact, contained) };
    return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, unknownify(child, exact, contained)]));
}

const hasSentinel = (value: unknown): boolean => {
    const found: string[] = [];
    leaves(value, found);
    return found.includes(UNKNOWN_SENTINEL);
};

/**
 * The engine's view of a mock run's resources. `firstPreview`: nothing exists yet, so whatever
 * the providers compute on create is unknown; otherwise every value is known (a preview of an
 * existing stack, or the offline plan).
 */
export function engineView(records: RecordedResource[], options: { firstPreview: boolean }): EngineResource[] {
    const nodes: ViewNode[] = [];
    for (const record of records) {
        nodes.push(recordNode(record));
        if (record.type === "awsx:ec2:Vpc") nodes.push(...expandVpc(record));
        if (record.type === "eks:index:Cluster") nodes.push(...expandCluster(record));
        if (record.type === "eks:index:ManagedNodeGroup") nodes.push(...expandNodeGroup(record, records));
    }
    const byUrn = new Map(nodes.map((entry) => [entry.urn, entry]));

    // What each resource computes on create: its own computed values, or a component's children's.
    const ownComputed = (entry: ViewNode): string[] => {
        const computedValues: string[] = [];
        for (const key of entry.computed) leaves(entry.props[key], computedValues);
        // A value also given as an input (an id that equals the given name) is known before create.
        const knownValues: string[] = [];
        for (const [key, value] of Object.entries(entry.props)) if (!entry.computed.includes(key)) leaves(value, knownValues);
        const nested: string[] = [];
        leaves(entry.extraComputed ?? [], nested);
        return [...computedValues.filter((value) => !knownValues.includes(value)), ...nested];
    };
    const descendantsComputed = (urn: string): string[] =>
        nodes
            .filter((entry) => entry.parent === urn)
            .flatMap((child) => [...(child.custom ? ownComputed(child) : []), ...descendantsComputed(child.urn)]);

    return nodes.map((entry) => {
        let props = entry.props;
        if (options.firstPreview) {
            const own = ownComputed(entry);
            props = Object.fromEntries(
                Object.entries(entry.props).map(([key, value]) => {
                    if (entry.computed.includes(key)) return [key, UNKNOWN_SENTINEL];
                    const exact = new Set(own);
                    const contained = own.filter((computed) => computed.length >= 8);
                    for (const dependency of entry.deps[key] ?? []) {
                        const target = byUrn.get(dependency);
                        if (!target) continue;
                        // A custom resource's outputs are known exactly; through a component, match ids and ARNs only.
                        const values = target.custom ? ownComputed(target) : descendantsComputed(target.urn).filter((v) => v.length >= 8);
                        values.forEach((computed) => exact.add(computed));
                        contained.push(...values.filter((computed) => computed.length >= 8));
                    }
                    const replaced = unknownify(value, exact, contained);
                    return [key, entry.applied?.includes(key) && hasSentinel(replaced) ? UNKNOWN_SENTINEL : replaced];
                }),
            );
            for (const key of entry.computed) if (!(key in props) && entry.custom) props[key] = UNKNOWN_SENTINEL;
        }
        return {
            type: entry.type,
            name: entry.name,
            urn: entry.urn,
            parent: entry.parent,
            props,
            propertyDependencies: entry.deps,
        };
    });
}

/**
 * The offline plan's view for the rules: the engine's view with every value known. Secretness
 * shows only in what the stack's own components registered (the mock cloud sees other values plain).
 */
export function offlineResources(records: RecordedResource[]): PlannedResource[] {
    const local = new Set(records.filter((record) => !record.options.custom && !REMOTE_COMPONENTS.includes(record.type)).map((r) => r.urn));
    return engineView(records, { firstPreview: false }).map((resource) => plannedFrom(resource, local.has(resource.urn)));
}
