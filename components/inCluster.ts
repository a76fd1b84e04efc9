// The in-cluster end of the component's doors: what a Cortex install looks for inside the cluster,
// made through a Kubernetes provider on the new cluster.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CORTEX_RELEASES, IngressGateway } from "./cortexReleases";
import { Settings } from "./settings";
import { Within } from "./parts";

/** Our Services' names: never Cortex's own (`ingressgateway-*`), which Cortex installs and replaces. */
export const BRIDGE_SERVICE_NAMES = { apis: "cortex-secure-cluster-apis", operator: "cortex-secure-cluster-operator" } as const;

/** Where keys releases read the runtime keys (manager/manifests/operator.yaml@v0.18.0 :72, operator.yaml.j2@v0.25.0 :73). */
export const CREDENTIALS_SECRET = {
    namespace: "default",
    name: "aws-credentials",
    keys: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
} as const;

/** Where the operator reads its cluster configuration (operator.yaml.j2@v0.42.1 :72-79, install.sh `setup_configmap`). */
export const CLUSTER_CONFIG_MAP = { namespace: "default", name: "cluster-config", key: "cluster.yaml" } as const;

/** One port of a bridge Service: the gateway's port in the pod, on a fixed NodePort. */
export interface BridgePort {
    name: string;
    port: number;
    targetPort: number;
    nodePort: number;
}

/** A bridge Service's spec, as declared and as the offline plan reads it back. */
export interface BridgeServiceSpec {
    type: "NodePort";
    selector: Record<string, string>;
    ports: BridgePort[];
    externalTrafficPolicy: "Cluster";
}

/** One in-cluster object as planned: what the offline plan shows and the tests hold the build to. */
export type InClusterObjectPlan =
    | { kind: "Namespace"; name: string }
    | ({
          kind: "Service";
          gateway: "apis" | "operator";
          namespace: string;
          name: string;
          /** Cortex's own Service for the same gateway. */
          cortexService: string;
      } & BridgeServiceSpec)
    | { kind: "Secret"; namespace: string; name: string; keys: string[] }
    | { kind: "ConfigMap"; namespace: string; name: string; keys: string[] };

export type InClusterSettings = Pick<Settings, "cortexVersion" | "loadBalancerNodePorts" | "runtimeCredentials" | "inClusterObjects">;

/** Whether the release reads keys and the mode makes some: then the Secret holds them. */
export function needsCredentialsSecret(settings: Pick<Settings, "cortexVersion" | "runtimeCredentials">): boolean {
    const mode = settings.runtimeCredentials.mode;
    return CORTEX_RELEASES[settings.cortexVersion].runtimeIdentity === "keysSecret" && (mode === "iamUser" || mode === "provided");
}

/** The objects the component makes in the cluster; none when `inClusterObjects` is off. */
export function planInClusterObjects(settings: InClusterSettings): InClusterObjectPlan[] {
    if (!settings.inClusterObjects) return [];
    const gateways = CORTEX_RELEASES[settings.cortexVersion].ingressGateways;
    const ports = settings.loadBalancerNodePorts;
    // Port numbers as Cortex's own Services have them: Istio 1.7+ takes a Gateway server's listener
    // port from the Services selecting the gateway, so ours must agree with Cortex's.
    const http = (gateway: IngressGateway, nodePort: number): BridgePort => ({
        name: "http2",
        port: 80,
        targetPort: gateway.httpPort,
        nodePort,
    });
    const https = (gateway: IngressGateway, nodePort: number): BridgePort => ({
        name: "https",
        port: 443,
        targetPort: gateway.httpsPort,
        nodePort,
    });
    const bridge = (gateway: "apis" | "operator", servicePorts: BridgePort[]): InClusterObjectPlan => ({
        kind: "Service",
        gateway,
        namespace: gateways.namespace,
        name: BRIDGE_SERVICE_NAMES[gateway],
        type: "NodePort",
        selector: { ...gateways[gateway].podLabels },
        ports: servicePorts,
        // Cortex's gateways run on the operator nodes (the workers' taint keeps them off), while the
        // API load balancer targets the workers: with Local every worker would fail its health check
        // and drop the traffic. With Cluster a node passes only if a connection through it reaches a
        // ready gateway pod somewhere, which is what the load balancer needs to know.
        externalTrafficPolicy: "Cluster",
        cortexService: gateways[gateway].serviceName,
    });
    return [
        // Cortex's install applies the same namespace later; it must exist for the Services now.
        { kind: "Namespace", name: gateways.namespace },
        bridge("apis", [http(gateways.apis, ports.apiHttp), https(gateways.apis, ports.apiHttps)]),
        bridge("operator", [https(gateways.operator, ports.operatorHttps)]),
        ...(needsCredentialsSecret(settings)
            ? [
                  {
                      kind: "Secret" as const,
                      namespace: CREDENTIALS_SECRET.namespace,
                      name: CREDENTIALS_SECRET.name,
                      keys: [...CREDENTIALS_SECRET.keys],
                  },
              ]
            : []),
        { kind: "ConfigMap", namespace: CLUSTER_CONFIG_MAP.namespace, name: CLUSTER_CONFIG_MAP.name, keys: [CLUSTER_CONFIG_MAP.key] },
    ];
}

