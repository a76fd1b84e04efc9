// What each Cortex release line reads, as one table: adding a verified release is adding a row.
// Every fact is from Cortex's source at the release tag (cortexlabs/cortex); the tests that encode
// them cite the file.

/** The Cortex release lines the component can build for. */
export const CortexVersion = { V0_18: "0.18", V0_25: "0.25", V0_42: "0.42" } as const;
export type CortexVersion = (typeof CortexVersion)[keyof typeof CortexVersion];

/** Where the running cluster finds its AWS identity. */
export type RuntimeIdentitySource = "keysSecret" | "nodeRole";

/** A release line's facts. */
export interface CortexRelease {
    /** The tag the facts were read from. */
    tag: string;
    /** v0.18/v0.25 read the Secret `default/aws-credentials`; v0.30+ the EC2 node role. */
    runtimeIdentity: RuntimeIdentitySource;
    cli: {
        /** The environment fields the CLI accepts; every other field is refused (v0.18/v0.25) or dropped (v0.42). */
        environmentFields: readonly string[];
        /** Fields the CLI requires of an `aws` environment. */
        requiredFields: readonly string[];
        /** Whether an unknown field inside an environment is refused (else ignored). */
        refusesUnknownEnvironmentFields: boolean;
        /** Environment names reserved for Cortex's own providers. */
        reservedNames: readonly string[];
        /** The top-level keys of `cli.yaml`; any other is refused by every release. */
        topLevelKeys: readonly string[];
        /** `cortex env configure` flags, long form. */
        configureFlags: readonly string[];
    };
    nodeGroups: {
        operatorName: string;
        /** The eksctl node group name Cortex knows a worker group by. */
        workerName: (name: string, spot: boolean) => string;
        /** Labels on the operator's nodes. */
        operatorLabels: Record<string, string>;
        /** Labels spot workers carry besides `workload: "true"`. */
        spotLabels: Record<string, string>;
        /** The taint key of Inferentia nodes (renamed after v0.18). */
        inferentiaKey: string;
        /** How many worker groups the release's cluster.yaml can describe. */
        maxWorkerGroups: number;
        /** The instance families the release's tables know (`pkg/lib/aws/resource_metadata.go`). */
        knownFamilies: ReadonlySet<string>;
        /** Families the release refuses although it knows them. */
        refusedFamilies: (family: string) => string | undefined;
    };
    /** The v0.18.0 operator refuses to start without an API Gateway tagged for the cluster. */
    requiresApiGateway: boolean;
    /** The root volume types the release's cluster.yaml takes (`instance_volume_type`). */
    knownVolumeTypes: readonly string[];
    /** Cortex's two Istio ingress gateways, which the load balancers' traffic must reach. */
    ingressGateways: IngressGateways;
}

/** One of Cortex's Istio ingress gateways as the release installs it. */
export interface IngressGateway {
    /** Cortex's own Service (type LoadBalancer) and Deployment of the gateway. */
    serviceName: string;
    /** The labels of the gateway's pods; Cortex's own Service selects exactly these. */
    podLabels: Readonly<Record<string, string>>;
    /** Where the gateway's envoy serves plain HTTP, in the pod. */
    httpPort: number;
    /** Where it serves TLS (Cortex's self-signed certificate), in the pod. */
    httpsPort: number;
}

/** Where Cortex's gateways run, and how to reach their pods. */
export interface IngressGateways {
    namespace: string;
    /** The Istio release Cortex installs; how its gateways bind ports changed across them. */
    istioVersion: string;
    operator: IngressGateway;
    apis: IngressGateway;
}

