import { strict as assert } from "node:assert";
import { CortexSecureClusterArgs, LoadBalancerScheme, SubnetVisibility } from "../components";
import { LOAD_BALANCER_TAG } from "../components/constants";
import { TLS_POLICY } from "../components/loadBalancers";
import { Built, build, TEST_ADMIN_CIDRS, valueOf } from "./harness";
import { RecordedResource } from "../tools/mockCloud";

const LB = "aws:lb/loadBalancer:LoadBalancer";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const LISTENER = "aws:lb/listener:Listener";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const ATTACHMENT = "aws:autoscaling/attachment:Attachment";

interface Rule {
    port: number;
    cidr?: string;
    from?: string;
}

/** What a security group admits, as (port, source) pairs in a stable order. */
function ingressOf(b: Built, securityGroupId: string): Rule[] {
    return b
        .ofType(INGRESS)
        .filter((rule) => rule.inputs.securityGroupId === securityGroupId)
        .map((rule) => {
            assert.equal(rule.inputs.ipProtocol, "tcp");
            assert.equal(rule.inputs.fromPort, rule.inputs.toPort, "single ports only");
            return rule.inputs.cidrIpv4 !== undefined
                ? { port: rule.inputs.fromPort as number, cidr: rule.inputs.cidrIpv4 as string }
                : { port: rule.inputs.fromPort as number, from: rule.inputs.referencedSecurityGroupId as string };
        })
        .sort((a, b) => a.port - b.port || String(a.cidr ?? a.from).localeCompare(String(b.cidr ?? b.from)));
}

function loadBalancer(b: Built, role: "api" | "operator"): RecordedResource {
    return b.one(LB, `-${role}-lb`);
}

function securityGroup(b: Built, role: "api" | "operator"): RecordedResource {
    return b.one(SG, `-${role}-lb`);
}

function listenersOf(b: Built, role: "api" | "operator") {
    const lb = loadBalancer(b, role);
    return b
        .ofType(LISTENER)
        .filter((listener) => listener.inputs.loadBalancerArn === lb.state.arn)
        .map((listener) => {
            const targetGroup = b
                .ofType(TARGET_GROUP)
                .find((tg) => tg.state.arn === (listener.inputs.defaultActions as { targetGroupArn: string }[])[0].targetGroupArn)!;
            return {
                port: listener.inputs.port,
                protocol: listener.inputs.protocol,
                certificateArn: listener.inputs.certificateArn,
                sslPolicy: listener.inputs.sslPolicy,
                nodePort: targetGroup.inputs.port,
            };
        })
        .sort((a, b) => (a.port as number) - (b.port as number));
}

const schemes: LoadBalancerScheme[] = ["internet-facing", "internal"];
const visibilities: SubnetVisibility[] = ["public", "private"];

