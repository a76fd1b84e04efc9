// Resolve once: the arguments, checked, with every default applied. The component, the stack
// program and the offline plan all build from these settings; a value that is still an Output is
// checked by its own rule when it resolves, under the path of the argument it came from.
import * as pulumi from "@pulumi/pulumi";
import {
    ApiGatewayAuthorization,
    ApiGatewayThrottling,
    ControlPlaneLogType,
    CortexSecureClusterArgs,
    ExistingVpc,
    InstanceVolumeType,
    LoadBalancerNodePorts,
    LoadBalancerScheme,
    NatGatewayStrategy,
    PeerSpec,
    RuntimeCredentials,
    S3EndpointAccess,
    SubnetVisibility,
    VpcEndpointsMode,
} from "./args";
import { environmentNameProblem } from "./cliConfig";
import { CONTROL_PLANE_LOG_TYPES } from "./constants";
import { CortexVersion } from "./cortexReleases";
import {
    DEFAULTS,
    defaultApiGateway,
    defaultApiHttpListener,
    defaultCredentialsMode,
    defaultNatGateway,
    defaultVolumeType,
} from "./defaults";
import { ArgumentProblem, formatProblems, throwIfAny } from "./problems";
import { findArgumentProblems, pathToArgument } from "./validate";
import { checkValue, deferredRules, isDeferred } from "./inputRules";

/** A node group with every default applied. */
export interface NodeGroupSettings {
    name: string;
    instanceType: string;
    minInstances: number;
    maxInstances: number;
    spot: boolean;
    instanceVolumeSize: number;
    instanceVolumeType: InstanceVolumeType;
}

/** The arguments with every default applied: what the component actually builds. */
export interface Settings {
    cortexVersion: CortexVersion;
    clusterName: string;
    kubernetesVersion: string;
    /** The cluster VPC's CIDR, new or existing. */
    vpcCidr: string;
    /** Given zones; undefined means "the region's first zones" (see `network.ts`). */
    availabilityZones: string[] | undefined;
    existingVpc: ExistingVpc | undefined;
    subnetVisibility: SubnetVisibility;
    natGateway: NatGatewayStrategy;
    vpcEndpoints: VpcEndpointsMode;
    s3EndpointAccess: S3EndpointAccess;
    flowLogs: boolean;
    apiLoadBalancerScheme: LoadBalancerScheme;
    operatorLoadBalancerScheme: LoadBalancerScheme;
    /** Who administers the cluster; the default of the admin planes' allow lists. */
    adminCidrAllowList: string[] | undefined;
    apiLoadBalancerCidrAllowList: string[];
    operatorLoadBalancerCidrAllowList: string[];
    loadBalancerNodePorts: Required<LoadBalancerNodePorts>;
    sslCertificateArn: pulumi.Input<string> | undefined;
    apiHttpListener: boolean;
    apiGateway: boolean;
    apiGatewayAuthorization: ApiGatewayAuthorization;
    apiGatewayThrottling: Required<ApiGatewayThrottling>;
    clusterEndpointPublicAccess: boolean;
    clusterEndpointPublicAccessCidrs: string[];
    clusterAdmins: string[];
    secretsEncryptionKeyArn: pulumi.Input<string> | undefined;
    controlPlaneLogTypes: ControlPlaneLogType[];
    logRetentionDays: number;
    operatorNodeGroup: NodeGroupSettings;
    nodeGroups: NodeGroupSettings[];
    runtimeCredentials: RuntimeCredentials;
    modelBucketArns: pulumi.Input<string>[];
    cliUser: boolean;
    vpcPeering: PeerSpec[];
    tags: Record<string, string>;
    protectData: boolean;
    inClusterObjects: boolean;
}

/**
 * The allow list a load balancer gets when none is given: when internal, the VPC and its peers;
 * when internet-facing, `internetDefault` (the API's is the internet, the operator's the admins').
 */
export function defaultAllowList(scheme: LoadBalancerScheme, vpcCidr: string, peers: PeerSpec[], internetDefault: string[]): string[] {
    return scheme === "internet-facing" ? internetDefault : [vpcCidr, ...peers.map((peer) => peer.cidrBlock)];
}