// Istio versions: images/manager/Dockerfile at each tag. Gateway names and pod labels are the same in every release: manager/manifests/istio-values.yaml@v0.18.0
// (:25-30, :68-73), istio.yaml.j2@v0.25.0 (:35-40, :90-95), istio.yaml.j2@v0.42.1 (:55-60, :104-109).
// Ports: each gateway's Gateway resource has servers on 80 (HTTP) and 443 (HTTPS with the self-signed
// istio-customgateway-certs; the apis one plain HTTP on 443 when ssl_certificate_arn is set, v0.25+).
// v0.25 and v0.42 set `runAsRoot: true` (istio.yaml.j2 :162, :173), so envoy binds 80 and 443
// themselves (Istio 1.7+ otherwise remaps to 8080/8443), as Cortex's Services target them.
// v0.18 (Istio 1.4) binds a Gateway server's own port number in the pod; its operator Service
// targets 80 and 443 (istio-values.yaml:48-52), which proves it for the operator gateway, and the
// apis gateway runs the same chart with the same servers (apis.yaml@v0.18.0).
const gateways = (istioVersion: string): IngressGateways => ({
    namespace: "istio-system",
    istioVersion,
    operator: {
        serviceName: "ingressgateway-operator",
        podLabels: { app: "operator-istio-gateway", istio: "ingressgateway-operator" },
        httpPort: 80,
        httpsPort: 443,
    },
    apis: {
        serviceName: "ingressgateway-apis",
        podLabels: { app: "apis-istio-gateway", istio: "ingressgateway-apis" },
        httpPort: 80,
        httpsPort: 443,
    },
});

const families = (list: string) => new Set(list.split(" "));

/** Graviton families: a `g` after the generation digit (m6g, c6gn, t4g), and a1. */
const isArm = (family: string) => family === "a1" || /^[a-z]+\d+g/.test(family);

// cli/types/cliconfig/environment.go and cli/cmd/lib_cli_config.go at each tag.
const KEYS_CLI = {
    environmentFields: ["name", "provider", "operator_endpoint", "aws_access_key_id", "aws_secret_access_key", "aws_region"],
    requiredFields: ["name", "provider", "operator_endpoint", "aws_access_key_id", "aws_secret_access_key"],
    refusesUnknownEnvironmentFields: true,
    topLevelKeys: ["telemetry", "default_environment", "environments"],
    configureFlags: ["--provider", "--operator-endpoint", "--aws-access-key-id", "--aws-secret-access-key"],
} as const;

