import * as pulumi from "@pulumi/pulumi";
import { CortexVersion } from "./cortexReleases";

export { CortexVersion };

// Every choice is an `as const` object and a type of the same name: TypeScript callers may pass the
// plain strings, and Pulumi's schema inference makes an enum of it for the other languages.

/** The three NAT strategies of Cortex's `nat_gateway`. */
export const NatGatewayStrategy = { None: "none", Single: "single", HighlyAvailable: "highly_available" } as const;
export type NatGatewayStrategy = (typeof NatGatewayStrategy)[keyof typeof NatGatewayStrategy];

/** Where the nodes live: Cortex's `subnet_visibility`. */
export const SubnetVisibility = { Public: "public", Private: "private" } as const;
export type SubnetVisibility = (typeof SubnetVisibility)[keyof typeof SubnetVisibility];

/** A load balancer scheme, as Cortex's `*_load_balancer_scheme`. */
export const LoadBalancerScheme = { InternetFacing: "internet-facing", Internal: "internal" } as const;
export type LoadBalancerScheme = (typeof LoadBalancerScheme)[keyof typeof LoadBalancerScheme];

/** Which VPC endpoints the network gets. */
export const VpcEndpointsMode = { None: "none", Gateway: "gateway", All: "all" } as const;
export type VpcEndpointsMode = (typeof VpcEndpointsMode)[keyof typeof VpcEndpointsMode];

/** An EKS control-plane log type. */
export const ControlPlaneLogType = {
    Api: "api",
    Audit: "audit",
    Authenticator: "authenticator",
    ControllerManager: "controllerManager",
    Scheduler: "scheduler",
} as const;
export type ControlPlaneLogType = (typeof ControlPlaneLogType)[keyof typeof ControlPlaneLogType];

/** Who may call the API Gateway HTTP API: anyone, or only callers that sign with IAM credentials (SigV4). */
export const ApiGatewayAuthorization = { None: "none", Iam: "iam" } as const;
export type ApiGatewayAuthorization = (typeof ApiGatewayAuthorization)[keyof typeof ApiGatewayAuthorization];

/** What the S3 gateway endpoint lets the VPC reach: any bucket, or only the cluster's and what nodes need. */
export const S3EndpointAccess = { AnyBucket: "anyBucket", ClusterBuckets: "clusterBuckets" } as const;
export type S3EndpointAccess = (typeof S3EndpointAccess)[keyof typeof S3EndpointAccess];

/** An EBS volume type a node's root volume may use. */
export const InstanceVolumeType = { Gp2: "gp2", Gp3: "gp3", Io1: "io1", St1: "st1", Sc1: "sc1" } as const;
export type InstanceVolumeType = (typeof InstanceVolumeType)[keyof typeof InstanceVolumeType];

/** How the running cluster gets its AWS identity; see {@link RuntimeCredentials}. */
export const RuntimeCredentialsMode = {
    IamUser: "iamUser",
    Provided: "provided",
    ServiceAccountRole: "serviceAccountRole",
    NodeRole: "nodeRole",
} as const;
export type RuntimeCredentialsMode = (typeof RuntimeCredentialsMode)[keyof typeof RuntimeCredentialsMode];

/** A VPC made elsewhere that the cluster is built into instead of a new one. */
export interface ExistingVpc {
    /** The VPC's id, `vpc-…`. */
    vpcId: pulumi.Input<string>;
    /** The VPC's primary IPv4 CIDR; a valid IPv4 CIDR. Used for internal allow lists and peering overlap checks. */
    cidrBlock: string;
    /**
     * Public subnets (routed to an internet gateway). Internet-facing load balancers go here, and the
     * nodes when `subnetVisibility` is `public`: then at least 2.
     */
    publicSubnetIds: pulumi.Input<string>[];
    /**
     * Private subnets. Internal load balancers go here, and the nodes when `subnetVisibility` is
     * `private`: then at least 2. The subnets need a route out (NAT) or VPC endpoints of their own.
     */
    privateSubnetIds: pulumi.Input<string>[];
    /**
     * The route tables of the subnets the cluster uses: they get the routes to `vpcPeering`'s peers
     * and the S3 gateway endpoint. Required with `vpcPeering`, so the routes are declared (and
     * reviewed) before anything is deployed.
     * Default: every route table of the VPC, read at deployment, for the S3 gateway endpoint.
     * @default every route table of the VPC, read at deployment, for the S3 gateway endpoint
     */
    routeTableIds?: pulumi.Input<string>[];
}

