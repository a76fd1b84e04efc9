// The rules that keep the secure defaults honest: who administers the cluster must be said, every
// bad CIDR is reported (never thrown), secrets are never printed, and AWS's and Cortex's limits hold.
import { strict as assert } from "node:assert";
import * as fc from "fast-check";
import {
    CortexSecureClusterArgs,
    CortexSecureClusterArgsError,
    findArgumentProblems,
    parseStackConfig,
    resolveSettings,
} from "../components";
import { parseIpv4Cidr } from "../components/cidr";
import { ARGUMENT_NAMES } from "../components/valueRules";
import { withAdmins } from "./harness";

const NS = "cortex-secure-cluster";
const EXISTING_VPC = {
    vpcId: "vpc-0a1b2c3d4e5f60000",
    cidrBlock: "10.50.0.0/16",
    publicSubnetIds: ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"],
    privateSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
};

function messageOf(run: () => unknown): string {
    try {
        run();
    } catch (error) {
        assert.ok(error instanceof CortexSecureClusterArgsError, `expected a CortexSecureClusterArgsError, got ${String(error)}`);
        return error.message;
    }
    assert.fail("expected the arguments to be refused");
}

/** `count` distinct /32 CIDRs. */
const cidrs = (count: number) => Array.from({ length: count }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.1/32`);

describe("who administers the cluster", () => {
    it("refuses no arguments at all with one problem naming adminCidrAllowList and both ways out", () => {
        const message = messageOf(() => resolveSettings({}));
        assert.equal(
            message,
            "Invalid CortexSecureCluster arguments (1 problem):\n" +
                '  - adminCidrAllowList: got nothing; allowed: the CIDRs the cluster is administered from (Cortex CLI, kubectl, pulumi up), e.g. ["203.0.113.0/24"], ' +
                'or ["0.0.0.0/0"] to open them to the internet on purpose: the internet-facing operator load balancer and the public Kubernetes API endpoint have no allow list of their own',
        );
    });

    it("names only the admin plane that is open: the operator, or the endpoint", () => {
        assert.match(
            messageOf(() => resolveSettings({ clusterEndpointPublicAccess: false })),
            /: the internet-facing operator load balancer has no allow list of its own$/,
        );
        assert.match(
            messageOf(() => resolveSettings({ operatorLoadBalancerScheme: "internal" })),
            /: the public Kubernetes API endpoint has no allow list of its own$/,
        );
    });

    it("needs no admin list when neither admin plane is on the internet, or each has its own list", () => {
        assert.deepEqual(findArgumentProblems({ operatorLoadBalancerScheme: "internal", clusterEndpointPublicAccess: false }), []);
        assert.deepEqual(
            findArgumentProblems({
                operatorLoadBalancerCidrAllowList: ["192.0.2.0/24"],
                clusterEndpointPublicAccessCidrs: ["192.0.2.0/24"],
            }),
            [],
        );
    });

    it("fails the same way from stack config, naming the setting", () => {
        assert.match(
            messageOf(() => parseStackConfig({ "aws:region": "us-west-2" })),
            /^Invalid stack config .*\n {2}- adminCidrAllowList: got nothing;/,
        );
    });
});

describe("CIDRs", () => {
    it("every string is reported or accepted by the CIDR parser, never thrown", () => {
        const cidrLike = fc
            .tuple(fc.array(fc.nat({ max: 999 }), { minLength: 4, maxLength: 4 }), fc.nat({ max: 99 }), fc.boolean())
            .map(([octets, prefix, zeroPad]) => `${octets.join(".")}/${zeroPad ? "0" : ""}${prefix}`);
        fc.assert(
            fc.property(fc.oneof(cidrLike, fc.string()), (value) => {
                const parsed = parseIpv4Cidr(value);
                assert.ok(typeof parsed === "string" || (parsed.prefix >= 0 && parsed.prefix <= 32));
            }),
            { numRuns: 2000 },
        );
    });

    it("every invalid CIDR in an allow list is a problem in the one error, never a crash", () => {
        fc.assert(
            fc.property(fc.string(), (value) => {
                const problems = findArgumentProblems(withAdmins({ apiLoadBalancerCidrAllowList: [value] }));
                if (typeof parseIpv4Cidr(value) === "string") {
                    assert.ok(problems.some((p) => p.argument === "apiLoadBalancerCidrAllowList[0]"));
                }
            }),
            { numRuns: 300 },
        );
    });

    // Every argument that holds a CIDR, with the /33 put in its place.
    const withPrefix33: Record<string, { args: CortexSecureClusterArgs; argument: string }> = {
        vpcCidr: { args: { vpcCidr: "10.0.0.0/33" }, argument: "vpcCidr" },
        existingVpc: { args: { existingVpc: { ...EXISTING_VPC, cidrBlock: "10.50.0.0/33" } }, argument: "existingVpc.cidrBlock" },
        adminCidrAllowList: { args: { adminCidrAllowList: ["1.2.3.4/33"] }, argument: "adminCidrAllowList[0]" },
        apiLoadBalancerCidrAllowList: {
            args: { apiLoadBalancerCidrAllowList: ["1.2.3.4/33"] },
            argument: "apiLoadBalancerCidrAllowList[0]",
        },
        operatorLoadBalancerCidrAllowList: {
            args: { operatorLoadBalancerCidrAllowList: ["1.2.3.4/33"] },
            argument: "operatorLoadBalancerCidrAllowList[0]",
        },
        clusterEndpointPublicAccessCidrs: {
            args: { clusterEndpointPublicAccessCidrs: ["1.2.3.4/33"] },
            argument: "clusterEndpointPublicAccessCidrs[0]",
        },
        vpcPeering: {
            args: { vpcPeering: [{ vpcId: "vpc-0f0f0f0f0f0f0f0f0", cidrBlock: "10.30.0.0/33" }] },
            argument: "vpcPeering[0].cidrBlock",
        },
    };

    it("covers every argument that holds a CIDR", () => {
        for (const name of ARGUMENT_NAMES.filter((name) => /cidr/i.test(name))) {
            assert.ok(name in withPrefix33, `${name} holds CIDRs but is not checked with /33 below`);
        }
    });

    for (const [name, { args, argument }] of Object.entries(withPrefix33)) {
        it(`reports a /33 in ${argument} like any other problem, as an argument and as a stack setting`, () => {
            const line = (message: string) => message.split("\n").find((l) => l.startsWith(`  - ${argument}: got `));
            const fromArgs = line(messageOf(() => resolveSettings(withAdmins(args))));
            assert.ok(fromArgs?.includes("the prefix must be /0–/32"), fromArgs);
            const value = (args as Record<string, unknown>)[name];
            const config = { [`${NS}:${name}`]: typeof value === "string" ? value : JSON.stringify(value) };
            const fromConfig = line(messageOf(() => parseStackConfig(config)));
            assert.ok(fromConfig?.includes("the prefix must be /0–/32"), fromConfig);
        });
    }
});

describe("secret keys in errors", () => {
    const ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    const SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    it("never prints either key when a library caller swaps the two", () => {
        const message = messageOf(() =>
            resolveSettings(
                withAdmins({ runtimeCredentials: { mode: "provided", accessKeyId: SECRET_ACCESS_KEY, secretAccessKey: ACCESS_KEY_ID } }),
            ),
        );
        assert.match(message, /runtimeCredentials\.accessKeyId: got \(a secret, not shown\)/);
        assert.match(message, /runtimeCredentials\.secretAccessKey: got \(a secret, not shown\)/);
        for (const key of [SECRET_ACCESS_KEY, ACCESS_KEY_ID, "wJalrXUtnFEMI", "IOSFODNN7"]) assert.ok(!message.includes(key), message);
    });
});

describe("limits of Cortex and AWS", () => {
    const problemAbout = (args: CortexSecureClusterArgs, argument: string) =>
        findArgumentProblems(withAdmins(args)).find((problem) => problem.argument === argument)?.allowed;

    it("keeps at least one operator node: Cortex's operator runs there", () => {
        assert.match(problemAbout({ operatorNodeGroup: { minInstances: 0 } }, "operatorNodeGroup.minInstances")!, /≥ 1/);
        assert.equal(problemAbout({ operatorNodeGroup: { minInstances: 1 } }, "operatorNodeGroup.minInstances"), undefined);
    });

    it("refuses more nodes in a group than EKS allows in a managed node group", () => {
        const group = (maxInstances: number) => ({ nodeGroups: [{ name: "worker", instanceType: "m5.large", maxInstances }] });
        assert.match(problemAbout(group(1_000_000_000), "nodeGroups[0].maxInstances")!, /at most 450/);
        assert.equal(problemAbout(group(450), "nodeGroups[0].maxInstances"), undefined);
        assert.match(problemAbout({ operatorNodeGroup: { maxInstances: 451 } }, "operatorNodeGroup.maxInstances")!, /at most 450/);
    });

    it("refuses more tags than fit beside the component's own in AWS's 50 per resource", () => {
        const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${i}`, "v"]));
        assert.match(problemAbout({ tags: tags(60) }, "tags")!, /at most 45 tags \(AWS allows 50 per resource/);
        assert.match(problemAbout({ tags: tags(46) }, "tags")!, /at most 45/);
        assert.equal(problemAbout({ tags: tags(45) }, "tags"), undefined);
    });

    it("refuses an allow list longer than its load balancer's security group holds", () => {
        // The API takes two rules per CIDR (80 and 443), one per CIDR with a certificate and no port 80.
        assert.match(
            problemAbout({ apiLoadBalancerCidrAllowList: cidrs(31) }, "apiLoadBalancerCidrAllowList")!,
            /^at most 30 CIDRs: .*two \(ports 80 and 443\)/,
        );
        assert.equal(problemAbout({ apiLoadBalancerCidrAllowList: cidrs(30) }, "apiLoadBalancerCidrAllowList"), undefined);
        const certificate = "arn:aws:acm:us-west-2:123456789012:certificate/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d";
        assert.equal(
            problemAbout({ sslCertificateArn: certificate, apiLoadBalancerCidrAllowList: cidrs(60) }, "apiLoadBalancerCidrAllowList"),
            undefined,
        );
        assert.match(
            problemAbout(
                { sslCertificateArn: certificate, apiGateway: true, apiLoadBalancerCidrAllowList: cidrs(60) },
                "apiLoadBalancerCidrAllowList",
            )!,
            /^at most 59 CIDRs: .*one for API Gateway's VPC link/,
        );
        assert.match(
            problemAbout({ operatorLoadBalancerCidrAllowList: cidrs(61) }, "operatorLoadBalancerCidrAllowList")!,
            /^at most 60 CIDRs/,
        );
    });

    it("refuses an admin list longer than the lists it fills can take", () => {
        assert.match(
            problemAbout({ adminCidrAllowList: cidrs(41) }, "adminCidrAllowList")!,
            /^at most 40 CIDRs: it is the public Kubernetes API endpoint's allow list, which EKS limits to 40/,
        );
        const noEndpoint = { clusterEndpointPublicAccess: false };
        assert.equal(problemAbout({ ...noEndpoint, adminCidrAllowList: cidrs(60) }, "adminCidrAllowList"), undefined);
        assert.match(
            problemAbout({ ...noEndpoint, adminCidrAllowList: cidrs(61) }, "adminCidrAllowList")!,
            /operator load balancer's allow list/,
        );
        assert.match(
            problemAbout({ clusterEndpointPublicAccessCidrs: cidrs(41) }, "clusterEndpointPublicAccessCidrs")!,
            /at most 40 CIDRs/,
        );
    });

    it("names cluster admins by IAM user or role, never by an assumed-role session", () => {
        assert.deepEqual(
            findArgumentProblems(
                withAdmins({ clusterAdmins: ["arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:role/admins"] }),
            ),
            [],
        );
        assert.match(
            problemAbout({ clusterAdmins: ["arn:aws:sts::123456789012:assumed-role/admins/alice"] }, "clusterAdmins[0]")!,
            /^an IAM role ARN, arn:aws:iam::ACCOUNT:role\/NAME, not an assumed-role session/,
        );
        assert.match(problemAbout({ clusterAdmins: ["alice"] }, "clusterAdmins[0]")!, /^an IAM user or role ARN/);
        const twice = ["arn:aws:iam::123456789012:role/admins", "arn:aws:iam::123456789012:role/admins"];
        assert.match(problemAbout({ clusterAdmins: twice }, "clusterAdmins")!, /without repeats/);
    });

    it("configures API Gateway only when there is one", () => {
        assert.match(problemAbout({ apiGatewayAuthorization: "iam" }, "apiGatewayAuthorization")!, /nothing unless apiGateway is true/);
        assert.match(
            problemAbout({ apiGatewayThrottling: { rateLimit: 5 } }, "apiGatewayThrottling")!,
            /nothing unless apiGateway is true/,
        );
        assert.deepEqual(findArgumentProblems(withAdmins({ apiGateway: true, apiGatewayAuthorization: "iam" })), []);
        assert.match(
            problemAbout({ apiGateway: true, apiGatewayThrottling: { burstLimit: 0 } }, "apiGatewayThrottling.burstLimit")!,
            /1–5000/,
        );
    });

    it("pins add-ons for every Kubernetes version it accepts", () => {
        assert.match(
            problemAbout({ kubernetesVersion: "1.29" }, "kubernetesVersion")!,
            /whose add-on versions are pinned in code: 1\.30, 1\.31, 1\.32, 1\.33, 1\.34/,
        );
    });
});