export const CORTEX_RELEASES: Record<CortexVersion, CortexRelease> = {
    "0.18": {
        tag: "v0.18.0",
        runtimeIdentity: "keysSecret",
        cli: { ...KEYS_CLI, reservedNames: ["local", "aws"] },
        nodeGroups: {
            // manager/generate_eks.py@v0.18.0
            operatorName: "ng-cortex-operator",
            workerName: (_name, spot) => (spot ? "ng-cortex-worker-spot" : "ng-cortex-worker-on-demand"),
            operatorLabels: {},
            spotLabels: { lifecycle: "Ec2Spot" },
            inferentiaKey: "aws.amazon.com/infa",
            maxWorkerGroups: 1,
            knownFamilies: families(
                "a1 c1 c3 c4 c5 c5a c5d c5n c6g cc2 cr1 d2 f1 g2 g3 g3s g4dn h1 hs1 i2 i3 i3en inf1 m1 m2 m3 m4 m5 m5a m5ad m5d m5dn m5n m6g p2 p3 p3dn r3 r4 r5 r5a r5ad r5d r5dn r5n r6g t1 t2 t3 t3a x1 x1e z1d",
            ),
            refusedFamilies: () => undefined,
        },
        requiresApiGateway: true,
        knownVolumeTypes: ["gp2", "io1", "sc1", "st1"],
        ingressGateways: gateways("1.4.2"),
    },
    "0.25": {
        tag: "v0.25.0",
        runtimeIdentity: "keysSecret",
        cli: { ...KEYS_CLI, reservedNames: ["local", "aws", "gcp"] },
        nodeGroups: {
            operatorName: "ng-cortex-operator",
            workerName: (_name, spot) => (spot ? "ng-cortex-worker-spot" : "ng-cortex-worker-on-demand"),
            operatorLabels: {},
            spotLabels: { lifecycle: "Ec2Spot" },
            inferentiaKey: "aws.amazon.com/neuron",
            maxWorkerGroups: 1,
            knownFamilies: families(
                "a1 c1 c3 c4 c5 c5a c5ad c5d c5n c6g c6gd c6gn cc2 cr1 d2 d3 d3en f1 g2 g3 g3s g4ad g4dn h1 hs1 i2 i3 i3en inf1 m1 m2 m3 m4 m5 m5a m5ad m5d m5dn m5n m5zn m6g m6gd p2 p3 p3dn p4d r3 r4 r5 r5a r5ad r5b r5d r5dn r5n r6g r6gd t1 t2 t3 t3a t4g x1 x1e z1d",
            ),
            // pkg/types/clusterconfig/cluster_config_aws.go@v0.25.0 (CheckCortexSupport)
            refusedFamilies: (family) => (isArm(family) ? "ARM-based instances are not supported by Cortex v0.25" : undefined),
        },
        requiresApiGateway: false,
        knownVolumeTypes: ["gp2", "io1", "sc1", "st1"],
        ingressGateways: gateways("1.7.3"),
    },
    "0.42": {
        tag: "v0.42.1",
        runtimeIdentity: "nodeRole",
        cli: {
            environmentFields: ["name", "operator_endpoint"],
            requiredFields: ["name", "operator_endpoint"],
            refusesUnknownEnvironmentFields: false,
            reservedNames: [],
            topLevelKeys: ["telemetry", "default_environment", "environments"],
            configureFlags: ["--operator-endpoint"],
        },
        nodeGroups: {
            // manager/generate_eks.py@v0.42.1
            operatorName: "cx-operator",
            workerName: (name, spot) => `${spot ? "cx-ws" : "cx-wd"}-${name}`,
            operatorLabels: { operator: "true" },
            // pkg/operator/endpoints/info.go@v0.42.1 reads node-lifecycle; generate_eks.py labels lifecycle.
            spotLabels: { lifecycle: "Ec2Spot", "node-lifecycle": "spot" },
            inferentiaKey: "aws.amazon.com/neuron",
            maxWorkerGroups: 100,
            knownFamilies: families(
                "a1 c1 c3 c4 c5 c5a c5ad c5d c5n c6a c6g c6gd c6gn c6i cc2 cr1 d2 d3 d3en dl1 f1 g2 g3 g3s g4ad g4dn g5 g5g h1 hpc6a hs1 i2 i3 i3en i3p im4gn inf1 is4gen m1 m2 m3 m4 m5 m5a m5ad m5d m5dn m5n m5zn m6a m6g m6gd m6i p2 p3 p3dn p4d r3 r4 r5 r5a r5ad r5b r5d r5dn r5n r6g r6gd r6i t1 t2 t3 t3a t4g vt1 x1 x1e x2gd x2idn x2iedn x2iezn z1d",
            ),
            // pkg/types/clusterconfig/cluster_config.go@v0.42.1 (validateInstanceType): AMD GPUs are refused.
            refusedFamilies: (family) => (/^g\d+a/.test(family) ? "AMD GPU instances are not supported by Cortex v0.42" : undefined),
        },
        requiresApiGateway: false,
        knownVolumeTypes: ["gp2", "gp3", "io1", "sc1", "st1"],
        ingressGateways: gateways("1.11.8"),
    },
};

/** The release line built for when `cortexVersion` is not set. */
export const DEFAULT_CORTEX_VERSION: CortexVersion = "0.42";

/** An instance type's family: `m5` of `m5.large`. */
export const instanceFamily = (instanceType: string) => instanceType.split(".")[0];

/** Why a release cannot run an instance type, or undefined when it can. */
export function instanceTypeProblem(version: CortexVersion, instanceType: string): string | undefined {
    const release = CORTEX_RELEASES[version];
    const family = instanceFamily(instanceType);
    if (!release.nodeGroups.knownFamilies.has(family)) {
        return `an instance type Cortex ${release.tag} knows: its tables have no ${family} instances (cortexVersion ${version})`;
    }
    const refused = release.nodeGroups.refusedFamilies(family);
    return refused ? `${refused} (cortexVersion ${version})` : undefined;
}

/** GPU nodes: NVIDIA families g and p (generate_eks.py: instance type starts with g or p). */
export const isGpuInstance = (instanceType: string) => /^[gp]\d/.test(instanceFamily(instanceType));
/** Inferentia nodes: family inf. */
export const isInferentiaInstance = (instanceType: string) => /^inf\d/.test(instanceFamily(instanceType));