/** A node group of worker nodes that serve the APIs. */
export interface NodeGroupSpec {
    /** The group's name: 1–26 chars of lowercase letters, digits and `-`, not starting or ending with `-`; unique among the groups. */
    name: string;
    /** The EC2 instance type, e.g. `m5.large`; `nano` and `micro` sizes are too small for Cortex. */
    instanceType: string;
    /**
     * The fewest instances.
     * Rule: an integer ≥ 0.
     * Default: 1.
     * @default 1
     */
    minInstances?: number;
    /**
     * The most instances.
     * Rule: an integer > 0 and ≥ `minInstances`, at most 450 (EKS's limit per managed node group).
     * Default: 5.
     * @default 5
     */
    maxInstances?: number;
    /**
     * Spot instances (capacity type SPOT) instead of on-demand.
     * Default: false.
     * @default false
     */
    spot?: boolean;
    /**
     * Root volume size in GiB; always encrypted.
     * Rule: an integer 20–16384.
     * Default: 50.
     * @default 50
     */
    instanceVolumeSize?: number;
    /**
     * Root volume type.
     * Rule: one of `gp2`, `gp3`, `io1`, `st1`, `sc1`; Cortex 0.18 and 0.25 know no `gp3`.
     * Default: "gp3" for 0.42, "gp2" for 0.18 and 0.25.
     * @default "gp3" for 0.42, "gp2" for 0.18 and 0.25
     */
    instanceVolumeType?: InstanceVolumeType;
}

/** The operator's node group: as a node group, without name or spot. */
export interface OperatorNodeGroupSpec {
    /**
     * Rule: no `nano`/`micro` sizes.
     * Default: "t3.medium".
     * @default "t3.medium"
     */
    instanceType?: string;
    /**
     * Rule: an integer ≥ 1 (Cortex's operator needs a node).
     * Default: 2.
     * @default 2
     */
    minInstances?: number;
    /**
     * Rule: an integer > 0 and ≥ `minInstances`, at most 450 (EKS's limit per managed node group).
     * Default: 25.
     * @default 25
     */
    maxInstances?: number;
}

/**
 * The identity the running cluster (the Cortex operator) uses: never the one that ran `pulumi up`.
 *
 * - `iamUser`: an IAM user in its own group, the runtime policy on the group, no login profile, one
 *   access key; the key is an output (its secret a Pulumi secret).
 * - `provided`: keys made elsewhere (`accessKeyId` and `secretAccessKey`, both required), passed
 *   through as secrets. The runtime policy is still created (the `runtimePolicyArn` output) but
 *   attached to nothing: attach it to the keys' owner.
 * - `serviceAccountRole`: no long-lived keys; a role the Kubernetes service account
 *   `namespace`/`serviceAccount` assumes through the cluster's OIDC provider. No Cortex release
 *   uses it without a customised operator.
 * - `nodeRole` (Cortex 0.42): no keys; the runtime policy is attached to every node group's role,
 *   where Cortex v0.30+ looks for its permissions. Cortex's pods reach that role through the
 *   instance metadata service, so the nodes' metadata hop limit is 2 in this mode (1 otherwise):
 *   any pod on a node can then use the node role's permissions.
 *
 * Keys releases (0.18, 0.25) read `iamUser` or `provided` keys from the Kubernetes Secret
 * `aws-credentials`; 0.42 reads no keys and takes `nodeRole`. A mode the release cannot use is refused.
 *
 * Every mode gets the same runtime policy: read/write on the Cortex bucket's objects and log
 * group, read on `modelBucketArns`, image pulls from this account's ECR repositories in this
 * region, CloudWatch metrics, and nothing else. Fields of another mode are refused.
 */
export interface RuntimeCredentials {
    /** Which identity the running cluster uses. */
    mode: RuntimeCredentialsMode;
    /** `provided` only, and required there: an access key id, `AKIA…` or `ASIA…` (20 uppercase letters and digits). */
    accessKeyId?: pulumi.Input<string>;
    /** `provided` only, and required there: its secret (40 chars); pass a secret (`config.requireSecret`). */
    secretAccessKey?: pulumi.Input<string>;
    /**
     * `serviceAccountRole` only: the service account's namespace, a Kubernetes namespace name (DNS label).
     * Default: "default".
     * @default "default"
     */
    namespace?: string;
    /**
     * `serviceAccountRole` only: the service account's name, a Kubernetes service account name (DNS subdomain).
     * Default: "operator".
     * @default "operator"
     */
    serviceAccount?: string;
}

