import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { PolicyResource } from "@pulumi/policy";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzeResponse,
    AnalyzerInfo,
    AnalyzerResource,
    AnalyzerResourceOptions,
    AnalyzeStackRequest,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { CortexSecureClusterArgs, parseStackConfig, readStackFile } from "../components";
import { fromPolicyResource, POLICIES, toStackPolicy } from "../policy/pack";
import { evaluate, Finding, PlannedResource, policyDocumentProblems, reveal, RULES, SecretValue } from "../policy/rules";
import { build } from "./harness";
import { mockCloud, toPlannedResources } from "../tools/mockCloud";

async function planned(args: CortexSecureClusterArgs): Promise<PlannedResource[]> {
    return toPlannedResources((await build(args)).resources);
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
        assert.ok(RULES.length >= 15);
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

    for (const stack of ["dev", "prod"]) {
        it(`finds nothing in what the example stack Pulumi.${stack}.yaml registers`, async () => {
            const { config, secretKeys } = readStackFile(readFileSync(join(__dirname, "..", `Pulumi.${stack}.yaml`), "utf8"));
            mockCloud.region = config["aws:region"];
            const resources = await planned(parseStackConfig(config, secretKeys));
            assert.ok(resources.length > 50, "the whole stack was built");
            assert.deepEqual(evaluate(resources), []);
        });
    }

    for (const [label, args] of [
        ["the defaults", {}],
        ["a locked-down stack", secureArgs],
        ["public nodes behind open load balancers", { subnetVisibility: "public", natGateway: "single" }],
    ] as [string, CortexSecureClusterArgs][]) {
        it(`finds nothing in what ${label} registers`, async () => {
            assert.deepEqual(evaluate(await planned(args)), []);
        });
    }

    describe("each rule fires on a broken input, with a message saying how to fix it", () => {
        let good: PlannedResource[];
        before(async () => {
            good = await planned(secureArgs);
        });

        const cases: [string, (resources: PlannedResource[]) => PlannedResource[], RegExp][] = [
            [
                "nodes-in-private-subnets",
                (r) => breakOne(r, "eks:index:ManagedNodeGroup", (p) => (p.subnetIds = ["subnet-0ffffffffffffffff"]), "-ng-worker"),
                /Node group .*-ng-worker has subnets outside the private subnets \(subnet-0ffffffffffffffff\).*Fix: give the node group the component's privateSubnetIds only/,
            ],
            [
                "launch-template-imdsv2",
                (r) =>
                    breakOne(
                        r,
                        "aws:ec2/launchTemplate:LaunchTemplate",
                        (p) => (p.metadataOptions = { httpTokens: "optional", httpPutResponseHopLimit: 2 }),
                    ),
                /lets pods reach instance credentials \(httpTokens is "optional", the hop limit is 2\)\. Fix: metadataOptions/,
            ],
            [
                "launch-template-encrypted-volumes",
                (r) =>
                    breakOne(
                        r,
                        "aws:ec2/launchTemplate:LaunchTemplate",
                        (p) => ((p.blockDeviceMappings as { ebs: { encrypted: string } }[])[0].ebs.encrypted = "false"),
                    ),
                /has unencrypted volumes \(\/dev\/xvda\)\. Fix: ebs\.encrypted "true"/,
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
                (r) => breakOne(r, "eks:index:Cluster", (p) => delete p.encryptionConfigKeyArn),
                /without envelope encryption\. Fix: encryptionConfigKeyArn/,
            ],
            [
                "eks-private-endpoint",
                (r) => breakOne(r, "eks:index:Cluster", (p) => (p.endpointPrivateAccess = false)),
                /private endpoint access off.*Fix: endpointPrivateAccess true/,
            ],
            [
                "eks-control-plane-logging",
                (r) => breakOne(r, "eks:index:Cluster", (p) => (p.enabledClusterLogTypes = ["api"])),
                /does not send its audit log to CloudWatch \(enabled: api\)\. Fix: controlPlaneLogTypes including "audit"/,
            ],
            [
                "eks-all-control-plane-logs",
                (r) => breakOne(r, "eks:index:Cluster", (p) => (p.enabledClusterLogTypes = ["api", "audit"])),
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
                /admits the whole internet to the operator load balancer, which its allow list does not say\. Fix: admit only the CIDRs of its allow list/,
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
                /it allows s3:PutObject on every resource \(\*\); it allows the IAM action iam:PassRole.*Fix: name the actions and scope writes/,
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
                /-nodes admits the whole internet\. Fix: admit specific CIDRs/,
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
                /EKS cluster .*-eks has a public API endpoint open to the whole internet\. Fix: adminCidrAllowList/,
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
        it("reports each finding against its resource, reading dependencies from the preview", () => {
            const policy = toStackPolicy(RULES.find((rule) => rule.name === "launch-template-imdsv2")!);
            const template = {
                type: "aws:ec2/launchTemplate:LaunchTemplate",
                name: "nodes",
                urn: "urn:pulumi:dev::p::aws:ec2/launchTemplate:LaunchTemplate::nodes",
                props: { metadataOptions: { httpTokens: "optional" } },
                propertyDependencies: {},
            } as unknown as PolicyResource;
            const reported: [string, string | undefined][] = [];
            void policy.validateStack!({ resources: [template] } as never, (message, urn) => reported.push([message, urn]));
            assert.equal(reported.length, 1);
            assert.equal(reported[0][1], template.urn);
            assert.match(reported[0][0], /httpTokens is "optional"/);

            const dependent = { ...template, propertyDependencies: { bucket: [{ urn: "urn:bucket" }] } } as unknown as PolicyResource;
            assert.deepEqual(fromPolicyResource(dependent).propertyDependencies, { bucket: ["urn:bucket"] });
            assert.equal(fromPolicyResource(dependent).secretsVisible, false);
        });
    });
});

describe("the policy pack as Pulumi runs it", function () {
    this.timeout(60_000);
    let server: ChildProcess;
    let client: AnalyzerClient;

    before(async () => {
        // The engine starts the pack in its folder and reads the port it serves on from stdout.
        server = spawn(process.execPath, ["--import", "tsx", "index.ts"], {
            cwd: join(__dirname, "..", "policy"),
            stdio: ["ignore", "pipe", "pipe"],
        });
        const port = await new Promise<string>((resolve, reject) => {
            server.stdout!.once("data", (data) => resolve(String(data).trim()));
            server.once("exit", (code) => reject(new Error(`the policy pack exited with ${code}`)));
        });
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });
    after(() => {
        client?.close();
        server?.kill();
    });

    const analyze = (resources: PlannedResource[]) => {
        const request = new AnalyzeStackRequest();
        request.setResourcesList(
            resources.map((resource) => {
                const analyzed = new AnalyzerResource();
                analyzed.setType(resource.type);
                analyzed.setUrn(resource.urn);
                analyzed.setName(resource.name);
                analyzed.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(reveal(resource.props)))));
                analyzed.setOptions(new AnalyzerResourceOptions());
                return analyzed;
            }),
        );
        return new Promise<AnalyzeResponse>((resolve, reject) =>
            client.analyzeStack(request, (error, response) => (error ? reject(error) : resolve(response))),
        );
    };

    it("announces every rule with its enforcement level", async () => {
        const info = await new Promise<AnalyzerInfo>((resolve, reject) =>
            client.getAnalyzerInfo(new Empty(), (error, response) => (error ? reject(error) : resolve(response))),
        );
        assert.equal(info.getName(), "cortex-secure-cluster");
        const levels = ["advisory", "mandatory"];
        assert.deepEqual(
            info.getPoliciesList().map((policy) => [policy.getName(), levels[policy.getEnforcementlevel()]]),
            RULES.map((rule) => [rule.name, rule.enforcementLevel]),
        );
    });

    it("passes the prod example stack and reports a broken launch template against its URN", async () => {
        const { config, secretKeys } = readStackFile(readFileSync(join(__dirname, "..", "Pulumi.prod.yaml"), "utf8"));
        mockCloud.region = config["aws:region"];
        const resources = await planned(parseStackConfig(config, secretKeys));
        assert.deepEqual(
            (await analyze(resources)).getDiagnosticsList().map((diagnostic) => diagnostic.getMessage()),
            [],
        );

        const broken = breakOne(
            resources,
            "aws:ec2/launchTemplate:LaunchTemplate",
            (p) => ((p.metadataOptions as { httpTokens: string }).httpTokens = "optional"),
            "-ng-gpu",
        );
        const diagnostics = (await analyze(broken)).getDiagnosticsList();
        assert.deepEqual(
            diagnostics.map((diagnostic) => [diagnostic.getPolicyname(), diagnostic.getUrn()]),
            [
                [
                    "launch-template-imdsv2",
                    broken.find((r) => r.name.endsWith("-ng-gpu") && r.type === "aws:ec2/launchTemplate:LaunchTemplate")!.urn,
                ],
            ],
        );
        assert.match(diagnostics[0].getMessage(), /lets pods reach instance credentials \(httpTokens is "optional"\)\. Fix:/);
    });
});