/** Where the arguments come from, for the checks that depend on it. */
export interface ResolveContext {
    /** The stack's name: it becomes the CLI environment's name, whose rules it must keep. */
    stackName?: string;
    /** The resource a value that breaks its rule when it resolves is reported against. */
    owner?: () => pulumi.Resource | undefined;
}

/** Problems already found for an arguments object, so one `pulumi up` checks its arguments once. */
const checkedArgs = new WeakMap<object, ArgumentProblem[]>();

/** Records the problems found for an arguments object made by `parseStackConfig`, which checks first. */
export function rememberProblems(args: CortexSecureClusterArgs, problems: ArgumentProblem[]): void {
    checkedArgs.set(args, problems);
}

/** {@link findArgumentProblems}, remembered for this arguments object. */
export function problemsOf(args: CortexSecureClusterArgs): ArgumentProblem[] {
    if (typeof args !== "object" || args === null) return findArgumentProblems(args);
    const known = checkedArgs.get(args);
    if (known) return known;
    const problems = findArgumentProblems(args);
    checkedArgs.set(args, problems);
    return problems;
}

/** Why the stack name cannot be the CLI environment's name, as a problem. */
export function stackNameProblems(stackName: string | undefined, cortexVersion: CortexVersion): ArgumentProblem[] {
    const problem = stackName === undefined ? undefined : environmentNameProblem(stackName, cortexVersion);
    return problem ? [{ argument: "the stack name (the Cortex CLI environment's name)", value: stackName, allowed: problem }] : [];
}

/**
 * Checks the arguments and applies the defaults. Throws one {@link CortexSecureClusterArgsError}
 * listing every problem found now; values that are Outputs are checked when they resolve.
 */