describe("load balancers", () => {
    for (const subnetVisibility of visibilities) {
        for (const apiLoadBalancerScheme of schemes) {
            for (const operatorLoadBalancerScheme of schemes) {
                const args: CortexSecureClusterArgs = {
                    subnetVisibility,
                    apiLoadBalancerScheme,
                    operatorLoadBalancerScheme,
                    vpcCidr: "10.10.0.0/16",
                    vpcPeering: [{ vpcId: "vpc-0fedcba9876543210", cidrBlock: "172.20.0.0/16" }],
                    nodeGroups: [
                        { name: "cpu", instanceType: "m5.large" },
                        { name: "gpu", instanceType: "g4dn.xlarge" },
                    ],
                };
                describe(`${subnetVisibility} nodes, ${apiLoadBalancerScheme} API, ${operatorLoadBalancerScheme} operator`, () => {
                    let b: Built;
                    before(async () => {
                        b = await build(args);
                    });

                    it("gives each load balancer its own scheme, in the subnets of that scheme whatever the nodes' visibility", async () => {
                        const publicSubnets = await valueOf(b.cluster.publicSubnetIds);
                        const privateSubnets = await valueOf(b.cluster.privateSubnetIds);
                        for (const [role, scheme] of [
                            ["api", apiLoadBalancerScheme],
                            ["operator", operatorLoadBalancerScheme],
                        ] as const) {
                            const lb = loadBalancer(b, role);
                            assert.equal(lb.inputs.loadBalancerType, "network");
                            assert.equal(lb.inputs.internal, scheme === "internal", role);
                            assert.deepEqual(lb.inputs.subnets, scheme === "internal" ? privateSubnets : publicSubnets, role);
                            assert.equal(lb.inputs.enableCrossZoneLoadBalancing, true);
                            assert.deepEqual(lb.inputs.securityGroups, [securityGroup(b, role).id]);
                        }
                        const nodeSubnets = b.one("eks:index:ManagedNodeGroup", "-ng-operator").inputs.subnetIds;
                        assert.deepEqual(nodeSubnets, subnetVisibility === "private" ? privateSubnets : publicSubnets);
                    });

                    it("admits exactly the allow list on exactly the listener ports", () => {
                        // Internet-facing: the API serves anyone, the operator only the admins.
                        const expected = (scheme: LoadBalancerScheme, internet: string[], ports: number[]) =>
                            (scheme === "internal" ? ["10.10.0.0/16", "172.20.0.0/16"] : internet)
                                .flatMap((cidr) => ports.map((port) => ({ port, cidr })))
                                .sort((x, y) => x.port - y.port || x.cidr.localeCompare(y.cidr));
                        assert.deepEqual(
                            ingressOf(b, securityGroup(b, "api").id),
                            expected(apiLoadBalancerScheme, ["0.0.0.0/0"], [80, 443]),
                        );
                        assert.deepEqual(
                            ingressOf(b, securityGroup(b, "operator").id),
                            expected(operatorLoadBalancerScheme, TEST_ADMIN_CIDRS, [443]),
                        );
                        assert.equal(securityGroup(b, "api").inputs.ingress, undefined, "no inline rules beside the listed ones");
                    });

                    it("lets the nodes admit load balancer traffic only from the load balancers' security groups, only on the NodePorts", () => {
                        const nodeSecurityGroup = b.one(SG, "-nodes").id;
                        assert.deepEqual(ingressOf(b, nodeSecurityGroup), [
                            { port: 30080, from: securityGroup(b, "api").id },
                            { port: 30443, from: securityGroup(b, "api").id },
                            { port: 31443, from: securityGroup(b, "operator").id },
                        ]);
                        const egress = b
                            .ofType(EGRESS)
                            .map((rule) => [
                                rule.inputs.securityGroupId,
                                rule.inputs.fromPort,
                                rule.inputs.toPort,
                                rule.inputs.referencedSecurityGroupId,
                            ]);
                        assert.deepEqual(
                            egress.sort(),
                            [
                                [securityGroup(b, "api").id, 30080, 30080, nodeSecurityGroup],
                                [securityGroup(b, "api").id, 30443, 30443, nodeSecurityGroup],
                                [securityGroup(b, "operator").id, 31443, 31443, nodeSecurityGroup],
                            ].sort(),
                        );
                    });

                    it("listens on TCP 80 and 443 (pass-through) for the API and TCP 443 for the operator", () => {
                        assert.deepEqual(listenersOf(b, "api"), [
                            { port: 80, protocol: "TCP", certificateArn: undefined, sslPolicy: undefined, nodePort: 30080 },
                            { port: 443, protocol: "TCP", certificateArn: undefined, sslPolicy: undefined, nodePort: 30443 },
                        ]);
                        assert.deepEqual(listenersOf(b, "operator"), [
                            { port: 443, protocol: "TCP", certificateArn: undefined, sslPolicy: undefined, nodePort: 31443 },
                        ]);
                    });

                    it("targets TCP NodePorts on the worker groups' instances for the API and the operator group's for the operator, with health checks", () => {
                        const targetGroups = b.ofType(TARGET_GROUP);
                        assert.equal(targetGroups.length, 3);
                        for (const targetGroup of targetGroups) {
                            assert.deepEqual(
                                [
                                    targetGroup.inputs.protocol,
                                    targetGroup.inputs.targetType,
                                    (targetGroup.inputs.healthCheck as { protocol: string }).protocol,
                                ],
                                ["TCP", "instance", "TCP"],
                            );
                        }
                        const attachedAsgs = (nodePort: number) => {
                            const targetGroup = targetGroups.find((tg) => tg.inputs.port === nodePort)!;
                            return b
                                .ofType(ATTACHMENT)
                                .filter((attachment) => attachment.inputs.lbTargetGroupArn === targetGroup.state.arn)
                                .map((attachment) => attachment.inputs.autoscalingGroupName)
                                .sort();
                        };
                        const asgOf = (group: string) =>
                            (
                                b.one("eks:index:ManagedNodeGroup", `-ng-${group}`).state.nodeGroup as {
                                    resources: { autoscalingGroups: { name: string }[] }[];
                                }
                            ).resources[0].autoscalingGroups[0].name;
                        assert.deepEqual(attachedAsgs(30080), [asgOf("cpu"), asgOf("gpu")].sort());
                        assert.deepEqual(attachedAsgs(30443), [asgOf("cpu"), asgOf("gpu")].sort());
                        assert.deepEqual(attachedAsgs(31443), [asgOf("operator")]);
                    });

                    it("tags each load balancer with the cluster name and its role", () => {
                        for (const role of ["api", "operator"] as const) {
                            const tags = loadBalancer(b, role).inputs.tags as Record<string, string>;
                            assert.equal(tags["cortex.dev/cluster-name"], "cortex");
                            assert.equal(tags[LOAD_BALANCER_TAG], role);
                        }
                    });

                    it("outputs the DNS names and endpoints", async () => {
                        const apiDns = await valueOf(b.cluster.apiLoadBalancerDnsName);
                        const operatorDns = await valueOf(b.cluster.operatorLoadBalancerDnsName);
                        assert.equal(apiDns, loadBalancer(b, "api").state.dnsName);
                        assert.equal(operatorDns, loadBalancer(b, "operator").state.dnsName);
                        assert.equal(await valueOf(b.cluster.apiEndpoint), `http://${apiDns}`);
                        assert.equal(await valueOf(b.cluster.operatorEndpoint), `https://${operatorDns}`);
                    });
                });
            }
        }
    }

    it("admits a /32 allow-list entry as given, and nothing open", async () => {
        const b = await build({
            apiLoadBalancerCidrAllowList: ["203.0.113.7/32", "198.51.100.0/24"],
            operatorLoadBalancerCidrAllowList: ["203.0.113.7/32"],
        });
        assert.deepEqual(ingressOf(b, securityGroup(b, "operator").id), [{ port: 443, cidr: "203.0.113.7/32" }]);
        assert.deepEqual(ingressOf(b, securityGroup(b, "api").id), [
            { port: 80, cidr: "198.51.100.0/24" },
            { port: 80, cidr: "203.0.113.7/32" },
            { port: 443, cidr: "198.51.100.0/24" },
            { port: 443, cidr: "203.0.113.7/32" },
        ]);
        const anyOpen = b.ofType(INGRESS).filter((rule) => rule.inputs.cidrIpv4 === "0.0.0.0/0");
        assert.deepEqual(anyOpen, [], "no rule admits 0.0.0.0/0 unless an allow list says so");
    });

    it("defaults an internal load balancer's allow list to the VPC CIDR and every peer CIDR", async () => {
        const b = await build({
            apiLoadBalancerScheme: "internal",
            operatorLoadBalancerScheme: "internal",
            existingVpc: {
                vpcId: "vpc-0123456789abcdef0",
                cidrBlock: "10.30.0.0/16",
                publicSubnetIds: [],
                privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
                routeTableIds: ["rtb-0bbbbbbbbbbbbbbb1"],
            },
            vpcPeering: [
                { vpcId: "vpc-0aaaaaaaaaaaaaaa1", cidrBlock: "172.16.0.0/16" },
                { vpcId: "vpc-0aaaaaaaaaaaaaaa2", cidrBlock: "172.17.0.0/24", ownerId: "210987654321" },
            ],
        });
        const operatorSources = ingressOf(b, securityGroup(b, "operator").id).map((rule) => rule.cidr);
        assert.deepEqual(operatorSources, ["10.30.0.0/16", "172.16.0.0/16", "172.17.0.0/24"]);
        assert.equal(b.ofType(INGRESS).filter((rule) => rule.inputs.cidrIpv4 === "0.0.0.0/0").length, 0);
    });

    it("with a certificate, terminates TLS on the API's 443 with a modern policy and listens on nothing else", async () => {
        const certificate = "arn:aws:acm:us-west-2:123456789012:certificate/0b5e0a1c-1111-2222-3333-444455556666";
        const b = await build({ sslCertificateArn: certificate });
        assert.deepEqual(listenersOf(b, "api"), [
            { port: 443, protocol: "TLS", certificateArn: certificate, sslPolicy: TLS_POLICY, nodePort: 30080 },
        ]);
        // No client reaches port 80: it has neither a listener nor a rule.
        assert.deepEqual(ingressOf(b, securityGroup(b, "api").id), [{ port: 443, cidr: "0.0.0.0/0" }]);
        assert.equal(b.ofType(TARGET_GROUP).length, 2, "one API target group, one operator target group");
        assert.deepEqual(
            ingressOf(b, b.one(SG, "-nodes").id).map((rule) => rule.port),
            [30080, 31443],
        );
        assert.match(await valueOf(b.cluster.apiEndpoint), /^https:\/\//);
    });

    it("keeps plain HTTP on 80 beside TLS only when apiHttpListener asks for it", async () => {
        const certificate = "arn:aws:acm:us-west-2:123456789012:certificate/0b5e0a1c-1111-2222-3333-444455556666";
        const b = await build({ sslCertificateArn: certificate, apiHttpListener: true });
        assert.deepEqual(
            listenersOf(b, "api").map((l) => [l.port, l.protocol]),
            [
                [80, "TCP"],
                [443, "TLS"],
            ],
        );
        assert.deepEqual(
            ingressOf(b, securityGroup(b, "api").id).map((rule) => rule.port),
            [80, 443],
        );
    });

    it("has deletion protection on both load balancers with protectData, and none without", async () => {
        const kept = await build({});
        assert.deepEqual(
            kept.ofType(LB).map((lb) => lb.inputs.enableDeletionProtection),
            [true, true],
        );
        const disposable = await build({ protectData: false });
        assert.deepEqual(
            disposable.ofType(LB).map((lb) => lb.inputs.enableDeletionProtection),
            [false, false],
        );
    });

    it("sends traffic to the NodePorts given", async () => {
        const b = await build({ loadBalancerNodePorts: { apiHttp: 32080, operatorHttps: 32443 } });
        assert.deepEqual(
            listenersOf(b, "api").map((l) => l.nodePort),
            [32080, 30443],
        );
        assert.deepEqual(
            listenersOf(b, "operator").map((l) => l.nodePort),
            [32443],
        );
        assert.deepEqual(
            ingressOf(b, b.one(SG, "-nodes").id).map((rule) => rule.port),
            [30443, 32080, 32443],
        );
    });
});
