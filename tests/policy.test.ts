import { strict as assert } from "node:assert";
import { PolicyResource } from "@pulumi/policy";
import { CortexSecureClusterArgs } from "../components";
import { fromPolicyResource, POLICIES, toStackPolicy } from "../policy/pack";
import { evaluate, Finding, PlannedResource, policyDocumentProblems, RULES, SecretValue, UNKNOWN_SENTINEL } from "../policy/rules";
import { offlineResources } from "../tools/engineView";
import { exampleStackRecords } from "./engineStacks";
import { build } from "./harness";

/** What the offline plan's rules see: the engine's view of the mock run, every value known. */
async function planned(args: CortexSecureClusterArgs): Promise<PlannedResource[]> {
    return offlineResources((await build(args)).resources);
}

/** A copy of the resources with one resource's props changed. */
function breakOne(
    resources: PlannedResource[],
    type: string,
    change: (props: Record<string, unknown>) => void,
    nameSuffix = "",
): PlannedResource[] {
    let changed = false;
    const copy = resources.map((resource) => {
        if (changed || resource.type !== type || !resource.name.endsWith(nameSuffix)) return resource;
        changed = true;
        const props = structuredClone(resource.props);
        change(props);
        return { ...resource, props };
    });
    assert.ok(changed, `no ${type} …${nameSuffix} to break`);
    return copy;
}

function findingsOf(rule: string, resources: PlannedResource[]): Finding[] {
    return evaluate(resources).filter((finding) => finding.rule === rule);
}

const secureArgs: CortexSecureClusterArgs = {
    subnetVisibility: "private",
    natGateway: "highly_available",
    operatorLoadBalancerScheme: "internal",
    apiLoadBalancerCidrAllowList: ["203.0.113.0/24"],
    vpcPeering: [{ vpcId: "vpc-0aaaaaaaaaaaaaaa1", cidrBlock: "172.16.0.0/16", routeTableIds: ["rtb-0aaaaaaaaaaaaaa01"] }],
    apiGateway: true,
};