export function resolveSettings(args: CortexSecureClusterArgs = {}, context: ResolveContext = {}): Settings {
    const cortexVersion = (args?.cortexVersion as CortexVersion | undefined) ?? DEFAULTS.cortexVersion;
    throwIfAny([...problemsOf(args), ...stackNameProblems(context.stackName, cortexVersion)]);
    const given = checkDeferred(args, [], context) as CortexSecureClusterArgs;

    const subnetVisibility = given.subnetVisibility ?? DEFAULTS.subnetVisibility;
    const vpcCidr = given.existingVpc?.cidrBlock ?? given.vpcCidr ?? DEFAULTS.vpcCidr;
    const vpcPeering = given.vpcPeering ?? [];
    const apiLoadBalancerScheme = given.apiLoadBalancerScheme ?? DEFAULTS.apiLoadBalancerScheme;
    const operatorLoadBalancerScheme = given.operatorLoadBalancerScheme ?? DEFAULTS.operatorLoadBalancerScheme;
    const clusterEndpointPublicAccess = given.clusterEndpointPublicAccess ?? DEFAULTS.clusterEndpointPublicAccess;
    const nodeGroup = (spec: Partial<NodeGroupSettings> & { name: string; instanceType: string }): NodeGroupSettings => ({
        ...DEFAULTS.nodeGroup,
        instanceVolumeType: defaultVolumeType(cortexVersion),
        ...definedFields(spec),
        name: spec.name,
        instanceType: spec.instanceType,
    });
    return {
        cortexVersion,
        clusterName: given.clusterName ?? DEFAULTS.clusterName,
        kubernetesVersion: given.kubernetesVersion ?? DEFAULTS.kubernetesVersion,
        vpcCidr,
        availabilityZones: given.availabilityZones,
        existingVpc: given.existingVpc,
        subnetVisibility,
        natGateway: given.existingVpc ? "none" : (given.natGateway ?? defaultNatGateway(subnetVisibility, false)),
        vpcEndpoints: given.vpcEndpoints ?? DEFAULTS.vpcEndpoints,
        s3EndpointAccess: given.s3EndpointAccess ?? DEFAULTS.s3EndpointAccess,
        flowLogs: given.flowLogs ?? DEFAULTS.flowLogs,
        apiLoadBalancerScheme,
        operatorLoadBalancerScheme,
        adminCidrAllowList: given.adminCidrAllowList,
        apiLoadBalancerCidrAllowList:
            given.apiLoadBalancerCidrAllowList ?? defaultAllowList(apiLoadBalancerScheme, vpcCidr, vpcPeering, ["0.0.0.0/0"]),
        // The joint rules made sure an internet-facing operator without a list of its own has the admins'.
        operatorLoadBalancerCidrAllowList:
            given.operatorLoadBalancerCidrAllowList ??
            defaultAllowList(operatorLoadBalancerScheme, vpcCidr, vpcPeering, given.adminCidrAllowList ?? []),
        loadBalancerNodePorts: { ...DEFAULTS.loadBalancerNodePorts, ...definedFields(given.loadBalancerNodePorts ?? {}) },
        sslCertificateArn: given.sslCertificateArn,
        apiHttpListener: given.apiHttpListener ?? defaultApiHttpListener(given.sslCertificateArn),
        apiGateway: given.apiGateway ?? defaultApiGateway(cortexVersion),
        apiGatewayAuthorization: given.apiGatewayAuthorization ?? DEFAULTS.apiGatewayAuthorization,
        apiGatewayThrottling: { ...DEFAULTS.apiGatewayThrottling, ...definedFields(given.apiGatewayThrottling ?? {}) },
        clusterEndpointPublicAccess,
        clusterEndpointPublicAccessCidrs: clusterEndpointPublicAccess
            ? (given.clusterEndpointPublicAccessCidrs ?? given.adminCidrAllowList ?? [])
            : [],
        clusterAdmins: given.clusterAdmins ?? [...DEFAULTS.clusterAdmins],
        secretsEncryptionKeyArn: given.secretsEncryptionKeyArn,
        controlPlaneLogTypes: given.controlPlaneLogTypes ?? [...CONTROL_PLANE_LOG_TYPES],
        logRetentionDays: given.logRetentionDays ?? DEFAULTS.logRetentionDays,
        operatorNodeGroup: {
            ...nodeGroup({ name: "operator", ...DEFAULTS.operatorNodeGroup, ...definedFields(given.operatorNodeGroup ?? {}) }),
        },
        nodeGroups: (given.nodeGroups ?? DEFAULTS.nodeGroups).map(nodeGroup),
        runtimeCredentials: given.runtimeCredentials ?? { mode: defaultCredentialsMode(cortexVersion) },
        modelBucketArns: given.modelBucketArns ?? [],
        cliUser: given.cliUser ?? DEFAULTS.cliUser,
        vpcPeering,
        tags: given.tags ?? {},
        protectData: given.protectData ?? DEFAULTS.protectData,
        inClusterObjects: given.inClusterObjects ?? DEFAULTS.inClusterObjects,
    };
}

/** The fields of an object that are not undefined: an explicit `undefined` means "the default". */
function definedFields<T extends object>(value: T): Partial<T> {
    return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/**
 * A copy of the arguments in which every value that arrived as an Output is checked by its rule
 * when it resolves: resources built from it fail with a {@link pulumi.ResourceError} naming the
 * argument if it is bad. A secret is never printed, even when it is wrong.
 */
function checkDeferred(value: unknown, path: PropertyKey[], context: ResolveContext): unknown {
    if (isDeferred(value)) {
        const rule = deferredRules.get(value as object);
        if (!rule) return value;
        const output = pulumi.output(value);
        const argument = pathToArgument(path);
        return pulumi.all([output, pulumi.isSecret(output)]).apply(([resolved, secret]) => {
            const problem = checkValue(argument, rule, resolved);
            if (problem) {
                throw new pulumi.ResourceError(formatProblems([{ ...problem, secret }]), context.owner?.(), true);
            }
            return resolved;
        });
    }
    if (Array.isArray(value)) return value.map((item, index) => checkDeferred(item, [...path, index], context));
    if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, checkDeferred(item, [...path, key], context)]));
    }
    return value;
}
