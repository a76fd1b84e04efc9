// Every default of the arguments, once. `settings.ts` applies them, the joint rules reason with
// them, and a test holds the TSDoc `@default`s and the README's table against them.
import { LoadBalancerNodePorts, RuntimeCredentialsMode } from "./args";
import { CORTEX_RELEASES, CortexVersion, DEFAULT_CORTEX_VERSION } from "./cortexReleases";

/** The EKS version used when `kubernetesVersion` is not set. */
export const DEFAULT_KUBERNETES_VERSION = "1.34";

export const DEFAULTS = {
    cortexVersion: DEFAULT_CORTEX_VERSION,
    clusterName: "cortex",
    kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
    vpcCidr: "192.168.0.0/16",
    subnetVisibility: "private",
    vpcEndpoints: "gateway",
    s3EndpointAccess: "anyBucket",
    flowLogs: true,
    apiLoadBalancerScheme: "internet-facing",
    operatorLoadBalancerScheme: "internet-facing",
    loadBalancerNodePorts: { apiHttp: 30080, apiHttps: 30443, operatorHttps: 31443 } as Required<LoadBalancerNodePorts>,
    apiGatewayAuthorization: "none",
    apiGatewayThrottling: { rateLimit: 100, burstLimit: 200 },
    clusterEndpointPublicAccess: true,
    clusterAdmins: [],
    logRetentionDays: 365,
    operatorNodeGroup: { instanceType: "t3.medium", minInstances: 2, maxInstances: 25 },
    /** The fields a node group gets when they are not given. */
    nodeGroup: { minInstances: 1, maxInstances: 5, spot: false, instanceVolumeSize: 50 },
    nodeGroups: [{ name: "worker", instanceType: "m5.large" }],
    modelBucketArns: [],
    cliUser: false,
    vpcPeering: [],
    tags: {},
    protectData: true,
    inClusterObjects: true,
    serviceAccount: { namespace: "default", serviceAccount: "operator" },
} as const;

/** `apiHttpListener` when not given: plain HTTP only when there is no certificate to serve TLS with. */
export function defaultApiHttpListener(sslCertificateArn: unknown): boolean {
    return sslCertificateArn === undefined;
}

/** `natGateway` when not given: a NAT for private nodes, none for public ones (and none in an existing VPC). */
export function defaultNatGateway(subnetVisibility: string, existingVpc: boolean): "none" | "single" {
    return !existingVpc && subnetVisibility === "private" ? "single" : "none";
}

/** The runtime identity a release reads when `runtimeCredentials` is not set: keys, or the node role. */
export function defaultCredentialsMode(version: CortexVersion): RuntimeCredentialsMode {
    return CORTEX_RELEASES[version].runtimeIdentity === "keysSecret" ? "iamUser" : "nodeRole";
}

/** A node group's root volume type when not set: gp3, which Cortex 0.18 and 0.25 do not know (gp2 there). */
export function defaultVolumeType(version: CortexVersion): "gp2" | "gp3" {
    return CORTEX_RELEASES[version].knownVolumeTypes.includes("gp3") ? "gp3" : "gp2";
}

/** `apiGateway` when not set: on where the release's operator requires one (0.18), off otherwise. */
export function defaultApiGateway(version: CortexVersion): boolean {
    return CORTEX_RELEASES[version].requiresApiGateway;
}
