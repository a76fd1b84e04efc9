// The policy pack as a real engine runs it: over the analyzer gRPC protocol, fed the example stacks
// as the engine shows them (remote components' children, outputs, unknowns on a first preview).
import { strict as assert } from "node:assert";
import { LOAD_BALANCER_TAG } from "../components/constants";
import { EngineResource, RULES, UNKNOWN_SENTINEL } from "../policy/rules";
import { Analyzer, Diagnostic } from "./analyzer";
import { changed, engineStack, one } from "./engineStacks";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const ROLE = "aws:iam/role:Role";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

const mandatory = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.level === "mandatory");

/** A resource of the stack's own added under the component, as the engine would show it. */
function extra(resources: EngineResource[], type: string, name: string, props: Record<string, unknown>, deps = {}): EngineResource {
    const component = resources[0];
    const [prefix, project, qualified] = component.urn.split("::");
    return {
        type,
        name,
        urn: `${prefix}::${project}::${qualified}$${type}::${name}`,
        parent: component.urn,
        props,
        propertyDependencies: deps,
    };
}

const document = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });

describe("the policy pack as the Pulumi engine runs it", function () {
    this.timeout(60_000);
    let analyzer: Analyzer;
    let prod: EngineResource[];
    let dev: EngineResource[];
    const firstPreview: Record<string, Diagnostic[]> = {};

    before(async () => {
        [analyzer, prod, dev] = await Promise.all([Analyzer.start(), engineStack("prod", true), engineStack("dev", true)]);
        [firstPreview.prod, firstPreview.dev] = await Promise.all([analyzer.analyzeStack(prod), analyzer.analyzeStack(dev)]);
    });
    after(() => analyzer?.stop());

    /** The mandatory findings of one rule. */
    const blocking = async (resources: EngineResource[], rule: string) =>
        mandatory(await analyzer.analyzeStack(resources)).filter((d) => d.policy === rule);

    it("announces every rule with its enforcement level", async () => {
        const info = await analyzer.info();
        assert.equal(info.getName(), "cortex-secure-cluster");
        assert.deepEqual(
            info.getPoliciesList().map((policy) => [policy.getName(), ["advisory", "mandatory"][policy.getEnforcementlevel()]]),
            RULES.map((rule) => [rule.name, rule.enforcementLevel]),
        );
    });

    it("sees the stack as the engine shows it: the remote components' children, with unknowns", () => {
        for (const type of [
            "aws:eks/cluster:Cluster",
            "aws:eks/nodeGroup:NodeGroup",
            "aws:ec2/subnet:Subnet",
            "aws:ec2/route:Route",
            "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        ]) {
            assert.ok(
                prod.some((r) => r.type === type),
                type,
            );
        }
        const cluster = one(prod, "eks:index:Cluster");
        assert.equal(cluster.props.encryptionConfigKeyArn, undefined, "a component shows its outputs, not its inputs");
        assert.equal(one(prod, "aws:iam/policy:Policy", "-runtime").props.policy, UNKNOWN_SENTINEL);
        assert.equal(one(prod, "aws:eks/nodeGroup:NodeGroup", "-ng-worker").props.subnetIds, UNKNOWN_SENTINEL);
    });

    for (const stack of ["prod", "dev"] as const) {
        it(`blocks nothing on the ${stack} example stack's first preview, and says what it cannot check yet`, async () => {
            const diagnostics = firstPreview[stack];
            assert.deepEqual(
                mandatory(diagnostics).map((d) => [d.policy, d.urn]),
                [],
            );
            assert.ok(!diagnostics.some((d) => /can't run policy/.test(d.message)), "no generic downgrade");
            const pending = diagnostics.filter((d) => d.level === "advisory").map((d) => d.policy);
            assert.deepEqual(
                pending,
                stack === "prod"
                    ? [
                          "nodes-in-private-subnets",
                          "nodes-in-private-subnets",
                          "nodes-in-private-subnets",
                          "load-balancer-scheme",
                          "iam-policy-least-privilege",
                          "iam-policy-least-privilege",
                          "iam-trust-policy-principals",
                          "bucket-tls-only",
                      ]
                    : ["iam-policy-least-privilege", "iam-policy-least-privilege", "bucket-tls-only"],
            );
        });
    }

    it("says in its own words what waits for deployment, and what will check it", () => {
        const diagnostics = firstPreview.prod;
        const runtime = diagnostics.find((d) => d.urn === one(prod, "aws:iam/policy:Policy", "-runtime").urn)!;
        assert.equal(runtime.level, "advisory");
        assert.match(
            runtime.message,
            /^Policy .*-runtime: the document is not known until the resources it names exist, so this preview cannot check it; the pack checks it again when `pulumi up` finishes/,
        );
        const worker = diagnostics.find((d) => d.urn === one(prod, "aws:eks/nodeGroup:NodeGroup", "-ng-worker").urn)!;
        assert.match(worker.message, /should be in private subnets, but its subnets are not known until the VPC exists/);
    });

    it("once deployed, passes prod and reads node placement from the subnets and route tables, not from what the component says", async () => {
        const deployed = await engineStack("prod", false);
        assert.deepEqual(
            mandatory(await analyzer.analyzeStack(deployed)).map((d) => [d.policy, d.urn]),
            [],
        );
        // The private subnets keep their ids (and the component still says private), but one now routes to the internet gateway.
        const gateway = one(deployed, "aws:ec2/internetGateway:InternetGateway");
        const routed = changed(deployed, "aws:ec2/route:Route", "-vpc-private-1", (p) => {
            delete p.natGatewayId;
            p.gatewayId = gateway.props.id;
        });
        const findings = await blocking(routed, "nodes-in-private-subnets");
        assert.equal(findings.length, 3, "every node group uses that subnet");
        assert.match(
            findings[0].message,
            /is in public subnets \(.*-vpc-private-1 routes to an internet gateway\) although the stack asks for private nodes\. Fix:/,
        );
        const mapped = changed(deployed, "aws:ec2/subnet:Subnet", "-vpc-private-2", (p) => (p.mapPublicIpOnLaunch = true));
        assert.match((await blocking(mapped, "nodes-in-private-subnets"))[0].message, /-vpc-private-2 maps public IPs on launch/);
    });

    it("blocks a wildcard policy beside the unknown runtime policy, and says the runtime policy waits", async () => {
        const admin = extra(prod, "aws:iam/policy:Policy", "admin", { policy: document({ Effect: "Allow", Action: "*", Resource: "*" }) });
        const iam = (await analyzer.analyzeStack([...prod, admin])).filter((d) => d.policy === "iam-policy-least-privilege");
        assert.deepEqual(
            iam.map((d) => [d.urn.split("::").pop(), d.level]).sort(),
            [
                ["admin", "mandatory"],
                [one(prod, "aws:iam/rolePolicy:RolePolicy", "-flow-logs").name, "advisory"],
                [one(prod, "aws:iam/policy:Policy", "-runtime").name, "advisory"],
            ].sort(),
        );
        assert.match(iam.find((d) => d.level === "mandatory")!.message, /Policy admin: it allows every action of every service \(\*\)/);
    });

    describe("blocks each known violation of a broken first preview, whatever else is unknown", () => {
        // Each case breaks a different resource (or rule), so one analysis of all of them tells each apart.
        const cases: [string, string, (view: EngineResource[]) => EngineResource[], RegExp][] = [
            [
                "a public IP on a launch template whose security groups are unknown",
                "launch-template-no-public-ip",
                (view) => {
                    const interfaces = one(view, LAUNCH_TEMPLATE, "-ng-gpu").props.networkInterfaces as Record<string, unknown>[];
                    assert.equal(interfaces[0].securityGroups, UNKNOWN_SENTINEL, "the fixture has the unknown");
                    return changed(
                        view,
                        LAUNCH_TEMPLATE,
                        "-ng-gpu",
                        (p) => ((p.networkInterfaces as Record<string, unknown>[])[0].associatePublicIpAddress = "true"),
                    );
                },
                /-ng-gpu gives nodes a public IP\. Fix: associatePublicIpAddress "false"/,
            ],
            [
                "a RolePolicyAttachment of AdministratorAccess",
                "iam-managed-policy-attachments",
                (view) =>
                    changed(
                        view,
                        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                        "-nodes-AmazonEKS_CNI_Policy",
                        (p) => (p.policyArn = "arn:aws:iam::aws:policy/AdministratorAccess"),
                    ),
                /-nodes-AmazonEKS_CNI_Policy attaches arn:aws:iam::aws:policy\/AdministratorAccess, which grants far more than Cortex needs/,
            ],
            [
                "a role's managedPolicyArns granting a whole service",
                "iam-managed-policy-attachments",
                (view) =>
                    changed(view, ROLE, "-eksRole-role", (p) => (p.managedPolicyArns = ["arn:aws:iam::aws:policy/AmazonS3FullAccess"])),
                /-eksRole-role attaches arn:aws:iam::aws:policy\/AmazonS3FullAccess/,
            ],
            [
                "a role's inline policy granting *:*",
                "iam-policy-least-privilege",
                (view) =>
                    changed(
                        view,
                        ROLE,
                        "-eksRole-role",
                        (p) => (p.inlinePolicies = [{ name: "all", policy: document({ Effect: "Allow", Action: "*:*", Resource: "*" }) }]),
                    ),
                /-eksRole-role's inline policy all: it allows every action of \* \(\*:\*\)/,
            ],
            [
                "a trust policy open to any AWS principal",
                "iam-trust-policy-principals",
                (view) =>
                    changed(
                        view,
                        ROLE,
                        "-nodes",
                        (p) => (p.assumeRolePolicy = document({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })),
                    ),
                /-nodes can be assumed by anyone in any AWS account \(Principal \{"AWS":"\*"\}, no condition\)/,
            ],
            [
                "secretsmanager:GetSecretValue on *",
                "iam-policy-least-privilege",
                (view) => [
                    ...view,
                    extra(view, "aws:iam/rolePolicy:RolePolicy", "read-secrets", {
                        role: "r",
                        policy: document({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }),
                    }),
                ],
                /Policy read-secrets: it allows secretsmanager:GetSecretValue on every resource \(\*\)/,
            ],
            [
                "s3:GetObject on *",
                "iam-policy-least-privilege",
                (view) => [
                    ...view,
                    extra(view, "aws:iam/userPolicy:UserPolicy", "read-all", {
                        user: "u",
                        policy: document({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["*"] }),
                    }),
                ],
                /Policy read-all: it allows s3:GetObject on every resource \(\*\)/,
            ],
            [
                "s3:Put* on every bucket",
                "iam-policy-least-privilege",
                (view) => [
                    ...view,
                    extra(view, "aws:iam/policy:Policy", "put-all", {
                        policy: document({ Effect: "Allow", Action: "s3:Put*", Resource: "arn:aws:s3:::*" }),
                    }),
                ],
                /Policy put-all: it allows every action matching s3:Put\*; it allows s3:Put\* on every resource \(arn:aws:s3:::\*\)/,
            ],
            [
                "sts:AssumeRole on any role",
                "iam-policy-least-privilege",
                (view) => [
                    ...view,
                    extra(view, "aws:iam/policy:Policy", "assume-any", {
                        policy: document({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/*" }),
                    }),
                ],
                /Policy assume-any: it allows sts:AssumeRole on any role \(arn:aws:iam::\*:role\/\*\)/,
            ],
            [
                "a policy given as an object rather than a string",
                "iam-policy-least-privilege",
                (view) => [
                    ...view,
                    extra(view, "aws:iam/policy:Policy", "object", {
                        policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:*", Resource: "*" }] },
                    }),
                ],
                /Policy object: it allows every action of ec2 \(ec2:\*\)/,
            ],
            [
                "0.0.0.0/1 and 128.0.0.0/1 on port 22",
                "no-open-ingress",
                (view) =>
                    changed(
                        view,
                        "aws:ec2/securityGroup:SecurityGroup",
                        "-nodes",
                        (p) => (p.ingress = [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }]),
                    ),
                /-nodes admits the internet \(0\.0\.0\.0\/1, 128\.0\.0\.0\/1\) on port 22/,
            ],
            [
                "the whole internet on a load balancer whose allow list does not say so",
                "no-open-ingress",
                (view) =>
                    changed(
                        view,
                        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                        "-api-lb-in-443-203-0-113-0-24",
                        (p) => (p.cidrIpv4 = "0.0.0.0/0"),
                    ),
                /-api-lb-in-443-203-0-113-0-24 admits the internet \(0\.0\.0\.0\/0\) on port 443/,
            ],
            [
                "a node group with no launch template",
                "node-group-launch-template",
                (view) => changed(view, "aws:eks/nodeGroup:NodeGroup", "-ng-worker", (p) => delete p.launchTemplate),
                /-ng-worker has no launch template, so its nodes get EKS's defaults/,
            ],
            [
                "a root volume missing from the block device mappings",
                "launch-template-encrypted-volumes",
                (view) =>
                    changed(
                        view,
                        LAUNCH_TEMPLATE,
                        "-ng-worker",
                        (p) => ((p.blockDeviceMappings as { deviceName: string }[])[0].deviceName = "/dev/xvdb"),
                    ),
                /-ng-worker has no mapping for the root volume \(\/dev\/xvda\)/,
            ],
            [
                "IMDSv1 on a launch template",
                "launch-template-imdsv2",
                (view) =>
                    changed(
                        view,
                        LAUNCH_TEMPLATE,
                        "-ng-gpu",
                        (p) => ((p.metadataOptions as Record<string, unknown>).httpTokens = "optional"),
                    ),
                /-ng-gpu lets pods reach instance credentials \(httpTokens is "optional"\)/,
            ],
            [
                "removing the bucket's TLS-only policy",
                "bucket-tls-only",
                (view) => view.filter((r) => r.type !== "aws:s3/bucketPolicy:BucketPolicy"),
                /-bucket accepts requests over plain HTTP: no bucket policy denies aws:SecureTransport false/,
            ],
            [
                "removing the bucket's public access block",
                "bucket-public-access-blocked",
                (view) => view.filter((r) => r.type !== "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"),
                /-bucket does not block all public access/,
            ],
            [
                "provided keys in a tag",
                "access-keys-only-as-secrets",
                (view) => {
                    const key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
                    const provided = changed(
                        view,
                        "cortex-secure-cluster:index:CortexSecureCluster",
                        "",
                        (p) => (p.runtimeSecretAccessKey = { ...SECRET, value: key }),
                    );
                    return changed(provided, "aws:s3/bucket:Bucket", "-bucket", (p) => ((p.tags as Record<string, string>).rotated = key));
                },
                /-bucket shows a secret access key in its tags or description/,
            ],
            [
                "secrets without envelope encryption",
                "eks-secrets-encryption",
                (view) => changed(view, "aws:eks/cluster:Cluster", "", (p) => delete p.encryptionConfig),
                /stores Kubernetes secrets without envelope encryption/,
            ],
            [
                "the private endpoint off",
                "eks-private-endpoint",
                (view) =>
                    changed(
                        view,
                        "aws:eks/cluster:Cluster",
                        "",
                        (p) => ((p.vpcConfig as Record<string, unknown>).endpointPrivateAccess = false),
                    ),
                /has private endpoint access off/,
            ],
            [
                "no audit log",
                "eks-control-plane-logging",
                (view) => changed(view, "aws:eks/cluster:Cluster", "", (p) => (p.enabledClusterLogTypes = ["api"])),
                /does not send its audit log to CloudWatch \(enabled: api\)/,
            ],
            [
                "an internet-facing load balancer the stack asks to be internal",
                "load-balancer-scheme",
                (view) => changed(view, "aws:lb/loadBalancer:LoadBalancer", "-operator-lb", (p) => (p.internal = false)),
                /-operator-lb is internet-facing although the stack asks for internal/,
            ],
        ];
        let diagnostics: Diagnostic[];
        before(async () => {
            diagnostics = mandatory(await analyzer.analyzeStack(cases.reduce((view, [, , breakIt]) => breakIt(view), prod)));
        });
        for (const [label, rule, , message] of cases) {
            it(label, () => {
                const findings = diagnostics.filter((d) => d.policy === rule && message.test(d.message));
                assert.equal(findings.length, 1, JSON.stringify(diagnostics.filter((d) => d.policy === rule)));
            });
        }

        it("an ingress from 0.0.0.0/0 on all protocols, tagged as the open API load balancer's", async () => {
            const group = one(dev, "aws:ec2/securityGroup:SecurityGroup", "-api-lb");
            const rule = extra(
                dev,
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                "all-traffic",
                { securityGroupId: UNKNOWN_SENTINEL, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", tags: { [LOAD_BALANCER_TAG]: "api" } },
                { securityGroupId: [group.urn] },
            );
            const findings = mandatory(await analyzer.analyzeStack([...dev, rule])).filter((d) => d.policy === "no-open-ingress");
            assert.deepEqual(
                findings.map((d) => d.urn),
                [rule.urn],
                "the API listeners' own open rules stay allowed",
            );
            assert.match(findings[0].message, /all-traffic admits the internet \(0\.0\.0\.0\/0\) on every protocol and port/);
        });
    });
});
