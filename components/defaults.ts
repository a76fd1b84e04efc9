// Every default of the arguments, once. `settings.ts` applies them, the joint rules reason with
// them, and a test holds the TSDoc `@default`s and the README's table against them.
import { LoadBalancerNodePorts } from "./args";

/** The EKS version used when `kubernetesVersion` is not set. */
export const DEFAULT_KUBERNETES_VERSION = "1.34";

export const DEFAULTS = {
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
    apiGateway: false,
    apiGatewayAuthorization: "none",
    apiGatewayThrottling: { rateLimit: 100, burstLimit: 200 },
    clusterEndpointPublicAccess: true,
    clusterAdmins: [],
    logRetentionDays: 365,
    operatorNodeGroup: { instanceType: "t3.medium", minInstances: 2, maxInstances: 25 },
    /** The fields a node group gets when they are not given. */
    nodeGroup: { minInstances: 1, maxInstances: 5, spot: false, instanceVolumeSize: 50, instanceVolumeType: "gp3" },
    nodeGroups: [{ name: "worker", instanceType: "m5.large" }],
    runtimeCredentials: { mode: "iamUser" },
    modelBucketArns: [],
    cliUser: false,
    vpcPeering: [],
    tags: {},
    protectData: true,
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