/**
 * The NodePorts the load balancers' target groups send traffic to. Cortex's ingress gateways must
 * expose their Services on these NodePorts.
 */
export interface LoadBalancerNodePorts {
    /**
     * Plain HTTP of the API gateway; the API load balancer's port 80 (and 443 when it terminates TLS).
     * Default: 30080.
     * @default 30080
     */
    apiHttp?: number;
    /**
     * TLS of the API gateway; the API load balancer's port 443 when it passes TLS through.
     * Default: 30443.
     * @default 30443
     */
    apiHttps?: number;
    /**
     * TLS of the operator gateway; the operator load balancer's port 443.
     * Default: 31443.
     * @default 31443
     */
    operatorHttps?: number;
}

/** Request throttling of the API Gateway's default route. */
export interface ApiGatewayThrottling {
    /**
     * Steady requests per second.
     * Rule: a number > 0, at most 10000 (API Gateway's default account quota per region).
     * Default: 100.
     * @default 100
     */
    rateLimit?: number;
    /**
     * Requests allowed at once above the steady rate.
     * Rule: an integer > 0, at most 5000 (API Gateway's default account quota per region).
     * Default: 200.
     * @default 200
     */
    burstLimit?: number;
}

/** A VPC to peer with the cluster's VPC. */
export interface PeerSpec {
    /** The peer VPC's id. */
    vpcId: pulumi.Input<string>;
    /** The peer VPC's CIDR; must not overlap the cluster VPC or another peer. */
    cidrBlock: string;
    /**
     * The peer's route tables that get a route back to the cluster VPC. Same account only: a
     * cross-account peer routes back on its own side.
     * Default: [].
     * @default []
     */
    routeTableIds?: pulumi.Input<string>[];
    /**
     * The peer's AWS account id (12 digits) when it is another account: the peering is then only
     * requested, and its id is output for the other side to accept.
     * Default: the cluster's account.
     * @default the cluster's account
     */
    ownerId?: string;
    /**
     * The peer's region when it is another region: the peering is then only requested.
     * Default: the cluster's region.
     * @default the cluster's region
     */
    region?: string;
}

/**
 * Arguments of {@link CortexSecureCluster}. All optional; every default is the secure one.
 * Names are Cortex's `cluster.yaml` keys in camelCase where Cortex has one.
 */