describe("policy pack", () => {
    it("has a name, a description, a level and a fix in every rule", () => {
        assert.ok(RULES.length >= 23);
        assert.equal(new Set(RULES.map((rule) => rule.name)).size, RULES.length);
        for (const rule of RULES) {
            assert.match(rule.name, /^[a-z0-9-]+$/);
            assert.ok(rule.description.length > 20, rule.name);
            assert.ok(["mandatory", "advisory"].includes(rule.enforcementLevel));
        }
        assert.deepEqual(
            POLICIES.map((policy) => [policy.name, policy.enforcementLevel]),
            RULES.map((rule) => [rule.name, rule.enforcementLevel]),
        );
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`finds nothing in what the example stack Pulumi.${stack}.yaml registers`, async () => {
            const resources = offlineResources(await exampleStackRecords(stack));
            assert.ok(resources.length > 80, "the whole stack was built, with the remote components' children");
            assert.deepEqual(
                evaluate(resources).map((f) => [f.rule, f.enforcementLevel, f.urn]),
                [],
            );
        });
    }

    for (const [label, args, advisories] of [
        ["the defaults", {}, []],
        ["a locked-down stack", secureArgs, ["api-gateway-authorization"]],
        ["public nodes behind open load balancers", { subnetVisibility: "public", natGateway: "single" }, []],
    ] as [string, CortexSecureClusterArgs, string[]][]) {
        it(`finds nothing in what ${label} registers${advisories.length ? `, and advises on ${advisories.join(", ")}` : ""}`, async () => {
            const resources = await planned(args);
            const findings = evaluate(resources);
            assert.deepEqual(
                findings.map((f) => f.rule),
                advisories,
            );
        });
    }

    describe("each rule fires on a broken input, with a message saying how to fix it", () => {
        let good: PlannedResource[];
        before(async () => {
            // With KMS on the log groups (the component's known gap), so every rule starts clean.
            good = (await planned(secureArgs)).map((resource) =>
                resource.type === "aws:cloudwatch/logGroup:LogGroup"
                    ? { ...resource, props: { ...resource.props, kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/logs" } }
                    : resource,
            );
        });

        const cases: [string, (resources: PlannedResource[]) => PlannedResource[], RegExp][] = [
            [
                "nodes-in-private-subnets",
                (r) =>
                    breakOne(
                        r,
                        "aws:eks/nodeGroup:NodeGroup",
                        (p) => (p.subnetIds = [r.find((s) => s.type === "aws:ec2/subnet:Subnet" && s.name.endsWith("-public-1"))!.id]),
                        "-ng-worker",
                    ),
                /Node group .*-ng-worker is in public subnets \(.*-vpc-public-1 maps public IPs on launch\).*Fix: give the node group the private subnets only/,
            ],
            [
                "launch-template-imdsv2",
                (r) =>
                    breakOne(
                        r,
                        "aws:ec2/launchTemplate:LaunchTemplate",
                        (p) => (p.metadataOptions = { httpTokens: "optional", httpPutResponseHopLimit: 2 }),
                    ),
                /lets pods reach instance credentials \(httpTokens is "optional"(, the hop limit is \d)?\)\. Fix: metadataOptions/,
            ],
            [
                "launch-template-encrypted-volumes",
                (r) =>
                    breakOne(
                        r,
                        "aws:ec2/launchTemplate:LaunchTemplate",
                        (p) => ((p.blockDeviceMappings as { ebs: { encrypted: string } }[])[0].ebs.encrypted = "false"),
                    ),
                /has unencrypted volumes \(\/dev\/xvda\)\. Fix: .*ebs\.encrypted "true"/,
            ],
            [
                "launch-template-no-public-ip",
                (r) =>
                    breakOne(
                        r,
                        "aws:ec2/launchTemplate:LaunchTemplate",
                        (p) => ((p.networkInterfaces as { associatePublicIpAddress: string }[])[0].associatePublicIpAddress = "true"),
                    ),
                /gives nodes a public IP\. Fix: associatePublicIpAddress "false"/,
            ],
            [
                "eks-secrets-encryption",
                (r) => breakOne(r, "aws:eks/cluster:Cluster", (p) => delete p.encryptionConfig),
                /without envelope encryption\. Fix: encryptionConfig with a KMS key/,
            ],
            [
                "eks-private-endpoint",
                (r) =>
                    breakOne(r, "aws:eks/cluster:Cluster", (p) => ((p.vpcConfig as Record<string, unknown>).endpointPrivateAccess = false)),
                /private endpoint access off.*Fix: vpcConfig\.endpointPrivateAccess true/,
            ],
            [
                "eks-control-plane-logging",
                (r) => breakOne(r, "aws:eks/cluster:Cluster", (p) => (p.enabledClusterLogTypes = ["api"])),
                /does not send its audit log to CloudWatch \(enabled: api\)\. Fix: controlPlaneLogTypes including "audit"/,
            ],
            [
                "eks-all-control-plane-logs",
                (r) => breakOne(r, "aws:eks/cluster:Cluster", (p) => (p.enabledClusterLogTypes = ["api", "audit"])),
                /does not log authenticator, controllerManager, scheduler\. Fix:/,
            ],
            [
                "no-open-ingress",
                (r) =>
                    breakOne(
                        r,
                        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                        (p) => (p.cidrIpv4 = "0.0.0.0/0"),
                        "-operator-lb-in-443-192-168-0-0-16",
                    ),
                /-operator-lb-in-443-192-168-0-0-16 admits the internet \(0\.0\.0\.0\/0\) on port 443\. Fix: admit specific CIDRs/,
            ],
            [
                "load-balancer-role-tags",
                (r) =>
                    breakOne(r, "aws:lb/loadBalancer:LoadBalancer", (p) => (p.tags = { "cortex.dev/cluster-name": "cortex" }), "-api-lb"),
                /lacks its role tags\. Fix: tag cortex\.dev\/cluster-name .* cortex\.dev\/load-balancer with api or operator/,
            ],
            [
                "iam-policy-least-privilege",
                (r) =>
                    breakOne(
                        r,
                        "aws:iam/rolePolicy:RolePolicy",
                        (p) =>
                            (p.policy = JSON.stringify({
                                Version: "2012-10-17",
                                Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "iam:PassRole"], Resource: "*" }],
                            })),
                    ),
                /it allows s3:PutObject on every resource \(\*\); it allows the IAM action iam:PassRole.*Fix: name the actions and scope them/,
            ],
            [
                "access-keys-only-as-secrets",
                (r) =>
                    breakOne(
                        r,
                        "cortex-secure-cluster:index:CortexSecureCluster",
                        (p) => (p.leakedSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                    ),
                /holds a secret access key in leakedSecretAccessKey as a plain value\. Fix: wrap it with pulumi\.secret/,
            ],
            [
                "listener-tls",
                (r) =>
                    breakOne(
                        r,
                        "aws:lb/listener:Listener",
                        (p) => Object.assign(p, { protocol: "TLS", sslPolicy: "ELBSecurityPolicy-2016-08" }),
                        "-api-lb-443",
                    ),
                /terminates TLS with policy ELBSecurityPolicy-2016-08, which accepts TLS older than 1\.2\. Fix: sslPolicy ELBSecurityPolicy-TLS13-1-2-2021-06/,
            ],
            [
                "log-group-kms",
                (r) => breakOne(r, "aws:cloudwatch/logGroup:LogGroup", (p) => delete p.kmsKeyId, "-cortex-logs"),
                /Log group .*-cortex-logs has no KMS key.*Fix: kmsKeyId/,
            ],
        ];
        for (const [rule, breakIt, message] of cases) {
            it(rule, () => {
                assert.deepEqual(findingsOf(rule, good), [], "nothing before breaking");
                const findings = findingsOf(rule, breakIt(good));
                assert.equal(findings.length, 1, JSON.stringify(findings));
                assert.match(findings[0].message, message);
                assert.equal(findings[0].enforcementLevel, RULES.find((r) => r.name === rule)!.enforcementLevel);
            });
        }

        it("no-open-ingress lets an internet-facing load balancer be open only because its allow list says so", async () => {
            const open = await planned({});
            assert.deepEqual(findingsOf("no-open-ingress", open), []);
            const opened = breakOne(open, "cortex-secure-cluster:index:CortexSecureCluster", (p) => {
                (p.posture as { loadBalancers: { api: { allowList: string[] } } }).loadBalancers.api.allowList = ["198.51.100.0/24"];
            });
            assert.equal(findingsOf("no-open-ingress", opened).length, 2, "ports 80 and 443 of the API load balancer");
            const untagged = breakOne(
                open,
                "aws:ec2/securityGroup:SecurityGroup",
                (p) => (p.ingress = [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }]),
                "-nodes",
            );
            assert.match(
                findingsOf("no-open-ingress", untagged)[0].message,
                /-nodes admits the internet \(0\.0\.0\.0\/0\) on port 22\. Fix: admit specific CIDRs/,
            );
        });

        it("admin-planes-not-open flags an operator and a Kubernetes endpoint opened on purpose, as advisory", async () => {
            const listed = await planned({ adminCidrAllowList: ["198.51.100.0/24"] });
            assert.deepEqual(findingsOf("admin-planes-not-open", listed), []);
            const open = await planned({ adminCidrAllowList: ["0.0.0.0/0"] });
            const findings = findingsOf("admin-planes-not-open", open);
            assert.deepEqual(
                findings.map((finding) => finding.enforcementLevel),
                ["advisory", "advisory"],
            );
            assert.match(
                findings[0].message,
                /-operator-lb-in-443-0-0-0-0-0 opens the Cortex operator to the whole internet.*Fix: adminCidrAllowList/,
            );
            assert.match(
                findings[1].message,
                /EKS cluster .*-eks\S* has a public API endpoint open to the whole internet\. Fix: adminCidrAllowList/,
            );
            // Chosen, so not a mandatory finding: the allow list says so.
            assert.deepEqual(findingsOf("no-open-ingress", open), []);
        });

        it("access-keys-only-as-secrets accepts a secret, and catches a key in a tag even in a live preview", () => {
            const asSecret = breakOne(
                good,
                "cortex-secure-cluster:index:CortexSecureCluster",
                (p) => (p.runtimeSecretAccessKey = new SecretValue("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")),
            );
            assert.deepEqual(findingsOf("access-keys-only-as-secrets", asSecret), []);
            const key: PlannedResource = {
                type: "aws:iam/accessKey:AccessKey",
                name: "k",
                urn: "urn:k",
                props: { secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
            };
            const tagged: PlannedResource = {
                type: "aws:s3/bucket:Bucket",
                name: "b",
                urn: "urn:b",
                props: { tags: { note: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } },
            };
            const findings = findingsOf("access-keys-only-as-secrets", [key, tagged]);
            assert.deepEqual(
                findings.map((f) => f.urn),
                ["urn:b"],
            );
            assert.match(findings[0].message, /shows a secret access key in its tags or description/);
        });

        it("the bucket rules fire on a bucket with no encryption, public access block or versioning", () => {
            const bucket: PlannedResource = {
                type: "aws:s3/bucket:Bucket",
                name: "models",
                urn: "urn:bucket",
                props: { bucket: "models-1", id: "models-1" },
            };
            const weakBlock: PlannedResource = {
                type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                name: "models",
                urn: "urn:pab",
                props: {
                    bucket: "models-1",
                    blockPublicAcls: true,
                    blockPublicPolicy: false,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                },
            };
            const findings = evaluate([bucket, weakBlock]);
            assert.deepEqual(
                findings.map((f) => [f.rule, f.enforcementLevel]),
                [
                    ["bucket-encrypted", "mandatory"],
                    ["bucket-public-access-blocked", "mandatory"],
                    ["bucket-tls-only", "mandatory"],
                    ["bucket-versioned", "advisory"],
                ],
            );
            assert.match(findings[0].message, /Fix: a BucketServerSideEncryptionConfiguration/);
        });

        it("ties a bucket's configuration to it by dependency when its name is not known yet (a preview)", () => {
            const bucket: PlannedResource = { type: "aws:s3/bucket:Bucket", name: "models", urn: "urn:bucket", props: {} };
            const encryption: PlannedResource = {
                type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                name: "models",
                urn: "urn:sse",
                props: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] },
                propertyDependencies: { bucket: ["urn:bucket"] },
            };
            assert.deepEqual(findingsOf("bucket-encrypted", [bucket, encryption]), []);
        });
    });

    describe("IAM documents", () => {
        it("accepts scoped writes, reads on *, and the actions that only take *", () => {
            const document = JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: ["sts:GetCallerIdentity", "ecr:GetAuthorizationToken", "cloudwatch:PutMetricData"],
                        Resource: "*",
                    },
                    { Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::cortex-bucket/*" },
                    { Effect: "Deny", Action: "*", Resource: "*" },
                ],
            });
            assert.deepEqual(policyDocumentProblems(document), []);
        });

        it("names service-wide wildcards, NotAction and IAM", () => {
            assert.deepEqual(
                policyDocumentProblems(
                    JSON.stringify({
                        Statement: [
                            { Effect: "Allow", Action: "logs:*", Resource: "arn:aws:logs:::log-group:x" },
                            { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
                        ],
                    }),
                ),
                ["it allows every action of logs (logs:*)", "an Allow with NotAction/NotResource grants everything else"],
            );
            assert.deepEqual(policyDocumentProblems(JSON.stringify({ Statement: { Effect: "Allow", Action: "*", Resource: "*" } })), [
                "it allows every action of every service (*)",
                "it allows * on every resource (*)",
            ]);
        });
    });

    describe("as a Pulumi policy pack", () => {
        const template = {
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            name: "nodes",
            urn: "urn:pulumi:dev::p::aws:ec2/launchTemplate:LaunchTemplate::nodes",
            propertyDependencies: {},
        };
        /** Props behind a proxy that throws on any unknown it is asked for, as @pulumi/policy hands them over. */
        const proxied = (props: Record<string, unknown>) =>
            new Proxy(props, {
                get: (target, key) => {
                    if (key === "__getSpecialProxyTarget") return target;
                    if (target[key as string] === UNKNOWN_SENTINEL) throw new Error("unknown value during preview");
                    return target[key as string];
                },
            });
        const run = (rule: string, props: Record<string, unknown>) => {
            const reported: unknown[] = [];
            void toStackPolicy(RULES.find((r) => r.name === rule)!).validateStack!(
                { resources: [{ ...template, props: proxied(props) }] } as never,
                ((violation: unknown) => reported.push(violation)) as never,
            );
            return reported;
        };

        it("reports each finding against its resource at the rule's level, reading the props behind the proxy", () => {
            assert.deepEqual(
                run("launch-template-imdsv2", { metadataOptions: { httpTokens: "optional" }, blockDeviceMappings: UNKNOWN_SENTINEL }),
                [
                    {
                        message:
                            'Launch template nodes lets pods reach instance credentials (httpTokens is "optional"). Fix: metadataOptions {httpTokens: "required", httpPutResponseHopLimit: 1}.',
                        urn: template.urn,
                        enforcementLevel: "mandatory",
                    },
                ],
            );
        });

        it("reports a deciding value that is unknown as advisory, in the rule's own words", () => {
            const [finding] = run("launch-template-imdsv2", { metadataOptions: UNKNOWN_SENTINEL }) as {
                message: string;
                enforcementLevel: string;
            }[];
            assert.equal(finding.enforcementLevel, "advisory");
            assert.match(
                finding.message,
                /its metadata options are not known yet, so IMDSv2 cannot be checked; the pack checks it again when `pulumi up` finishes/,
            );
        });

        it("keeps the engine's record of where each property came from", () => {
            const dependent = {
                ...template,
                props: {},
                propertyDependencies: { bucket: [{ urn: "urn:bucket" }] },
            } as unknown as PolicyResource;
            assert.deepEqual(fromPolicyResource(dependent).propertyDependencies, { bucket: ["urn:bucket"] });
            assert.equal(fromPolicyResource(dependent).secretsVisible, false);
        });
    });
});