/** What the provider and its objects were built from. */
export interface InClusterObjects {
    provider: k8s.Provider;
    /** Every object made through the provider, by kind and name. */
    objects: pulumi.CustomResource[];
}

/** Makes {@link planInClusterObjects}'s objects through a provider on the cluster's own kubeconfig. */
export function createInClusterObjects(part: {
    name: string;
    settings: InClusterSettings;
    kubeconfig: pulumi.Output<string>;
    /** The runtime keys; required when the release reads them from the Secret. */
    runtimeKeys: { accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> } | undefined;
    clusterConfig: pulumi.Output<string>;
    within: Within;
}): InClusterObjects {
    const { name, settings, kubeconfig, runtimeKeys, clusterConfig, within } = part;
    const { parent } = within;
    const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig }, within);
    const opts = { ...within, provider };
    const labels = { "app.kubernetes.io/managed-by": "cortex-secure-cluster" };
    const objects: pulumi.CustomResource[] = [];
    let namespace: k8s.core.v1.Namespace | undefined;
    for (const object of planInClusterObjects(settings)) {
        switch (object.kind) {
            case "Namespace":
                // Kept on delete: it is Cortex's namespace too, and removing ours must not remove Cortex's gateways.
                namespace = new k8s.core.v1.Namespace(
                    `${name}-${object.name}`,
                    { metadata: { name: object.name } },
                    { ...opts, retainOnDelete: true },
                );
                objects.push(namespace);
                break;
            case "Service":
                objects.push(
                    new k8s.core.v1.Service(
                        `${name}-${object.name}`,
                        {
                            metadata: {
                                name: object.name,
                                namespace: object.namespace,
                                labels,
                                // The gateways come with Cortex, later: there is nothing to wait for now.
                                annotations: { "pulumi.com/skipAwait": "true" },
                            },
                            spec: {
                                type: object.type,
                                selector: object.selector,
                                ports: object.ports.map((port) => ({ ...port, protocol: "TCP" })),
                                externalTrafficPolicy: object.externalTrafficPolicy,
                            },
                        },
                        { ...opts, dependsOn: namespace ? [namespace] : [] },
                    ),
                );
                break;
            case "Secret": {
                if (!runtimeKeys) {
                    throw new pulumi.ResourceError(
                        `Cortex ${settings.cortexVersion} reads runtime keys, but the identity part made none`,
                        parent,
                    );
                }
                // Secret as a whole, so neither value shows in a diff, a log or the state.
                const stringData = pulumi.secret(
                    pulumi.all({ AWS_ACCESS_KEY_ID: runtimeKeys.accessKeyId, AWS_SECRET_ACCESS_KEY: runtimeKeys.secretAccessKey }),
                );
                objects.push(
                    new k8s.core.v1.Secret(
                        `${name}-${object.name}`,
                        { metadata: { name: object.name, namespace: object.namespace, labels }, type: "Opaque", stringData },
                        opts,
                    ),
                );
                break;
            }
            case "ConfigMap":
                objects.push(
                    new k8s.core.v1.ConfigMap(
                        `${name}-${object.name}`,
                        {
                            metadata: { name: object.name, namespace: object.namespace, labels },
                            data: { [CLUSTER_CONFIG_MAP.key]: clusterConfig },
                        },
                        opts,
                    ),
                );
                break;
        }
    }
    return { provider, objects };
}

/**
 * Why `pulumi up` might not reach the cluster's API server to make the in-cluster objects, as far
 * as the settings tell before anything exists; empty when `inClusterObjects` is off.
 */
export function apiServerAccessNotes(
    settings: Pick<
        Settings,
        "inClusterObjects" | "clusterEndpointPublicAccess" | "clusterEndpointPublicAccessCidrs" | "vpcPeering" | "existingVpc"
    >,
): string[] {
    if (!settings.inClusterObjects) return [];
    const failure =
        "Otherwise creating the in-cluster objects fails after the cluster exists, with `configured Kubernetes cluster is unreachable: … dial tcp …:443: i/o timeout` " +
        "(kubectl: `Unable to connect to the server`).";
    const client =
        "`pulumi up` talks to the cluster's API endpoint from the machine it runs on, with that machine's AWS identity and the `aws` CLI (kubeconfig `aws eks get-token`).";
    if (!settings.clusterEndpointPublicAccess) {
        const peers = settings.vpcPeering.length > 0 ? " or a peered VPC" : "";
        const newVpc = settings.existingVpc
            ? ""
            : " A new VPC has nothing inside it on the first `pulumi up`: deploy with public access first, or with inClusterObjects off.";
        return [
            client,
            `The endpoint is private only: that machine must be inside the cluster's VPC${peers} (or connected to it), and the EKS cluster security group ` +
                `must admit it on 443 (by default it admits only the cluster's own members). Neither can be checked before deploying.${newVpc}`,
            failure,
        ];
    }
    const cidrs = settings.clusterEndpointPublicAccessCidrs;
    if (cidrs.includes("0.0.0.0/0")) return [client, "The public endpoint admits any address (0.0.0.0/0), so any machine reaches it."];
    return [
        client,
        `The public endpoint admits only ${cidrs.join(", ")}: that machine's public address must be inside them. ` +
            "It cannot be known offline or before deploying: check it where `pulumi up` runs.",
        failure,
    ];
}