export interface CortexSecureClusterArgs {
    /**
     * The Cortex release line the cluster is built for: the CLI environment, the runtime identity,
     * the node groups' names, labels and taints, and `cortexClusterConfig` follow it.
     * Rule: one of `0.18`, `0.25`, `0.42` (checked against Cortex v0.18.0, v0.25.0 and v0.42.1).
     * Default: "0.42".
     * @default "0.42"
     */
    cortexVersion?: CortexVersion;
    /**
     * The EKS cluster's name, also on every resource as the `cortex.dev/cluster-name` tag.
     * Rule: 3–54 chars, `^[a-z0-9]+(-[a-z0-9]+)*$`; not starting with `sthree-` or `amzn-s3-demo-`
     * (S3 reserves them for bucket names, and the Cortex bucket is named after the cluster).
     * Default: "cortex".
     * @default "cortex"
     */
    clusterName?: string;
    /**
     * The EKS Kubernetes version.
     * Rule: `MAJOR.MINOR`, e.g. `1.34`.
     * Default: a current EKS version, pinned in code (`DEFAULT_KUBERNETES_VERSION`).
     * @default a current EKS version, pinned in code (`DEFAULT_KUBERNETES_VERSION`)
     */
    kubernetesVersion?: string;
    /**
     * The new VPC's CIDR.
     * Rule: a valid IPv4 network CIDR with a prefix /16–/24. Not with `existingVpc`.
     * Default: "192.168.0.0/16".
     * @default "192.168.0.0/16"
     */
    vpcCidr?: string;
    /**
     * The zones the subnets (and so the nodes and load balancers) use.
     * Rule: at least 2, distinct. Not with `existingVpc`.
     * Default: the region's first available zones: 3, or 2 in us-east-1 (never `us-east-1e`).
     * @default the region's first available zones: 3, or 2 in us-east-1 (never `us-east-1e`)
     */
    availabilityZones?: string[];
    /**
     * Build into a VPC made elsewhere instead of a new one.
     * Rule: at least 2 subnets for the tier the nodes use; excludes `vpcCidr`, `availabilityZones`
     * and `natGateway`.
     * Default: none: a new VPC.
     * @default none: a new VPC
     */
    existingVpc?: ExistingVpc;
    /**
     * Whether the nodes sit in public or private subnets. Load balancers follow their own scheme.
     * Rule: `public` or `private`.
     * Default: "private" (Cortex's default is public; ours is secure).
     * @default "private" (Cortex's default is public; ours is secure)
     */
    subnetVisibility?: SubnetVisibility;
    /**
     * NAT gateways for the private subnets: none, one, or one per zone.
     * Rule: `none`, `single` or `highly_available`; `private` + `none` needs `existingVpc` or
     * `vpcEndpoints: "all"` (the nodes could not pull images otherwise). Not with `existingVpc`.
     * Default: "single" when `subnetVisibility` is private, "none" when public.
     * @default "single" when `subnetVisibility` is private, "none" when public
     */
    natGateway?: NatGatewayStrategy;
    /**
     * VPC endpoints. `gateway`: the S3 gateway endpoint (free; model downloads skip the NAT).
     * `all`: also the interface endpoints a node needs with no internet at all (ECR api and dkr,
     * STS, EC2, CloudWatch Logs, Elastic Load Balancing, Auto Scaling); they cost per zone and hour.
     * With `existingVpc` the endpoints go on that VPC's route tables and private subnets: set `none`
     * if it already has an S3 gateway endpoint there (AWS refuses a second one on a route table).
     * Rule: `none`, `gateway` or `all`.
     * Default: "gateway".
     * @default "gateway"
     */
    vpcEndpoints?: VpcEndpointsMode;
    /**
     * What the S3 gateway endpoint's policy lets the VPC reach in this region. `clusterBuckets`: the
     * Cortex bucket, `modelBucketArns`, and the buckets nodes need (ECR's image layers, the Amazon
     * Linux package repositories); every other bucket in the region is then out of reach from the
     * VPC, since its S3 traffic goes through the endpoint. Only with an S3 gateway endpoint.
     * Rule: `anyBucket` or `clusterBuckets`.
     * Default: "anyBucket" (AWS's full-access endpoint policy: other buckets stay reachable).
     * @default "anyBucket" (AWS's full-access endpoint policy: other buckets stay reachable)
     */
    s3EndpointAccess?: S3EndpointAccess;
    /**
     * VPC flow logs (all traffic) to a CloudWatch log group with `logRetentionDays`.
     * Default: true.
     * @default true
     */
    flowLogs?: boolean;
    /**
     * The API load balancer's scheme.
     * Rule: `internet-facing` or `internal`.
     * Default: "internet-facing".
     * @default "internet-facing"
     */
    apiLoadBalancerScheme?: LoadBalancerScheme;
    /**
     * The operator load balancer's scheme.
     * Rule: `internet-facing` or `internal`.
     * Default: "internet-facing".
     * @default "internet-facing"
     */
    operatorLoadBalancerScheme?: LoadBalancerScheme;
    /**
     * Who administers the cluster (the Cortex CLI, kubectl, `pulumi up`): the default allow list of
     * the operator load balancer and of the public Kubernetes API endpoint. Required when either is
     * reachable from the internet without an allow list of its own; `["0.0.0.0/0"]` opens them on
     * purpose (the offline plan and the policy pack flag it).
     * Rule: distinct valid IPv4 network CIDRs (/0–/32), as many as the lists it fills allow.
     * Default: none.
     * @default none
     */
    adminCidrAllowList?: string[];
    /**
     * Who may reach the API load balancer.
     * Rule: each a valid IPv4 network CIDR, any prefix /0–/32; at most as many as its security group
     * holds (60 inbound rules, one per CIDR and listener port, less one for API Gateway's VPC link).
     * Default: internet-facing: `["0.0.0.0/0"]`; internal: the VPC CIDR plus every peer CIDR.
     * @default internet-facing: `["0.0.0.0/0"]`; internal: the VPC CIDR plus every peer CIDR
     */
    apiLoadBalancerCidrAllowList?: string[];
    /**
     * Who may reach the operator load balancer.
     * Rule: each a valid IPv4 network CIDR, any prefix /0–/32; at most 60 (a security group's inbound rules).
     * Default: internet-facing: `adminCidrAllowList`; internal: the VPC CIDR plus every peer CIDR.
     * @default internet-facing: `adminCidrAllowList`; internal: the VPC CIDR plus every peer CIDR
     */
    operatorLoadBalancerCidrAllowList?: string[];
    /**
     * The NodePorts behind the load balancers' listeners.
     * Rule: each an integer in the NodePort range 30000–32767; all distinct.
     * Default: {apiHttp: 30080, apiHttps: 30443, operatorHttps: 31443}.
     * @default {apiHttp: 30080, apiHttps: 30443, operatorHttps: 31443}
     */
    loadBalancerNodePorts?: LoadBalancerNodePorts;
    /**
     * An ACM certificate; the API load balancer then terminates TLS on 443 with a modern policy.
     * Rule: an ACM certificate ARN, `arn:aws…:acm:REGION:ACCOUNT:certificate/ID`.
     * Default: none: port 443 passes TLS through to the cluster.
     * @default none: port 443 passes TLS through to the cluster
     */
    sslCertificateArn?: pulumi.Input<string>;
    /**
     * A plain-HTTP listener on the API load balancer's port 80 for the allow list. With
     * `sslCertificateArn` it is off, so clients only ever reach the APIs over TLS; API Gateway's
     * VPC link reaches port 80 either way.
     * Default: true without `sslCertificateArn`, false with it.
     * @default true without `sslCertificateArn`, false with it
     */
    apiHttpListener?: boolean;
    /**
     * An API Gateway HTTP API with a VPC link to the API load balancer: a trusted AWS certificate
     * in front of an internal API load balancer.
     * Rule: not `false` with Cortex 0.18, whose operator refuses to start without an API Gateway
     * tagged for the cluster.
     * Default: true for 0.18, false otherwise.
     * @default true for 0.18, false otherwise
     */
    apiGateway?: boolean;
    /**
     * Who may call the API Gateway: `none` (anyone on the internet) or `iam` (callers sign
     * requests with IAM credentials allowed `execute-api:Invoke`). Only with `apiGateway`.
     * Rule: `none` or `iam`.
     * Default: "none" (the offline plan says the gateway is public without authorization).
     * @default "none" (the offline plan says the gateway is public without authorization)
     */
    apiGatewayAuthorization?: ApiGatewayAuthorization;
    /**
     * Throttling of the API Gateway's default route, so one caller cannot run up the bill or starve
     * the others. Only with `apiGateway`.
     * Default: {rateLimit: 100, burstLimit: 200}.
     * @default {rateLimit: 100, burstLimit: 200}
     */
    apiGatewayThrottling?: ApiGatewayThrottling;
    /**
     * Whether the Kubernetes API endpoint is reachable from the internet (private access is always on).
     * Default: true.
     * @default true
     */
    clusterEndpointPublicAccess?: boolean;
    /**
     * Who may reach the public Kubernetes API endpoint.
     * Rule: 1–40 valid IPv4 network CIDRs (EKS's limit); only with `clusterEndpointPublicAccess`.
     * Default: `adminCidrAllowList`.
     * @default `adminCidrAllowList`
     */
    clusterEndpointPublicAccessCidrs?: string[];
    /**
     * IAM users and roles made cluster admins through EKS access entries (the
     * `AmazonEKSClusterAdminPolicy`, cluster-wide). The identity that runs `pulumi up` and creates
     * the cluster is one already, given by EKS: leave it out.
     * Rule: distinct IAM user or role ARNs, `arn:aws:iam::ACCOUNT:user/NAME` or `…:role/NAME`
     * (not an `sts` assumed-role session).
     * Default: [].
     * @default []
     */
    clusterAdmins?: string[];
    /**
     * The KMS key that envelope-encrypts Kubernetes secrets.
     * Rule: a KMS key ARN, `arn:aws…:kms:REGION:ACCOUNT:key/ID`.
     * Default: none: a KMS key with rotation is created.
     * @default none: a KMS key with rotation is created
     */
    secretsEncryptionKeyArn?: pulumi.Input<string>;
    /**
     * Control-plane log types sent to CloudWatch.
     * Rule: each one of those, no repeats.
     * Default: all five: api, audit, authenticator, controllerManager, scheduler.
     * @default all five: api, audit, authenticator, controllerManager, scheduler
     */
    controlPlaneLogTypes?: ControlPlaneLogType[];
    /**
     * Retention of every log group the component creates.
     * Rule: a CloudWatch-allowed value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
     * 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).
     * Default: 365.
     * @default 365
     */
    logRetentionDays?: number;
    /**
     * The operator's node group.
     * Default: `t3.medium`, 2–25 instances.
     * @default `t3.medium`, 2–25 instances
     */
    operatorNodeGroup?: OperatorNodeGroupSpec;
    /**
     * The worker node groups that serve the APIs.
     * Rule: 1–100 groups with unique names (Cortex 0.18 and 0.25: exactly 1, all their
     * `cluster.yaml` can describe); instance types the release's tables know.
     * Default: one group `worker`: `m5.large`, 1–5 instances.
     * @default one group `worker`: `m5.large`, 1–5 instances
     */
    nodeGroups?: NodeGroupSpec[];
    /**
     * The identity the running cluster uses.
     * Rule: a mode the release can use: `iamUser` or `provided` for 0.18 and 0.25 (they read keys),
     * `nodeRole` for 0.42 (it reads none); `serviceAccountRole` with any (a customised operator).
     * Default: {mode: "iamUser"} for 0.18 and 0.25, {mode: "nodeRole"} for 0.42.
     * @default {mode: "iamUser"} for 0.18 and 0.25, {mode: "nodeRole"} for 0.42
     */
    runtimeCredentials?: RuntimeCredentials;
    /**
     * S3 buckets with exported models the runtime may read (read-only).
     * Rule: each an S3 bucket ARN, `arn:aws…:s3:::BUCKET`.
     * Default: [].
     * @default []
     */
    modelBucketArns?: pulumi.Input<string>[];
    /**
     * An IAM user with no permissions at all whose keys go into the CLI environment (the operator
     * only checks identity).
     * Default: false.
     * @default false
     */
    cliUser?: boolean;
    /**
     * VPCs to peer with.
     * Rule: each a `PeerSpec` (vpcId, cidrBlock, routeTableIds, ownerId, region); CIDRs overlap neither the cluster VPC nor each other.
     * Default: [].
     * @default []
     */
    vpcPeering?: PeerSpec[];
    /**
     * Tags on every taggable resource, beside `cortex.dev/cluster-name`.
     * Rule: at most 45 (AWS allows 50 per resource; the component and EKS add up to 5 of their own); key 1–127 chars, value 1–255 chars, no leading/trailing space; no key starting with
     * `aws:`, `kubernetes.io/`, `k8s.io/`, `eksctl.` (any case) or `cortex.dev/`.
     * Default: {}.
     * @default {}
     */
    tags?: Record<string, string>;
    /**
     * Keep the Cortex bucket, the log groups and the KMS key that encrypts them on `pulumi destroy`
     * (they are retained, not deleted), with the bucket's encryption, versioning, public access
     * block and TLS-only policy; and turn on deletion protection of the cluster and the load
     * balancers. `false`: destroy deletes them, the bucket with every object version in it.
     * Default: true.
     * @default true
     */
    protectData?: boolean;
    /**
     * The in-cluster end of the component's doors, through a Kubernetes provider on the new
     * cluster: NodePort Services in `istio-system` that bring the load balancers' NodePorts
     * (`loadBalancerNodePorts`) to Cortex's ingress gateways, the Secret `default/aws-credentials`
     * with the runtime keys (0.18 and 0.25 with `iamUser` or `provided` keys), and the ConfigMap
     * `default/cluster-config` holding `cortexClusterConfig`. `pulumi up` must then reach the
     * cluster's API endpoint: from inside `clusterEndpointPublicAccessCidrs`, or from inside the
     * VPC or a peer when public access is off. `false`: none of them is created, and they must be
     * made by hand (or by whatever manages the cluster's contents).
     * Default: true.
     * @default true
     */
    inClusterObjects?: boolean;
}
