// The in-cluster end of the doors: bridge Services on the load balancers' NodePorts, the runtime
// keys Secret, the cluster-config ConfigMap, all through a provider on the new cluster.
import { strict as assert } from "node:assert";
import { CortexSecureClusterArgs } from "../components";
import { componentOutputs } from "../components/componentOutputs";
import { apiServerAccessNotes } from "../components/inCluster";
import { resolveSettings } from "../components/settings";
import { RecordedResource } from "../tools/mockCloud";
import { build, Built, isSecret, plainText, revealed, valueOf, withoutSecrets, withAdmins } from "./harness";

const PROVIDER = "pulumi:providers:kubernetes";
const SERVICE = "kubernetes:core/v1:Service";
const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const NAMESPACE = "kubernetes:core/v1:Namespace";

// Cortex's gateway pods, as its manifests label them at v0.18.0, v0.25.0 and v0.42.1.
const OPERATOR_PODS = { app: "operator-istio-gateway", istio: "ingressgateway-operator" };
const APIS_PODS = { app: "apis-istio-gateway", istio: "ingressgateway-apis" };
// Cortex's own Services for them (type LoadBalancer): ours must never take these names.
const CORTEX_SERVICES = ["ingressgateway-operator", "ingressgateway-apis"];

const ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

interface ServiceSpec {
    type: string;
    selector: Record<string, string>;
    externalTrafficPolicy: string;
    ports: { name: string; port: number; targetPort: number; nodePort: number; protocol: string }[];
}
interface Metadata {
    name: string;
    namespace?: string;
}

const metadataOf = (resource: RecordedResource) => resource.inputs.metadata as Metadata;
const specOf = (resource: RecordedResource) => resource.inputs.spec as ServiceSpec;
const kubernetesObjects = (b: Built) => b.resources.filter((r) => r.type.startsWith("kubernetes:"));
const bridge = (b: Built, gateway: "apis" | "operator") => {
    const services = b.ofType(SERVICE).filter((r) => specOf(r).selector.istio === `ingressgateway-${gateway}`);
    assert.equal(services.length, 1, `one Service selecting the ${gateway} gateway`);
    return services[0];
};
const portsOf = (service: RecordedResource) =>
    specOf(service).ports.map(({ name, port, targetPort, nodePort }) => ({ name, port, targetPort, nodePort }));

/** Every listener of a load balancer with the NodePort its target group sends to. */
function listenerNodePorts(b: Built, role: "api" | "operator"): { port: number; protocol: string; nodePort: number }[] {
    const balancer = b
        .ofType("aws:lb/loadBalancer:LoadBalancer")
        .find((r) => (r.inputs.tags as Record<string, string>)["cortex.dev/load-balancer"] === role)!;
    return b
        .ofType("aws:lb/listener:Listener")
        .filter((listener) => listener.inputs.loadBalancerArn === balancer.state.arn)
        .map((listener) => {
            const targetArn = (listener.inputs.defaultActions as { targetGroupArn: string }[])[0].targetGroupArn;
            const targetGroup = b.ofType("aws:lb/targetGroup:TargetGroup").find((group) => group.state.arn === targetArn)!;
            return {
                port: listener.inputs.port as number,
                protocol: listener.inputs.protocol as string,
                nodePort: targetGroup.inputs.port as number,
            };
        })
        .sort((a, b) => a.port - b.port);
}

describe("in-cluster objects", () => {
    const cases: { title: string; args: CortexSecureClusterArgs; secret: boolean }[] = [
        { title: "0.18, iamUser keys", args: { cortexVersion: "0.18" }, secret: true },
        {
            title: "0.25, provided keys",
            args: {
                cortexVersion: "0.25",
                runtimeCredentials: { mode: "provided", accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
            },
            secret: true,
        },
        {
            title: "0.25, serviceAccountRole (no keys)",
            args: { cortexVersion: "0.25", runtimeCredentials: { mode: "serviceAccountRole" } },
            secret: false,
        },
        { title: "0.42, nodeRole", args: { cortexVersion: "0.42" }, secret: false },
    ];

    for (const { title, args, secret } of cases) {
        describe(title, () => {
            let b: Built;
            before(async () => {
                b = await build(args);
            });

            it("bridges the operator NLB's NodePort to the operator gateway's TLS port, under a name of its own", () => {
                const service = bridge(b, "operator");
                assert.equal(metadataOf(service).name, "cortex-secure-cluster-operator");
                assert.equal(metadataOf(service).namespace, "istio-system");
                assert.equal(specOf(service).type, "NodePort");
                assert.deepEqual(specOf(service).selector, OPERATOR_PODS);
                assert.deepEqual(portsOf(service), [{ name: "https", port: 443, targetPort: 443, nodePort: 31443 }]);
                assert.equal(specOf(service).externalTrafficPolicy, "Cluster");
            });

            it("bridges the API NLB's NodePorts to the apis gateway's HTTP and TLS ports", () => {
                const service = bridge(b, "apis");
                assert.equal(metadataOf(service).name, "cortex-secure-cluster-apis");
                assert.equal(metadataOf(service).namespace, "istio-system");
                assert.equal(specOf(service).type, "NodePort");
                assert.deepEqual(specOf(service).selector, APIS_PODS);
                assert.deepEqual(portsOf(service), [
                    { name: "http2", port: 80, targetPort: 80, nodePort: 30080 },
                    { name: "https", port: 443, targetPort: 443, nodePort: 30443 },
                ]);
                assert.equal(specOf(service).externalTrafficPolicy, "Cluster");
            });

            it("makes istio-system for the Services and keeps it on delete (Cortex's gateways live there too)", () => {
                const namespace = b.one(NAMESPACE);
                assert.equal(metadataOf(namespace).name, "istio-system");
                assert.equal(namespace.options.retainOnDelete, true);
                for (const service of b.ofType(SERVICE)) assert.ok(service.options.dependencies.includes(namespace.urn), service.name);
            });

            it("takes none of Cortex's own Service names", () => {
                for (const service of b.ofType(SERVICE))
                    assert.ok(!CORTEX_SERVICES.includes(metadataOf(service).name), metadataOf(service).name);
            });

            it("puts cortexClusterConfig into default/cluster-config as cluster.yaml", async () => {
                const configMap = b.one(CONFIG_MAP);
                assert.deepEqual(
                    { name: metadataOf(configMap).name, namespace: metadataOf(configMap).namespace },
                    { name: "cluster-config", namespace: "default" },
                );
                assert.deepEqual(configMap.inputs.data, { "cluster.yaml": await valueOf(b.cluster.cortexClusterConfig) });
            });

            it("makes every object through a provider on the cluster's own kubeconfig, in the InCluster part", async () => {
                const provider = b.one(PROVIDER);
                assert.equal(b.partOf(provider), "InCluster");
                assert.equal(revealed(provider.inputs.kubeconfig), await valueOf(b.cluster.kubeconfig));
                assert.equal(withoutSecrets(provider.options.serializedInputs.kubeconfig), "[secret]");
                const objects = kubernetesObjects(b);
                assert.equal(objects.length, secret ? 5 : 4);
                for (const object of objects) {
                    assert.equal(object.options.parent, provider.options.parent, object.name);
                    assert.equal(object.options.provider, `${provider.urn}::${provider.id}`, object.name);
                }
            });

            if (secret) {
                it("gives the runtime keys to default/aws-credentials, as a Pulumi secret", async () => {
                    const credentials = b.one(SECRET);
                    assert.deepEqual(
                        { name: metadataOf(credentials).name, namespace: metadataOf(credentials).namespace },
                        { name: "aws-credentials", namespace: "default" },
                    );
                    assert.deepEqual(revealed(credentials.inputs.stringData), {
                        AWS_ACCESS_KEY_ID: await valueOf(b.cluster.runtimeAccessKeyId!),
                        AWS_SECRET_ACCESS_KEY: await valueOf(b.cluster.runtimeSecretAccessKey!),
                    });
                    assert.equal(withoutSecrets(credentials.options.serializedInputs.stringData), "[secret]");
                });

                it("never shows the secret key in plain text: no registration, no plain output", async () => {
                    const secretKey = await valueOf(b.cluster.runtimeSecretAccessKey!);
                    for (const resource of b.resources)
                        assert.ok(!plainText(resource).includes(secretKey), `${resource.type} ${resource.name}`);
                    for (const [name, output] of Object.entries(componentOutputs(b.cluster))) {
                        if (output === undefined || (await isSecret(output))) continue;
                        assert.ok(!JSON.stringify(await valueOf(output)).includes(secretKey), name);
                    }
                });
            } else {
                it("makes no credentials Secret: the release or mode reads no keys", () => {
                    assert.deepEqual(b.ofType(SECRET), []);
                });
            }
        });
    }

    describe("inClusterObjects: false", () => {
        it("makes no provider and nothing in the cluster, whatever the release", async () => {
            const b = await build({ cortexVersion: "0.25", inClusterObjects: false });
            assert.deepEqual(
                b.resources.filter((r) => r.type === PROVIDER || r.type.startsWith("kubernetes:")).map((r) => r.name),
                [],
            );
            // The doors on the AWS side are still built.
            assert.equal(b.ofType("aws:lb/loadBalancer:LoadBalancer").length, 2);
        });
    });
});

describe("in-cluster objects: the NodePorts the target groups use are the ones the bridges expose", () => {
    const portCases: {
        title: string;
        args: CortexSecureClusterArgs;
        api: [number, number, number][];
        operator: [number, number, number][];
    }[] = [
        {
            title: "default NodePorts, TLS passed through",
            args: {},
            // [listener port, NodePort, gateway port in the pod]
            api: [
                [80, 30080, 80],
                [443, 30443, 443],
            ],
            operator: [[443, 31443, 443]],
        },
        {
            title: "custom NodePorts, TLS passed through",
            args: { cortexVersion: "0.18", loadBalancerNodePorts: { apiHttp: 31000, apiHttps: 31001, operatorHttps: 32000 } },
            api: [
                [80, 31000, 80],
                [443, 31001, 443],
            ],
            operator: [[443, 32000, 443]],
        },
        {
            title: "custom NodePorts, TLS terminated at the API NLB",
            args: {
                loadBalancerNodePorts: { apiHttp: 30100, operatorHttps: 30200 },
                sslCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
            },
            // Terminated TLS arrives as plain HTTP: the gateway's HTTP port (and no plain listener on 80 beside TLS).
            api: [[443, 30100, 80]],
            operator: [[443, 30200, 443]],
        },
    ];

    for (const { title, args, api, operator } of portCases) {
        it(title, async () => {
            const b = await build(args);
            for (const [role, gateway, expected] of [
                ["api", "apis", api],
                ["operator", "operator", operator],
            ] as const) {
                const bridged = portsOf(bridge(b, gateway));
                const routes = listenerNodePorts(b, role).map(({ port, nodePort }) => {
                    const exposed = bridged.find((bridgePort) => bridgePort.nodePort === nodePort);
                    assert.ok(
                        exposed,
                        `${role} listener ${port} sends to NodePort ${nodePort}, which the ${gateway} bridge does not expose`,
                    );
                    return [port, nodePort, exposed.targetPort];
                });
                assert.deepEqual(routes, expected);
            }
        });
    }
});

describe("in-cluster objects: reaching the API server during pulumi up", () => {
    const notes = (args: CortexSecureClusterArgs) => apiServerAccessNotes(resolveSettings(withAdmins(args))).join("\n");

    it("says a private-only endpoint needs the deploying machine inside the VPC, and the error otherwise", () => {
        const text = notes({ clusterEndpointPublicAccess: false });
        assert.match(text, /inside the cluster's VPC/);
        assert.match(text, /A new VPC has nothing inside it on the first `pulumi up`/);
        assert.match(text, /dial tcp …:443: i\/o timeout/);
        assert.match(
            notes({ clusterEndpointPublicAccess: false, vpcPeering: [{ vpcId: "vpc-0a1b2c3d4e5f67890", cidrBlock: "10.30.0.0/16" }] }),
            /or a peered VPC/,
        );
    });

    it("says an allow-listed public endpoint needs the deploying machine inside the list, which cannot be known offline", () => {
        const text = notes({ clusterEndpointPublicAccessCidrs: ["203.0.113.0/24"] });
        assert.match(text, /admits only 203\.0\.113\.0\/24/);
        assert.match(text, /cannot be known offline/);
        assert.match(text, /Unable to connect to the server/);
    });

    it("expects no failure from an open public endpoint, and says nothing when there are no in-cluster objects", () => {
        // Opened on purpose to the internet: any machine reaches it.
        assert.doesNotMatch(notes({ adminCidrAllowList: ["0.0.0.0/0"] }), /i\/o timeout/);
        assert.deepEqual(
            apiServerAccessNotes(resolveSettings(withAdmins({ clusterEndpointPublicAccess: false, inClusterObjects: false }))),
            [],
        );
    });

    it("warns at construction when the endpoint is private only", async () => {
        const { warnings } = await build({ clusterEndpointPublicAccess: false });
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /private only: that machine must be inside the cluster's VPC/);
    });
});
