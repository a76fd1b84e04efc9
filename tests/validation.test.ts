// The argument rules of DESIGN.md, called directly: each bad value is rejected with a message that
// names the argument, shows the value and says what is allowed; each good value is accepted.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
    CortexSecureClusterArgs,
    CortexSecureClusterArgsError,
    DEFAULT_KUBERNETES_VERSION,
    findArgumentProblems as findProblemsOfGiven,
    resolveSettings as resolveGiven,
} from "../components";
import { ResolveContext } from "../components/settings";
import { checkValue, valueRules } from "../components/inputRules";
import { withAdmins } from "./harness";

// The rules below are about other arguments: they run with the tests' admin allow list, which an
// internet-facing operator and a public endpoint need (unless a case sets adminCidrAllowList itself).
const isPlainObject = (args: unknown) => typeof args === "object" && args !== null && !Array.isArray(args);
const resolveSettings = (args: CortexSecureClusterArgs, context?: ResolveContext) =>
    resolveGiven(isPlainObject(args) ? withAdmins(args) : args, context);
const findArgumentProblems = (args: unknown) =>
    findProblemsOfGiven(isPlainObject(args) ? withAdmins(args as CortexSecureClusterArgs) : args);

const ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"];
const OTHER_SUBNETS = ["subnet-0a1b2c3d4e5f60003", "subnet-0a1b2c3d4e5f60004"];
const existingVpc = (overrides: Record<string, unknown> = {}) => ({
    vpcId: "vpc-0a1b2c3d4e5f60000",
    cidrBlock: "10.50.0.0/16",
    publicSubnetIds: OTHER_SUBNETS,
    privateSubnetIds: SUBNETS,
    ...overrides,
});
const group = (overrides: Record<string, unknown> = {}) => ({ name: "worker", instanceType: "m5.large", ...overrides });
const peer = (overrides: Record<string, unknown> = {}) => ({ vpcId: "vpc-0f0f0f0f0f0f0f0f0", cidrBlock: "10.30.0.0/16", ...overrides });

/** The message resolveSettings throws for these arguments (fails when it does not throw). */
function errorMessage(args: unknown): string {
    try {
        resolveSettings(args as CortexSecureClusterArgs);
    } catch (error) {
        assert.ok(error instanceof CortexSecureClusterArgsError, `expected a CortexSecureClusterArgsError, got ${String(error)}`);
        return error.message;
    }
    assert.fail(`expected ${JSON.stringify(args)} to be rejected`);
}

/** The message's line about one argument and value: `  - ARGUMENT: got VALUE; allowed: ...`. */
function lineAbout(message: string, argument: string, shown: string): string {
    const prefix = `  - ${argument}: got ${shown}; allowed: `;
    const line = message.split("\n").find((l) => l.startsWith(prefix));
    assert.ok(line, `no line starting ${JSON.stringify(prefix)} in:\n${message}`);
    return line;
}

function assertRejected(args: unknown, argument: string, shown: string, allowed: string[]): void {
    const line = lineAbout(errorMessage(args), argument, shown);
    for (const fragment of allowed) {
        assert.ok(line.includes(fragment), `expected ${JSON.stringify(fragment)} in: ${line}`);
    }
}

function assertAccepted(args: CortexSecureClusterArgs): void {
    assert.deepEqual(findArgumentProblems(args), []);
    assert.doesNotThrow(() => resolveSettings(args));
}

/** How a long value is shown: its first 200 characters of JSON and an ellipsis. */
const shortened = (value: unknown) => `${JSON.stringify(value).slice(0, 200)}…`;

interface Rule {
    rule: string;
    bad: unknown;
    argument: string;
    /** How the bad value is shown in the message. */
    shown: string;
    allowed: string[];
    good: CortexSecureClusterArgs;
}

const CLUSTER_NAME_RULE = ["3–54 chars", "^[a-z0-9]+(-[a-z0-9]+)*$"];
const CIDR_16_24 = ["IPv4 network CIDR", "/16–/24"];
const LB_SCHEMES = ['"internet-facing", "internal"'];

const RULES: Rule[] = [
    // clusterName
    {
        rule: "clusterName shorter than 3",
        bad: { clusterName: "ab" },
        argument: "clusterName",
        shown: '"ab"',
        allowed: CLUSTER_NAME_RULE,
        good: { clusterName: "abc" },
    },
    {
        rule: "clusterName longer than 54",
        bad: { clusterName: "a".repeat(55) },
        argument: "clusterName",
        shown: `"${"a".repeat(55)}"`,
        allowed: CLUSTER_NAME_RULE,
        good: { clusterName: "a".repeat(54) },
    },
    {
        rule: "clusterName with capitals",
        bad: { clusterName: "Cortex" },
        argument: "clusterName",
        shown: '"Cortex"',
        allowed: CLUSTER_NAME_RULE,
        good: { clusterName: "cortex-prod-2" },
    },
    {
        rule: "clusterName with a double dash",
        bad: { clusterName: "cortex--prod" },
        argument: "clusterName",
        shown: '"cortex--prod"',
        allowed: CLUSTER_NAME_RULE,
        good: { clusterName: "cortex-prod" },
    },
    {
        rule: "clusterName ending in a dash",
        bad: { clusterName: "cortex-" },
        argument: "clusterName",
        shown: '"cortex-"',
        allowed: CLUSTER_NAME_RULE,
        good: { clusterName: "cortex" },
    },
    {
        rule: "clusterName with a prefix S3 reserves for bucket names",
        bad: { clusterName: "sthree-models" },
        argument: "clusterName",
        shown: '"sthree-models"',
        allowed: ["not starting with sthree-", "S3 reserves them"],
        good: { clusterName: "three-models" },
    },
    {
        rule: "clusterName with S3's demo prefix",
        bad: { clusterName: "amzn-s3-demo-ml" },
        argument: "clusterName",
        shown: '"amzn-s3-demo-ml"',
        allowed: ["amzn-s3-demo-"],
        good: { clusterName: "amzn-ml" },
    },
    {
        rule: "clusterName not a string",
        bad: { clusterName: 42 },
        argument: "clusterName",
        shown: "42",
        allowed: CLUSTER_NAME_RULE,
        good: { clusterName: "c42" },
    },
    // kubernetesVersion
    {
        rule: "kubernetesVersion with a patch",
        bad: { kubernetesVersion: "1.34.1" },
        argument: "kubernetesVersion",
        shown: '"1.34.1"',
        allowed: ["MAJOR.MINOR"],
        good: { kubernetesVersion: "1.33" },
    },
    {
        rule: "kubernetesVersion with a v",
        bad: { kubernetesVersion: "v1.34" },
        argument: "kubernetesVersion",
        shown: '"v1.34"',
        allowed: ["MAJOR.MINOR"],
        good: { kubernetesVersion: "1.34" },
    },
    // vpcCidr
    {
        rule: "vpcCidr wider than /16",
        bad: { vpcCidr: "10.0.0.0/8" },
        argument: "vpcCidr",
        shown: '"10.0.0.0/8"',
        allowed: CIDR_16_24,
        good: { vpcCidr: "10.0.0.0/16" },
    },
    {
        rule: "vpcCidr narrower than /24",
        bad: { vpcCidr: "10.0.0.0/25" },
        argument: "vpcCidr",
        shown: '"10.0.0.0/25"',
        allowed: CIDR_16_24,
        good: { vpcCidr: "10.0.0.0/24" },
    },
    {
        rule: "vpcCidr with host bits set",
        bad: { vpcCidr: "10.0.0.1/16" },
        argument: "vpcCidr",
        shown: '"10.0.0.1/16"',
        allowed: [...CIDR_16_24, "host bits are set; the network is 10.0.0.0/16"],
        good: { vpcCidr: "10.0.0.0/16" },
    },
    {
        rule: "vpcCidr without a prefix",
        bad: { vpcCidr: "10.0.0.0" },
        argument: "vpcCidr",
        shown: '"10.0.0.0"',
        allowed: [...CIDR_16_24, "a.b.c.d/n"],
        good: { vpcCidr: "172.16.0.0/20" },
    },
    {
        rule: "vpcCidr with an octet over 255",
        bad: { vpcCidr: "300.0.0.0/16" },
        argument: "vpcCidr",
        shown: '"300.0.0.0/16"',
        allowed: CIDR_16_24,
        good: { vpcCidr: "192.168.0.0/16" },
    },
    {
        rule: "vpcCidr in IPv6",
        bad: { vpcCidr: "fd00::/16" },
        argument: "vpcCidr",
        shown: '"fd00::/16"',
        allowed: CIDR_16_24,
        good: { vpcCidr: "10.1.0.0/16" },
    },
    // availabilityZones
    {
        rule: "one availability zone",
        bad: { availabilityZones: ["us-west-2a"] },
        argument: "availabilityZones",
        shown: '["us-west-2a"]',
        allowed: ["at least 2 distinct zone names"],
        good: { availabilityZones: ["us-west-2a", "us-west-2b"] },
    },
    {
        rule: "a repeated availability zone",
        bad: { availabilityZones: ["us-west-2a", "us-west-2a"] },
        argument: "availabilityZones",
        shown: '["us-west-2a","us-west-2a"]',
        allowed: ["distinct", "no repeats"],
        good: { availabilityZones: ["us-west-2a", "us-west-2c"] },
    },
    {
        rule: "a malformed zone name",
        bad: { availabilityZones: ["us-west-2a", "west"] },
        argument: "availabilityZones[1]",
        shown: '"west"',
        allowed: ["a zone name such as us-west-2a"],
        good: { availabilityZones: ["us-west-2a", "us-west-2d"] },
    },
    {
        rule: "us-east-1e",
        bad: { availabilityZones: ["us-east-1a", "us-east-1e"] },
        argument: "availabilityZones[1]",
        shown: '"us-east-1e"',
        allowed: ["a zone EKS supports"],
        good: { availabilityZones: ["us-east-1a", "us-east-1b"] },
    },
    // existingVpc (each field)
    {
        rule: "existingVpc without a VPC id",
        bad: { existingVpc: existingVpc({ vpcId: undefined }) },
        argument: "existingVpc.vpcId",
        shown: "nothing",
        allowed: ["a VPC id"],
        good: { existingVpc: existingVpc() },
    },
    {
        rule: "existingVpc with a malformed VPC id",
        bad: { existingVpc: existingVpc({ vpcId: "vpc-xyz" }) },
        argument: "existingVpc.vpcId",
        shown: '"vpc-xyz"',
        allowed: ["a VPC id, vpc-…"],
        good: { existingVpc: existingVpc({ vpcId: "vpc-12345678" }) },
    },
    {
        rule: "existingVpc with a malformed CIDR",
        bad: { existingVpc: existingVpc({ cidrBlock: "10.50.0.0" }) },
        argument: "existingVpc.cidrBlock",
        shown: '"10.50.0.0"',
        allowed: ["IPv4 network CIDR", "/16–/28"],
        good: { existingVpc: existingVpc({ cidrBlock: "10.50.0.0/28" }) },
    },
    {
        rule: "existingVpc with a malformed subnet id",
        bad: { existingVpc: existingVpc({ privateSubnetIds: [SUBNETS[0], "sub-2"] }) },
        argument: "existingVpc.privateSubnetIds[1]",
        shown: '"sub-2"',
        allowed: ["a subnet id, subnet-…"],
        good: { existingVpc: existingVpc() },
    },
    {
        rule: "existingVpc with an unknown field",
        bad: { existingVpc: existingVpc({ natGatewayIds: [] }) },
        argument: "existingVpc.natGatewayIds",
        shown: "[]",
        allowed: ["not a known field"],
        good: { existingVpc: existingVpc() },
    },
    {
        rule: "private nodes in an existing VPC with 1 private subnet",
        bad: { existingVpc: existingVpc({ privateSubnetIds: [SUBNETS[0]] }) },
        argument: "existingVpc.privateSubnetIds",
        shown: `["${SUBNETS[0]}"]`,
        allowed: ["at least 2 subnets", 'subnetVisibility is "private"'],
        good: { existingVpc: existingVpc() },
    },
    {
        rule: "public nodes in an existing VPC with 1 public subnet",
        bad: { subnetVisibility: "public", existingVpc: existingVpc({ publicSubnetIds: [OTHER_SUBNETS[0]] }) },
        argument: "existingVpc.publicSubnetIds",
        shown: `["${OTHER_SUBNETS[0]}"]`,
        allowed: ["at least 2 subnets", 'subnetVisibility is "public"'],
        good: { subnetVisibility: "public", existingVpc: existingVpc({ privateSubnetIds: [] }) },
    },
    {
        rule: "an internet-facing load balancer in an existing VPC with no public subnet",
        bad: { existingVpc: existingVpc({ publicSubnetIds: [] }) },
        argument: "existingVpc.publicSubnetIds",
        shown: "[]",
        allowed: ["at least 1 subnet", "internet-facing load balancers"],
        good: {
            existingVpc: existingVpc({ publicSubnetIds: [] }),
            apiLoadBalancerScheme: "internal",
            operatorLoadBalancerScheme: "internal",
        },
    },
    {
        rule: "an internal load balancer in an existing VPC with no private subnet",
        bad: { subnetVisibility: "public", operatorLoadBalancerScheme: "internal", existingVpc: existingVpc({ privateSubnetIds: [] }) },
        argument: "existingVpc.privateSubnetIds",
        shown: "[]",
        allowed: ["at least 1 subnet", "internal load balancers"],
        good: { subnetVisibility: "public", existingVpc: existingVpc({ privateSubnetIds: [] }) },
    },
    {
        rule: "existingVpc with vpcCidr",
        bad: { existingVpc: existingVpc(), vpcCidr: "10.0.0.0/16" },
        argument: "vpcCidr",
        shown: '"10.0.0.0/16"',
        allowed: ["nothing when existingVpc is set"],
        good: { existingVpc: existingVpc() },
    },
    {
        rule: "existingVpc with availabilityZones",
        bad: { existingVpc: existingVpc(), availabilityZones: ["us-west-2a", "us-west-2b"] },
        argument: "availabilityZones",
        shown: '["us-west-2a","us-west-2b"]',
        allowed: ["nothing when existingVpc is set"],
        good: { existingVpc: existingVpc() },
    },
    {
        rule: "existingVpc with natGateway",
        bad: { existingVpc: existingVpc(), natGateway: "single" },
        argument: "natGateway",
        shown: '"single"',
        allowed: ["nothing when existingVpc is set"],
        good: { existingVpc: existingVpc() },
    },
    // subnetVisibility, natGateway, vpcEndpoints
    {
        rule: "subnetVisibility misspelt",
        bad: { subnetVisibility: "privat" },
        argument: "subnetVisibility",
        shown: '"privat"',
        allowed: ['"public", "private"'],
        good: { subnetVisibility: "private" },
    },
    {
        rule: "natGateway misspelt",
        bad: { natGateway: "ha" },
        argument: "natGateway",
        shown: '"ha"',
        allowed: ['"none", "single", "highly_available"'],
        good: { natGateway: "highly_available" },
    },
    {
        rule: "private nodes without a NAT",
        bad: { subnetVisibility: "private", natGateway: "none" },
        argument: "natGateway",
        shown: '"none"',
        allowed: ['"single" or "highly_available"', 'unless vpcEndpoints is "all" or existingVpc is set'],
        good: { subnetVisibility: "private", natGateway: "none", vpcEndpoints: "all" },
    },
    {
        rule: "default (private) nodes without a NAT",
        bad: { natGateway: "none" },
        argument: "natGateway",
        shown: '"none"',
        allowed: ['subnetVisibility "private"'],
        good: { subnetVisibility: "public", natGateway: "none" },
    },
    {
        rule: "private nodes without a NAT and only the gateway endpoint",
        bad: { natGateway: "none", vpcEndpoints: "gateway" },
        argument: "natGateway",
        shown: '"none"',
        allowed: ['unless vpcEndpoints is "all"'],
        good: { existingVpc: existingVpc() },
    },
    {
        rule: "vpcEndpoints misspelt",
        bad: { vpcEndpoints: "both" },
        argument: "vpcEndpoints",
        shown: '"both"',
        allowed: ['"none", "gateway", "all"'],
        good: { vpcEndpoints: "none" },
    },
    // booleans
    {
        rule: "flowLogs not a boolean",
        bad: { flowLogs: "yes" },
        argument: "flowLogs",
        shown: '"yes"',
        allowed: ["true or false"],
        good: { flowLogs: false },
    },
    {
        rule: "apiGateway not a boolean",
        bad: { apiGateway: "true" },
        argument: "apiGateway",
        shown: '"true"',
        allowed: ["true or false"],
        good: { apiGateway: true },
    },
    {
        rule: "clusterEndpointPublicAccess not a boolean",
        bad: { clusterEndpointPublicAccess: 1 },
        argument: "clusterEndpointPublicAccess",
        shown: "1",
        allowed: ["true or false"],
        good: { clusterEndpointPublicAccess: false },
    },
    {
        rule: "cliUser not a boolean",
        bad: { cliUser: "no" },
        argument: "cliUser",
        shown: '"no"',
        allowed: ["true or false"],
        good: { cliUser: true },
    },
    {
        rule: "protectData not a boolean",
        bad: { protectData: "false" },
        argument: "protectData",
        shown: '"false"',
        allowed: ["true or false"],
        good: { protectData: false },
    },
    {
        rule: "inClusterObjects not a boolean",
        bad: { inClusterObjects: "yes" },
        argument: "inClusterObjects",
        shown: '"yes"',
        allowed: ["true or false"],
        good: { inClusterObjects: false },
    },
    // load balancers
    {
        rule: "apiLoadBalancerScheme misspelt",
        bad: { apiLoadBalancerScheme: "public" },
        argument: "apiLoadBalancerScheme",
        shown: '"public"',
        allowed: LB_SCHEMES,
        good: { apiLoadBalancerScheme: "internal" },
    },
    {
        rule: "operatorLoadBalancerScheme misspelt",
        bad: { operatorLoadBalancerScheme: "private" },
        argument: "operatorLoadBalancerScheme",
        shown: '"private"',
        allowed: LB_SCHEMES,
        good: { operatorLoadBalancerScheme: "internal" },
    },
    {
        rule: "an empty API allow list",
        bad: { apiLoadBalancerCidrAllowList: [] },
        argument: "apiLoadBalancerCidrAllowList",
        shown: "[]",
        allowed: ["at least one CIDR"],
        good: { apiLoadBalancerCidrAllowList: ["203.0.113.7/32"] },
    },
    {
        rule: "an API allow list entry with host bits",
        bad: { apiLoadBalancerCidrAllowList: ["203.0.113.7/24"] },
        argument: "apiLoadBalancerCidrAllowList[0]",
        shown: '"203.0.113.7/24"',
        allowed: ["/0–/32", "host bits are set; the network is 203.0.113.0/24"],
        good: { apiLoadBalancerCidrAllowList: ["203.0.113.0/24"] },
    },
    {
        rule: "an API allow list entry without a prefix",
        bad: { apiLoadBalancerCidrAllowList: ["203.0.113.7"] },
        argument: "apiLoadBalancerCidrAllowList[0]",
        shown: '"203.0.113.7"',
        allowed: ["IPv4 network CIDR", "/0–/32"],
        good: { apiLoadBalancerCidrAllowList: ["0.0.0.0/0"] },
    },
    {
        rule: "an API allow list that is a string",
        bad: { apiLoadBalancerCidrAllowList: "0.0.0.0/0" },
        argument: "apiLoadBalancerCidrAllowList",
        shown: '"0.0.0.0/0"',
        allowed: ["a list of IPv4 CIDRs"],
        good: { apiLoadBalancerCidrAllowList: ["0.0.0.0/0"] },
    },
    {
        rule: "an operator allow list entry with host bits",
        bad: { operatorLoadBalancerCidrAllowList: ["10.0.0.0/16", "198.51.100.1/31"] },
        argument: "operatorLoadBalancerCidrAllowList[1]",
        shown: '"198.51.100.1/31"',
        allowed: ["/0–/32", "host bits"],
        good: { operatorLoadBalancerCidrAllowList: ["10.0.0.0/16", "198.51.100.1/32"] },
    },
    {
        rule: "an empty operator allow list",
        bad: { operatorLoadBalancerCidrAllowList: [] },
        argument: "operatorLoadBalancerCidrAllowList",
        shown: "[]",
        allowed: ["at least one CIDR"],
        good: { operatorLoadBalancerCidrAllowList: ["0.0.0.0/0"] },
    },
    // loadBalancerNodePorts
    {
        rule: "loadBalancerNodePorts below the NodePort range",
        bad: { loadBalancerNodePorts: { apiHttp: 8080 } },
        argument: "loadBalancerNodePorts.apiHttp",
        shown: "8080",
        allowed: ["NodePort range 30000–32767"],
        good: { loadBalancerNodePorts: { apiHttp: 30000 } },
    },
    {
        rule: "loadBalancerNodePorts above the NodePort range",
        bad: { loadBalancerNodePorts: { operatorHttps: 32768 } },
        argument: "loadBalancerNodePorts.operatorHttps",
        shown: "32768",
        allowed: ["NodePort range 30000–32767"],
        good: { loadBalancerNodePorts: { operatorHttps: 32767 } },
    },
    {
        rule: "loadBalancerNodePorts not distinct (counting defaults)",
        bad: { loadBalancerNodePorts: { apiHttp: 31443 } },
        argument: "loadBalancerNodePorts",
        shown: '{"apiHttp":31443}',
        allowed: ["three distinct NodePorts", "30080, 30443, 31443"],
        good: { loadBalancerNodePorts: { apiHttp: 31444 } },
    },
    {
        rule: "loadBalancerNodePorts with an unknown port",
        bad: { loadBalancerNodePorts: { metrics: 30090 } },
        argument: "loadBalancerNodePorts.metrics",
        shown: "30090",
        allowed: ["not a known field"],
        good: { loadBalancerNodePorts: { apiHttps: 30090 } },
    },
    {
        rule: "sslCertificateArn not an ACM certificate",
        bad: { sslCertificateArn: "arn:aws:iam::123456789012:server-certificate/api" },
        argument: "sslCertificateArn",
        shown: '"arn:aws:iam::123456789012:server-certificate/api"',
        allowed: ["an ACM certificate ARN"],
        good: { sslCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d" },
    },
    // the cluster endpoint and encryption
    {
        rule: "a public access CIDR that is not one",
        bad: { clusterEndpointPublicAccessCidrs: ["office"] },
        argument: "clusterEndpointPublicAccessCidrs[0]",
        shown: '"office"',
        allowed: ["IPv4 network CIDR"],
        good: { clusterEndpointPublicAccessCidrs: ["198.51.100.0/24"] },
    },
    {
        rule: "public access CIDRs without public access",
        bad: { clusterEndpointPublicAccess: false, clusterEndpointPublicAccessCidrs: ["198.51.100.0/24"] },
        argument: "clusterEndpointPublicAccessCidrs",
        shown: '["198.51.100.0/24"]',
        allowed: ["nothing when clusterEndpointPublicAccess is false"],
        good: { clusterEndpointPublicAccess: true, clusterEndpointPublicAccessCidrs: ["198.51.100.0/24"] },
    },
    {
        rule: "secretsEncryptionKeyArn an alias",
        bad: { secretsEncryptionKeyArn: "arn:aws:kms:us-west-2:123456789012:alias/eks" },
        argument: "secretsEncryptionKeyArn",
        shown: '"arn:aws:kms:us-west-2:123456789012:alias/eks"',
        allowed: ["a KMS key ARN", "not an alias"],
        good: { secretsEncryptionKeyArn: "arn:aws:kms:us-west-2:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d" },
    },
    // logs
    {
        rule: "an unknown control-plane log type",
        bad: { controlPlaneLogTypes: ["apiserver"] },
        argument: "controlPlaneLogTypes[0]",
        shown: '"apiserver"',
        allowed: ['"api", "audit", "authenticator", "controllerManager", "scheduler"'],
        good: { controlPlaneLogTypes: ["api", "audit"] },
    },
    {
        rule: "a repeated control-plane log type",
        bad: { controlPlaneLogTypes: ["audit", "audit"] },
        argument: "controlPlaneLogTypes",
        shown: '["audit","audit"]',
        allowed: ["at most once"],
        good: { controlPlaneLogTypes: ["audit"] },
    },
    {
        rule: "a retention CloudWatch does not offer",
        bad: { logRetentionDays: 10 },
        argument: "logRetentionDays",
        shown: "10",
        allowed: ["one of 1, 3, 5, 7, 14, 30", "3653"],
        good: { logRetentionDays: 14 },
    },
    {
        rule: "a fractional retention",
        bad: { logRetentionDays: 365.5 },
        argument: "logRetentionDays",
        shown: "365.5",
        allowed: ["one of 1, 3"],
        good: { logRetentionDays: 3653 },
    },
    // the operator node group
    {
        rule: "a micro operator instance",
        bad: { operatorNodeGroup: { instanceType: "t3.micro" } },
        argument: "operatorNodeGroup.instanceType",
        shown: '"t3.micro"',
        allowed: ["larger than micro"],
        good: { operatorNodeGroup: { instanceType: "t3.large" } },
    },
    {
        rule: "a negative operator minimum",
        bad: { operatorNodeGroup: { minInstances: -1 } },
        argument: "operatorNodeGroup.minInstances",
        shown: "-1",
        allowed: ["an integer ≥ 1 (the Cortex operator needs a node to run on)"],
        good: { operatorNodeGroup: { minInstances: 1 } },
    },
    {
        rule: "an operator maximum of 0",
        bad: { operatorNodeGroup: { minInstances: 1, maxInstances: 0 } },
        argument: "operatorNodeGroup.maxInstances",
        shown: "0",
        allowed: ["an integer > 0"],
        good: { operatorNodeGroup: { minInstances: 1, maxInstances: 1 } },
    },
    {
        rule: "an operator maximum below the minimum",
        bad: { operatorNodeGroup: { minInstances: 3, maxInstances: 2 } },
        argument: "operatorNodeGroup.maxInstances",
        shown: "2",
        allowed: ["an integer ≥ minInstances (3)"],
        good: { operatorNodeGroup: { minInstances: 3, maxInstances: 3 } },
    },
    {
        rule: "an operator minimum above the default maximum",
        bad: { operatorNodeGroup: { minInstances: 30 } },
        argument: "operatorNodeGroup.maxInstances",
        shown: "nothing",
        allowed: ["an integer ≥ minInstances (30)", "unset, it defaults to 25"],
        good: { operatorNodeGroup: { minInstances: 30, maxInstances: 30 } },
    },
    {
        rule: "an operator node group with spot",
        bad: { operatorNodeGroup: { spot: true } },
        argument: "operatorNodeGroup.spot",
        shown: "true",
        allowed: ["not a known field"],
        good: { operatorNodeGroup: {} },
    },
    // node groups
    {
        rule: "no node groups",
        bad: { nodeGroups: [] },
        argument: "nodeGroups",
        shown: "[]",
        allowed: ["1–100 node groups"],
        good: { nodeGroups: [group()] },
    },
    {
        rule: "101 node groups",
        bad: { nodeGroups: Array.from({ length: 101 }, (_, i) => group({ name: `g${i}` })) },
        argument: "nodeGroups",
        shown: shortened(Array.from({ length: 101 }, (_, i) => group({ name: `g${i}` }))),
        allowed: ["1–100 node groups"],
        good: { nodeGroups: Array.from({ length: 100 }, (_, i) => group({ name: `g${i}` })) },
    },
    {
        rule: "a node group name with capitals",
        bad: { nodeGroups: [group({ name: "Worker" })] },
        argument: "nodeGroups[0].name",
        shown: '"Worker"',
        allowed: ["1–26 chars of lowercase letters, digits and -"],
        good: { nodeGroups: [group({ name: "worker-2" })] },
    },
    {
        rule: "a node group name of 27 chars",
        bad: { nodeGroups: [group({ name: "g".repeat(27) })] },
        argument: "nodeGroups[0].name",
        shown: `"${"g".repeat(27)}"`,
        allowed: ["1–26 chars"],
        good: { nodeGroups: [group({ name: "g".repeat(26) })] },
    },
    {
        rule: "an empty node group name",
        bad: { nodeGroups: [group({ name: "" })] },
        argument: "nodeGroups[0].name",
        shown: '""',
        allowed: ["1–26 chars"],
        good: { nodeGroups: [group({ name: "g" })] },
    },
    {
        rule: "two node groups of one name",
        bad: { nodeGroups: [group(), group({ instanceType: "g4dn.xlarge" })] },
        argument: "nodeGroups[1].name",
        shown: '"worker"',
        allowed: ["a name no other node group has"],
        good: { nodeGroups: [group(), group({ name: "gpu", instanceType: "g4dn.xlarge" })] },
    },
    {
        rule: "a node group named operator",
        bad: { nodeGroups: [group({ name: "operator" })] },
        argument: "nodeGroups[0].name",
        shown: '"operator"',
        allowed: ['not "operator"'],
        good: { nodeGroups: [group({ name: "operators" })] },
    },
    {
        rule: "a nano instance type",
        bad: { nodeGroups: [group({ instanceType: "t3.nano" })] },
        argument: "nodeGroups[0].instanceType",
        shown: '"t3.nano"',
        allowed: ["larger than micro"],
        good: { nodeGroups: [group({ instanceType: "t3.small" })] },
    },
    {
        rule: "a micro instance type",
        bad: { nodeGroups: [group({ instanceType: "t2.micro" })] },
        argument: "nodeGroups[0].instanceType",
        shown: '"t2.micro"',
        allowed: ["larger than micro"],
        good: { nodeGroups: [group({ instanceType: "p4d.24xlarge" })] },
    },
    {
        rule: "an instance type without a size",
        bad: { nodeGroups: [group({ instanceType: "large" })] },
        argument: "nodeGroups[0].instanceType",
        shown: '"large"',
        allowed: ["an EC2 instance type such as m5.large"],
        good: { nodeGroups: [group({ instanceType: "c6i.large" })] },
    },
    {
        rule: "a node group without an instance type",
        bad: { nodeGroups: [{ name: "worker" }] },
        argument: "nodeGroups[0].instanceType",
        shown: "nothing",
        allowed: ["an EC2 instance type"],
        good: { nodeGroups: [group()] },
    },
    {
        rule: "a negative node group minimum",
        bad: { nodeGroups: [group({ minInstances: -1 })] },
        argument: "nodeGroups[0].minInstances",
        shown: "-1",
        allowed: ["an integer ≥ 0"],
        good: { nodeGroups: [group({ minInstances: 0 })] },
    },
    {
        rule: "a fractional node group minimum",
        bad: { nodeGroups: [group({ minInstances: 1.5 })] },
        argument: "nodeGroups[0].minInstances",
        shown: "1.5",
        allowed: ["an integer ≥ 0"],
        good: { nodeGroups: [group({ minInstances: 2 })] },
    },
    {
        rule: "a node group maximum of 0",
        bad: { nodeGroups: [group({ minInstances: 0, maxInstances: 0 })] },
        argument: "nodeGroups[0].maxInstances",
        shown: "0",
        allowed: ["an integer > 0"],
        good: { nodeGroups: [group({ minInstances: 0, maxInstances: 1 })] },
    },
    {
        rule: "a node group maximum below the minimum",
        bad: { nodeGroups: [group({ minInstances: 4, maxInstances: 3 })] },
        argument: "nodeGroups[0].maxInstances",
        shown: "3",
        allowed: ["an integer ≥ minInstances (4)"],
        good: { nodeGroups: [group({ minInstances: 4, maxInstances: 4 })] },
    },
    {
        rule: "a node group minimum above the default maximum",
        bad: { nodeGroups: [group({ minInstances: 7 })] },
        argument: "nodeGroups[0].maxInstances",
        shown: "nothing",
        allowed: ["an integer ≥ minInstances (7)", "unset, it defaults to 5"],
        good: { nodeGroups: [group({ minInstances: 5 })] },
    },
    {
        rule: "a node group maximum below the default minimum",
        bad: { nodeGroups: [group({ maxInstances: 0 })] },
        argument: "nodeGroups[0].maxInstances",
        shown: "0",
        allowed: ["an integer > 0"],
        good: { nodeGroups: [group({ maxInstances: 1 })] },
    },
    {
        rule: "spot not a boolean",
        bad: { nodeGroups: [group({ spot: "yes" })] },
        argument: "nodeGroups[0].spot",
        shown: '"yes"',
        allowed: ["true or false"],
        good: { nodeGroups: [group({ spot: true })] },
    },
    {
        rule: "a volume below 20 GiB",
        bad: { nodeGroups: [group({ instanceVolumeSize: 19 })] },
        argument: "nodeGroups[0].instanceVolumeSize",
        shown: "19",
        allowed: ["an integer 20–16384 (GiB)"],
        good: { nodeGroups: [group({ instanceVolumeSize: 20 })] },
    },
    {
        rule: "a volume above 16384 GiB",
        bad: { nodeGroups: [group({ instanceVolumeSize: 16385 })] },
        argument: "nodeGroups[0].instanceVolumeSize",
        shown: "16385",
        allowed: ["an integer 20–16384 (GiB)"],
        good: { nodeGroups: [group({ instanceVolumeSize: 16384 })] },
    },
    {
        rule: "an unknown volume type",
        bad: { nodeGroups: [group({ instanceVolumeType: "gp4" })] },
        argument: "nodeGroups[0].instanceVolumeType",
        shown: '"gp4"',
        allowed: ['"gp2", "gp3", "io1", "st1", "sc1"'],
        good: { nodeGroups: [group({ instanceVolumeType: "io1" })] },
    },
    {
        rule: "a node group with an unknown field",
        bad: { nodeGroups: [group({ spotPrice: "0.1" })] },
        argument: "nodeGroups[0].spotPrice",
        shown: '"0.1"',
        allowed: ["not a known field"],
        good: { nodeGroups: [group()] },
    },
    // runtimeCredentials
    {
        rule: "an unknown credentials mode",
        bad: { runtimeCredentials: { mode: "keys" } },
        argument: "runtimeCredentials.mode",
        shown: '"keys"',
        allowed: ['"iamUser", "provided", "serviceAccountRole", "nodeRole"'],
        good: { cortexVersion: "0.25", runtimeCredentials: { mode: "iamUser" } },
    },
    {
        rule: "credentials without a mode",
        bad: { runtimeCredentials: {} },
        argument: "runtimeCredentials.mode",
        shown: "nothing",
        allowed: ['"iamUser", "provided", "serviceAccountRole", "nodeRole"'],
        good: { runtimeCredentials: { mode: "serviceAccountRole" } },
    },
    {
        rule: "provided credentials without an access key id",
        bad: { runtimeCredentials: { mode: "provided", secretAccessKey: SECRET_ACCESS_KEY } },
        argument: "runtimeCredentials.accessKeyId",
        shown: "nothing",
        allowed: ['a value: mode "provided" requires it'],
        good: {
            cortexVersion: "0.25",
            runtimeCredentials: { mode: "provided", accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
        },
    },
    {
        rule: "a malformed access key id",
        bad: { runtimeCredentials: { mode: "provided", accessKeyId: "akia123", secretAccessKey: SECRET_ACCESS_KEY } },
        argument: "runtimeCredentials.accessKeyId",
        // Never shown: a caller who swaps the two fields would otherwise see the secret printed.
        shown: "(a secret, not shown)",
        allowed: ["AKIA or ASIA and 16 uppercase letters or digits"],
        good: {
            cortexVersion: "0.25",
            runtimeCredentials: { mode: "provided", accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET_ACCESS_KEY },
        },
    },
    {
        rule: "a malformed secret access key",
        bad: { runtimeCredentials: { mode: "provided", accessKeyId: ACCESS_KEY_ID, secretAccessKey: "short-secret-value" } },
        argument: "runtimeCredentials.secretAccessKey",
        shown: "(a secret, not shown)",
        allowed: ["40 characters"],
        good: {
            cortexVersion: "0.25",
            runtimeCredentials: { mode: "provided", accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
        },
    },
    {
        rule: "iamUser credentials with a key",
        bad: { runtimeCredentials: { mode: "iamUser", accessKeyId: ACCESS_KEY_ID } },
        argument: "runtimeCredentials.accessKeyId",
        shown: "(a secret, not shown)",
        allowed: ['nothing: mode "iamUser" takes no accessKeyId'],
        good: { cortexVersion: "0.25", runtimeCredentials: { mode: "iamUser" } },
    },
    {
        rule: "a namespace that is not a DNS label",
        bad: { runtimeCredentials: { mode: "serviceAccountRole", namespace: "Cortex_NS" } },
        argument: "runtimeCredentials.namespace",
        shown: '"Cortex_NS"',
        allowed: ["a Kubernetes namespace name"],
        good: { runtimeCredentials: { mode: "serviceAccountRole", namespace: "cortex" } },
    },
    {
        rule: "a service account that is not a DNS subdomain",
        bad: { runtimeCredentials: { mode: "serviceAccountRole", serviceAccount: "op erator" } },
        argument: "runtimeCredentials.serviceAccount",
        shown: '"op erator"',
        allowed: ["a Kubernetes service account name"],
        good: { runtimeCredentials: { mode: "serviceAccountRole", serviceAccount: "cortex.operator" } },
    },
    // modelBucketArns
    {
        rule: "a bucket name instead of an ARN",
        bad: { modelBucketArns: ["my-models"] },
        argument: "modelBucketArns[0]",
        shown: '"my-models"',
        allowed: ["an S3 bucket ARN"],
        good: { modelBucketArns: ["arn:aws:s3:::my-models"] },
    },
    {
        rule: "a bucket ARN with a wildcard",
        bad: { modelBucketArns: ["arn:aws:s3:::my-models/*"] },
        argument: "modelBucketArns[0]",
        shown: '"arn:aws:s3:::my-models/*"',
        allowed: ["no object path or wildcard"],
        good: { modelBucketArns: ["arn:aws:s3:::my-models", "arn:aws:s3:::more.models"] },
    },
    // vpcPeering (PeerSpec)
    {
        rule: "a peer with a malformed VPC id",
        bad: { vpcPeering: [peer({ vpcId: "vpc-1" })] },
        argument: "vpcPeering[0].vpcId",
        shown: '"vpc-1"',
        allowed: ["a VPC id"],
        good: { vpcPeering: [peer()] },
    },
    {
        rule: "a peer CIDR with host bits",
        bad: { vpcPeering: [peer({ cidrBlock: "10.30.0.1/16" })] },
        argument: "vpcPeering[0].cidrBlock",
        shown: '"10.30.0.1/16"',
        allowed: ["host bits are set; the network is 10.30.0.0/16"],
        good: { vpcPeering: [peer({ cidrBlock: "10.30.0.0/16" })] },
    },
    {
        rule: "a peer route table id that is not one",
        bad: { vpcPeering: [peer({ routeTableIds: ["rt-1"] })] },
        argument: "vpcPeering[0].routeTableIds[0]",
        shown: '"rt-1"',
        allowed: ["a route table id, rtb-…"],
        good: { vpcPeering: [peer({ routeTableIds: ["rtb-0a1b2c3d4e5f60000"] })] },
    },
    {
        rule: "a peer account id that is not one",
        bad: { vpcPeering: [peer({ ownerId: "12345" })] },
        argument: "vpcPeering[0].ownerId",
        shown: '"12345"',
        allowed: ["a 12-digit AWS account id"],
        good: { vpcPeering: [peer({ ownerId: "210987654321" })] },
    },
    {
        rule: "a peer region that is not one",
        bad: { vpcPeering: [peer({ region: "mars" })] },
        argument: "vpcPeering[0].region",
        shown: '"mars"',
        allowed: ["an AWS region such as us-west-2"],
        good: { vpcPeering: [peer({ region: "eu-central-1" })] },
    },
    {
        rule: "a peer overlapping the default VPC CIDR",
        bad: { vpcPeering: [peer({ cidrBlock: "192.168.10.0/24" })] },
        argument: "vpcPeering[0].cidrBlock",
        shown: '"192.168.10.0/24"',
        allowed: ["does not overlap the cluster VPC (192.168.0.0/16)"],
        good: { vpcPeering: [peer({ cidrBlock: "192.169.0.0/24" })] },
    },
    {
        rule: "a peer containing the given VPC CIDR",
        bad: { vpcCidr: "10.1.2.0/24", vpcPeering: [peer({ cidrBlock: "10.0.0.0/8" })] },
        argument: "vpcPeering[0].cidrBlock",
        shown: '"10.0.0.0/8"',
        allowed: ["does not overlap the cluster VPC (10.1.2.0/24)"],
        good: { vpcCidr: "10.1.2.0/24", vpcPeering: [peer({ cidrBlock: "10.1.3.0/24" })] },
    },
    {
        rule: "a peer overlapping an existing VPC",
        bad: {
            existingVpc: existingVpc({ routeTableIds: ["rtb-0aaaaaaaaaaaaaaa1"] }),
            vpcPeering: [peer({ cidrBlock: "10.50.128.0/17" })],
        },
        argument: "vpcPeering[0].cidrBlock",
        shown: '"10.50.128.0/17"',
        allowed: ["does not overlap the cluster VPC (10.50.0.0/16)"],
        good: { existingVpc: existingVpc({ routeTableIds: ["rtb-0aaaaaaaaaaaaaaa1"] }), vpcPeering: [peer({ cidrBlock: "10.51.0.0/16" })] },
    },
    {
        rule: "peers of an existing VPC without its route tables",
        bad: { existingVpc: existingVpc(), vpcPeering: [peer({ cidrBlock: "10.51.0.0/16" })] },
        argument: "existingVpc.routeTableIds",
        shown: "nothing",
        allowed: ["the route tables of the subnets the cluster uses, when vpcPeering is set"],
        good: { existingVpc: existingVpc({ routeTableIds: ["rtb-0aaaaaaaaaaaaaaa1"] }), vpcPeering: [peer({ cidrBlock: "10.51.0.0/16" })] },
    },
    {
        rule: "two overlapping peers",
        bad: { vpcPeering: [peer({ cidrBlock: "10.30.0.0/16" }), peer({ vpcId: "vpc-0e0e0e0e0e0e0e0e0", cidrBlock: "10.30.5.0/24" })] },
        argument: "vpcPeering[1].cidrBlock",
        shown: '"10.30.5.0/24"',
        allowed: ["does not overlap another peer (vpcPeering[0]: 10.30.0.0/16)"],
        good: { vpcPeering: [peer({ cidrBlock: "10.30.0.0/16" }), peer({ vpcId: "vpc-0e0e0e0e0e0e0e0e0", cidrBlock: "10.31.0.0/16" })] },
    },
    {
        rule: "route tables for a cross-account peer",
        bad: { vpcPeering: [peer({ ownerId: "210987654321", routeTableIds: ["rtb-0a1b2c3d4e5f60000"] })] },
        argument: "vpcPeering[0].routeTableIds",
        shown: '["rtb-0a1b2c3d4e5f60000"]',
        allowed: ["nothing for a peer in another account or region"],
        good: { vpcPeering: [peer({ ownerId: "210987654321" })] },
    },
    {
        rule: "route tables for a cross-region peer",
        bad: { vpcPeering: [peer({ region: "eu-west-1", routeTableIds: ["rtb-0a1b2c3d4e5f60000"] })] },
        argument: "vpcPeering[0].routeTableIds",
        shown: '["rtb-0a1b2c3d4e5f60000"]',
        allowed: ["nothing for a peer in another account or region"],
        good: { vpcPeering: [peer({ routeTableIds: ["rtb-0a1b2c3d4e5f60000"] })] },
    },
    {
        rule: "a peer with an unknown field",
        bad: { vpcPeering: [peer({ autoAccept: true })] },
        argument: "vpcPeering[0].autoAccept",
        shown: "true",
        allowed: ["not a known field"],
        good: { vpcPeering: [peer()] },
    },
    // tags
    {
        rule: "an empty tag key",
        bad: { tags: { "": "x" } },
        argument: "tags",
        shown: '{"":"x"}',
        allowed: ["tag keys of 1–127 chars"],
        good: { tags: { x: "x" } },
    },
    {
        rule: "a tag key of 128 chars",
        bad: { tags: { ["k".repeat(128)]: "v" } },
        argument: "tags",
        shown: JSON.stringify({ ["k".repeat(128)]: "v" }),
        allowed: ["tag keys of 1–127 chars"],
        good: { tags: { ["k".repeat(127)]: "v" } },
    },
    {
        rule: "a tag key with a leading space",
        bad: { tags: { " team": "ml" } },
        argument: "tags",
        shown: '{" team":"ml"}',
        allowed: ["no leading/trailing space"],
        good: { tags: { team: "ml" } },
    },
    {
        rule: "a tag key with a trailing space",
        bad: { tags: { "team ": "ml" } },
        argument: "tags",
        shown: '{"team ":"ml"}',
        allowed: ["no leading/trailing space"],
        good: { tags: { "cost center": "ml" } },
    },
    ...[
        "aws:createdBy",
        "AWS:x",
        "kubernetes.io/cluster/x",
        "Kubernetes.IO/x",
        "k8s.io/x",
        "K8S.io/x",
        "eksctl.io/x",
        "EKSCTL.cluster",
        "cortex.dev/cluster-name",
        "Cortex.Dev/x",
    ].map((key): Rule => ({
        rule: `the reserved tag key ${key}`,
        bad: { tags: { [key]: "v" } },
        argument: "tags",
        shown: JSON.stringify({ [key]: "v" }),
        allowed: ["not starting with aws:, kubernetes.io/, k8s.io/, eksctl., alpha.eksctl., beta.eksctl., cortex.dev/ (in any case)"],
        good: { tags: { [`x-${key}`]: "v" } },
    })),
    {
        rule: "an empty tag value",
        bad: { tags: { team: "" } },
        argument: "tags.team",
        shown: '""',
        allowed: ["a string of 1–255 chars"],
        good: { tags: { team: "m" } },
    },
    {
        rule: "a tag value of 256 chars",
        bad: { tags: { team: "v".repeat(256) } },
        argument: "tags.team",
        shown: shortened("v".repeat(256)),
        allowed: ["a string of 1–255 chars"],
        good: { tags: { team: "v".repeat(255) } },
    },
    {
        rule: "a tag value with a trailing space",
        bad: { tags: { "cost-center": "42 " } },
        argument: 'tags["cost-center"]',
        shown: '"42 "',
        allowed: ["no leading/trailing space"],
        good: { tags: { "cost-center": "42" } },
    },
    {
        rule: "a tag value that is not a string",
        bad: { tags: { team: 7 } },
        argument: "tags.team",
        shown: "7",
        allowed: ["a string"],
        good: { tags: { team: "7" } },
    },
    {
        rule: "tags as a list",
        bad: { tags: ["team=ml"] },
        argument: "tags",
        shown: '["team=ml"]',
        allowed: ["a map of tag keys to string values"],
        good: { tags: {} },
    },
    // the arguments themselves
    {
        rule: "an unknown argument (Cortex's snake_case)",
        bad: { subnet_visibility: "public" },
        argument: "subnet_visibility",
        shown: '"public"',
        allowed: ["not a known argument", "subnetVisibility"],
        good: { subnetVisibility: "public" },
    },
    {
        rule: "arguments that are not an object",
        bad: "private",
        argument: "(the arguments)",
        shown: '"private"',
        allowed: ["an object of CortexSecureCluster arguments"],
        good: {},
    },
];

describe("argument rules", () => {
    for (const rule of RULES) {
        it(`rejects ${rule.rule}, naming the argument, the value and what is allowed`, () => {
            assertRejected(rule.bad, rule.argument, rule.shown, rule.allowed);
        });
        it(`accepts the corrected value for ${rule.rule}`, () => {
            assertAccepted(rule.good);
        });
    }

    it("accepts every argument at once when each is valid", () => {
        assertAccepted({
            clusterName: "cortex-prod",
            kubernetesVersion: "1.33",
            vpcCidr: "10.20.0.0/16",
            availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
            subnetVisibility: "private",
            natGateway: "highly_available",
            vpcEndpoints: "all",
            flowLogs: true,
            apiLoadBalancerScheme: "internet-facing",
            operatorLoadBalancerScheme: "internal",
            apiLoadBalancerCidrAllowList: ["203.0.113.0/24", "198.51.100.7/32"],
            operatorLoadBalancerCidrAllowList: ["10.20.0.0/16"],
            sslCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
            apiGateway: false,
            clusterEndpointPublicAccess: true,
            clusterEndpointPublicAccessCidrs: ["203.0.113.0/24"],
            secretsEncryptionKeyArn: "arn:aws:kms:us-west-2:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
            controlPlaneLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            logRetentionDays: 731,
            operatorNodeGroup: { instanceType: "t3.large", minInstances: 2, maxInstances: 4 },
            nodeGroups: [
                {
                    name: "worker",
                    instanceType: "m5.xlarge",
                    minInstances: 2,
                    maxInstances: 10,
                    instanceVolumeSize: 100,
                    instanceVolumeType: "gp3",
                },
                { name: "gpu", instanceType: "g4dn.xlarge", minInstances: 0, maxInstances: 4, spot: true },
            ],
            runtimeCredentials: { mode: "serviceAccountRole", namespace: "default", serviceAccount: "operator" },
            modelBucketArns: ["arn:aws:s3:::example-models"],
            cliUser: true,
            vpcPeering: [{ vpcId: "vpc-0f0f0f0f0f0f0f0f0", cidrBlock: "10.30.0.0/16", routeTableIds: ["rtb-0a1b2c3d4e5f60000"] }],
            tags: { team: "ml-platform", "cost-center": "4200" },
            protectData: true,
        });
    });

    it("accepts only the admins' allow list when the admin planes are internet-facing by default", () => {
        assertAccepted({});
        assert.deepEqual(findProblemsOfGiven({ adminCidrAllowList: ["203.0.113.0/24"] }), []);
        assert.deepEqual(findProblemsOfGiven({ adminCidrAllowList: ["0.0.0.0/0"] }), []);
    });

    it("accepts allow-list entries of every prefix, /0 and /32 included", () => {
        const everyPrefix = Array.from({ length: 33 }, (_, prefix) => (prefix === 0 ? "0.0.0.0/0" : `128.0.0.0/${prefix}`));
        assertAccepted({
            operatorLoadBalancerCidrAllowList: everyPrefix,
            apiLoadBalancerCidrAllowList: ["0.0.0.0/0", "198.51.100.7/32"],
            clusterEndpointPublicAccessCidrs: ["198.51.100.7/32"],
        });
    });

    it("leaves values that are still Outputs for when they resolve, and checks them then", () => {
        assertAccepted({
            cortexVersion: "0.25",
            sslCertificateArn: pulumi.output("not an arn"),
            secretsEncryptionKeyArn: pulumi.output("not an arn"),
            modelBucketArns: [pulumi.output("not an arn")],
            existingVpc: existingVpc({
                vpcId: pulumi.output("vpc-from-elsewhere"),
                privateSubnetIds: [pulumi.output("a"), pulumi.output("b")],
            }),
            runtimeCredentials: { mode: "provided", accessKeyId: pulumi.secret("x"), secretAccessKey: pulumi.secret("y") },
        });
        const problem = checkValue("sslCertificateArn", valueRules.acmCertificateArn, "arn:aws:acm:us-west-2:123456789012:cert/x");
        assert.deepEqual(problem, {
            argument: "sslCertificateArn",
            value: "arn:aws:acm:us-west-2:123456789012:cert/x",
            allowed: "an ACM certificate ARN, arn:aws:acm:REGION:ACCOUNT:certificate/ID",
        });
        assert.equal(checkValue("modelBucketArns[0]", valueRules.s3BucketArn, "arn:aws:s3:::models"), undefined);
    });
});

describe("the error", () => {
    it("lists every problem at once, one line each, with a count", () => {
        const message = errorMessage({
            clusterName: "Cortex",
            subnetVisibility: "privat",
            vpcCidr: "10.0.0.1/16",
            logRetentionDays: 10,
            nodeGroups: [group({ instanceType: "t3.nano" }), group()],
            tags: { "aws:owner": "me" },
        });
        assert.match(message, /^Invalid CortexSecureCluster arguments \(7 problems\):\n/);
        lineAbout(message, "clusterName", '"Cortex"');
        lineAbout(message, "subnetVisibility", '"privat"');
        lineAbout(message, "vpcCidr", '"10.0.0.1/16"');
        lineAbout(message, "logRetentionDays", "10");
        lineAbout(message, "nodeGroups[0].instanceType", '"t3.nano"');
        lineAbout(message, "nodeGroups[1].name", '"worker"');
        lineAbout(message, "tags", '{"aws:owner":"me"}');
        assert.equal(message.split("\n").length, 8);
    });

    it("carries the problems as data as well", () => {
        try {
            resolveSettings({ flowLogs: "no" as never, protectData: 0 as never });
            assert.fail("expected an error");
        } catch (error) {
            assert.ok(error instanceof CortexSecureClusterArgsError);
            assert.deepEqual(
                error.problems.map((p) => [p.argument, p.value]),
                [
                    ["flowLogs", "no"],
                    ["protectData", 0],
                ],
            );
        }
    });

    it("reports a joint rule beside the single-value problems of other arguments", () => {
        const message = errorMessage({
            natGateway: "none",
            clusterName: "x",
            vpcPeering: [peer({ cidrBlock: "192.168.0.0/24" }), peer({ vpcId: "bad" })],
        });
        lineAbout(message, "natGateway", '"none"');
        lineAbout(message, "clusterName", '"x"');
        lineAbout(message, "vpcPeering[0].cidrBlock", '"192.168.0.0/24"');
        lineAbout(message, "vpcPeering[1].vpcId", '"bad"');
    });

    it("reports every overlapping peer, against the VPC and against each other", () => {
        const problems = findArgumentProblems({
            vpcCidr: "10.0.0.0/16",
            vpcPeering: [peer({ cidrBlock: "10.0.128.0/20" }), peer({ cidrBlock: "10.30.0.0/16" }), peer({ cidrBlock: "10.30.0.0/24" })],
        });
        assert.deepEqual(
            problems.map((p) => [p.argument, p.allowed]),
            [
                ["vpcPeering[0].cidrBlock", "a CIDR that does not overlap the cluster VPC (10.0.0.0/16)"],
                ["vpcPeering[2].cidrBlock", "a CIDR that does not overlap another peer (vpcPeering[1]: 10.30.0.0/16)"],
            ],
        );
    });

    it("reports every excluded setting beside an existing VPC", () => {
        const problems = findArgumentProblems({
            existingVpc: existingVpc(),
            vpcCidr: "10.0.0.0/16",
            availabilityZones: ["us-west-2a", "us-west-2b"],
            natGateway: "highly_available",
        });
        assert.deepEqual(
            problems.map((p) => p.argument),
            ["vpcCidr", "availabilityZones", "natGateway"],
        );
    });

    it("does not read a misspelt argument as its default in a joint rule", () => {
        // "publc" is not taken for the default (private), so natGateway none is not a second problem.
        assert.deepEqual(
            findArgumentProblems({ subnetVisibility: "publc", natGateway: "none" }).map((p) => p.argument),
            ["subnetVisibility"],
        );
        // A malformed vpcCidr is not replaced by the default when peers are checked for overlap.
        assert.deepEqual(
            findArgumentProblems({ vpcCidr: "10.0.0.0/8", vpcPeering: [peer({ cidrBlock: "192.168.1.0/24" })] }).map((p) => p.argument),
            ["vpcCidr"],
        );
        // An endpoints typo does not make the NAT rule fire: the user may well have meant "all".
        assert.deepEqual(
            findArgumentProblems({ natGateway: "none", vpcEndpoints: "al" }).map((p) => p.argument),
            ["vpcEndpoints"],
        );
    });

    it("never shows a secret access key, wherever it appears", () => {
        const cases: unknown[] = [
            { runtimeCredentials: { mode: "provided", accessKeyId: ACCESS_KEY_ID, secretAccessKey: `${SECRET_ACCESS_KEY}!` } },
            { runtimeCredentials: { mode: "provded", accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY } },
            { runtimeCredentials: { mode: "iamUser", secretAccessKey: SECRET_ACCESS_KEY } },
            { runtimeCredentials: { mode: "serviceAccountRole", secretAccessKey: SECRET_ACCESS_KEY } },
            { runtimeCredentials: "provided", clusterName: "X", secretAccessKey: SECRET_ACCESS_KEY },
        ];
        for (const args of cases) {
            const message = errorMessage(args);
            assert.ok(!message.includes(SECRET_ACCESS_KEY.slice(0, 12)), `a secret leaked into:\n${message}`);
        }
        lineAbout(errorMessage(cases[0]), "runtimeCredentials.secretAccessKey", "(a secret, not shown)");
    });

    it("names an Output rather than printing it", () => {
        const message = errorMessage({
            existingVpc: existingVpc({ vpcId: pulumi.output("vpc-1") }),
            vpcCidr: "10.0.0.0/16",
            apiLoadBalancerCidrAllowList: [pulumi.output("x")],
        });
        lineAbout(message, "apiLoadBalancerCidrAllowList[0]", '"(an Output)"');
        assert.ok(!message.includes("toJSON"));
    });
});

describe("resolveSettings: the defaults", () => {
    it("applies every default, the admins' list on both admin planes", () => {
        assert.deepEqual(resolveSettings({ adminCidrAllowList: ["203.0.113.0/24"] }), {
            cortexVersion: "0.42",
            clusterName: "cortex",
            kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
            vpcCidr: "192.168.0.0/16",
            availabilityZones: undefined,
            loadBalancerNodePorts: { apiHttp: 30080, apiHttps: 30443, operatorHttps: 31443 },
            existingVpc: undefined,
            subnetVisibility: "private",
            natGateway: "single",
            vpcEndpoints: "gateway",
            s3EndpointAccess: "anyBucket",
            flowLogs: true,
            apiLoadBalancerScheme: "internet-facing",
            operatorLoadBalancerScheme: "internet-facing",
            adminCidrAllowList: ["203.0.113.0/24"],
            apiLoadBalancerCidrAllowList: ["0.0.0.0/0"],
            operatorLoadBalancerCidrAllowList: ["203.0.113.0/24"],
            sslCertificateArn: undefined,
            apiHttpListener: true,
            apiGateway: false,
            apiGatewayAuthorization: "none",
            apiGatewayThrottling: { rateLimit: 100, burstLimit: 200 },
            clusterEndpointPublicAccess: true,
            clusterEndpointPublicAccessCidrs: ["203.0.113.0/24"],
            clusterAdmins: [],
            secretsEncryptionKeyArn: undefined,
            controlPlaneLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            logRetentionDays: 365,
            operatorNodeGroup: {
                name: "operator",
                instanceType: "t3.medium",
                minInstances: 2,
                maxInstances: 25,
                spot: false,
                instanceVolumeSize: 50,
                instanceVolumeType: "gp3",
            },
            nodeGroups: [
                {
                    name: "worker",
                    instanceType: "m5.large",
                    minInstances: 1,
                    maxInstances: 5,
                    spot: false,
                    instanceVolumeSize: 50,
                    instanceVolumeType: "gp3",
                },
            ],
            runtimeCredentials: { mode: "nodeRole" },
            modelBucketArns: [],
            cliUser: false,
            vpcPeering: [],
            tags: {},
            protectData: true,
            inClusterObjects: true,
        });
        assert.match(DEFAULT_KUBERNETES_VERSION, /^1\.\d+$/);
    });

    it("defaults natGateway by visibility: single when private, none when public", () => {
        assert.equal(resolveSettings({ subnetVisibility: "private" }).natGateway, "single");
        assert.equal(resolveSettings({ subnetVisibility: "public" }).natGateway, "none");
        assert.equal(resolveSettings({ subnetVisibility: "public", natGateway: "single" }).natGateway, "single");
        assert.equal(resolveSettings({ natGateway: "highly_available" }).natGateway, "highly_available");
        assert.equal(resolveSettings({ natGateway: "none", vpcEndpoints: "all" }).natGateway, "none");
    });

    it("builds no NAT into an existing VPC, keeps the S3 gateway endpoint default, and takes its CIDR", () => {
        const resolved = resolveSettings({ existingVpc: existingVpc() });
        assert.equal(resolved.natGateway, "none");
        assert.equal(resolved.vpcEndpoints, "gateway");
        assert.equal(resolved.vpcCidr, "10.50.0.0/16");
        assert.equal(resolveSettings({ existingVpc: existingVpc(), vpcEndpoints: "none" }).vpcEndpoints, "none");
    });

    it("opens an internet-facing API to the internet, an internet-facing operator to the admins, internal ones to the VPC and its peers", () => {
        assert.deepEqual(resolveSettings({ adminCidrAllowList: ["192.0.2.0/24"] }).operatorLoadBalancerCidrAllowList, ["192.0.2.0/24"]);
        const peers = [peer({ cidrBlock: "10.30.0.0/16" }), peer({ vpcId: "vpc-0e0e0e0e0e0e0e0e0", cidrBlock: "172.16.0.0/20" })];
        const internal = resolveSettings({
            vpcCidr: "10.20.0.0/16",
            apiLoadBalancerScheme: "internal",
            operatorLoadBalancerScheme: "internal",
            vpcPeering: peers,
        });
        assert.deepEqual(internal.apiLoadBalancerCidrAllowList, ["10.20.0.0/16", "10.30.0.0/16", "172.16.0.0/20"]);
        assert.deepEqual(internal.operatorLoadBalancerCidrAllowList, ["10.20.0.0/16", "10.30.0.0/16", "172.16.0.0/20"]);

        const mixed = resolveSettings({ operatorLoadBalancerScheme: "internal", vpcPeering: peers });
        assert.deepEqual(mixed.apiLoadBalancerCidrAllowList, ["0.0.0.0/0"]);
        assert.deepEqual(mixed.operatorLoadBalancerCidrAllowList, ["192.168.0.0/16", "10.30.0.0/16", "172.16.0.0/20"]);

        const existing = resolveSettings({
            existingVpc: existingVpc({ publicSubnetIds: [] }),
            apiLoadBalancerScheme: "internal",
            operatorLoadBalancerScheme: "internal",
        });
        assert.deepEqual(existing.apiLoadBalancerCidrAllowList, ["10.50.0.0/16"]);
    });

    it("keeps a given allow list as given", () => {
        const resolved = resolveSettings({
            apiLoadBalancerScheme: "internal",
            apiLoadBalancerCidrAllowList: ["10.9.0.0/16"],
            operatorLoadBalancerCidrAllowList: ["198.51.100.7/32"],
        });
        assert.deepEqual(resolved.apiLoadBalancerCidrAllowList, ["10.9.0.0/16"]);
        assert.deepEqual(resolved.operatorLoadBalancerCidrAllowList, ["198.51.100.7/32"]);
    });

    it("gives no public access CIDRs when there is no public endpoint", () => {
        assert.deepEqual(resolveSettings({ clusterEndpointPublicAccess: false }).clusterEndpointPublicAccessCidrs, []);
        assert.deepEqual(resolveSettings({ clusterEndpointPublicAccessCidrs: ["203.0.113.0/24"] }).clusterEndpointPublicAccessCidrs, [
            "203.0.113.0/24",
        ]);
    });

    it("fills each node group's unset fields with the NodeGroupSpec defaults", () => {
        const resolved = resolveSettings({
            nodeGroups: [
                { name: "cpu", instanceType: "c5.xlarge", maxInstances: 3 },
                {
                    name: "gpu",
                    instanceType: "g4dn.xlarge",
                    minInstances: 0,
                    spot: true,
                    instanceVolumeSize: 200,
                    instanceVolumeType: "io1",
                },
            ],
            operatorNodeGroup: { minInstances: 1 },
        });
        assert.deepEqual(resolved.nodeGroups, [
            {
                name: "cpu",
                instanceType: "c5.xlarge",
                minInstances: 1,
                maxInstances: 3,
                spot: false,
                instanceVolumeSize: 50,
                instanceVolumeType: "gp3",
            },
            {
                name: "gpu",
                instanceType: "g4dn.xlarge",
                minInstances: 0,
                maxInstances: 5,
                spot: true,
                instanceVolumeSize: 200,
                instanceVolumeType: "io1",
            },
        ]);
        assert.deepEqual(resolved.operatorNodeGroup, {
            name: "operator",
            instanceType: "t3.medium",
            minInstances: 1,
            maxInstances: 25,
            spot: false,
            instanceVolumeSize: 50,
            instanceVolumeType: "gp3",
        });
    });

    it("throws before applying defaults when anything is wrong", () => {
        assert.throws(() => resolveSettings({ natGateway: "none" }), CortexSecureClusterArgsError);
    });
});

describe("resolveSettings: values that are Outputs", () => {
    // An Output's internal promise: the only way to see the error its apply raised.
    const settle = (output: unknown) =>
        (output as { promise(): Promise<unknown> }).promise().then(
            (value) => ({ value, error: undefined }),
            (error: Error) => ({ value: undefined, error }),
        );
    let holder: pulumi.ComponentResource;
    before(() => {
        holder = new pulumi.ComponentResource("test:index:Holder", "check-holder");
    });
    const owner = () => holder;

    it("passes a good value through", async () => {
        const arn = "arn:aws:kms:us-west-2:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d";
        const settings = resolveSettings({ secretsEncryptionKeyArn: pulumi.output(arn) }, { owner });
        assert.deepEqual(await settle(settings.secretsEncryptionKeyArn), { value: arn, error: undefined });
    });

    it("fails with a ResourceError naming the argument, the value and what is allowed", async () => {
        const settings = resolveSettings({ sslCertificateArn: pulumi.output("arn:aws:iam::123456789012:server-certificate/x") }, { owner });
        const { error } = await settle(settings.sslCertificateArn);
        assert.ok(error instanceof pulumi.ResourceError, String(error));
        assert.equal(
            error.message,
            'Invalid CortexSecureCluster arguments (1 problem):\n  - sslCertificateArn: got "arn:aws:iam::123456789012:server-certificate/x"; allowed: an ACM certificate ARN, arn:aws:acm:REGION:ACCOUNT:certificate/ID',
        );
    });

    it("names the value's place inside lists and objects", async () => {
        const settings = resolveSettings(
            {
                modelBucketArns: ["arn:aws:s3:::models", pulumi.output("arn:aws:s3:::models/prefix")],
                vpcPeering: [{ vpcId: pulumi.output("vpc-x"), cidrBlock: "10.20.0.0/16" }],
            },
            { owner },
        );
        assert.match(String((await settle(settings.modelBucketArns[1])).error), /modelBucketArns\[1\]: got "arn:aws:s3:::models\/prefix"/);
        assert.match(String((await settle(settings.vpcPeering[0].vpcId)).error), /vpcPeering\[0\]\.vpcId: got "vpc-x"; allowed: a VPC id/);
    });

    it("never shows a secret value that is wrong", async () => {
        const settings = resolveSettings(
            {
                cortexVersion: "0.25",
                runtimeCredentials: {
                    mode: "provided",
                    accessKeyId: pulumi.secret("AKIA-leaked-key-id"),
                    secretAccessKey: pulumi.secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                },
            },
            { owner },
        );
        const { error } = await settle(settings.runtimeCredentials.accessKeyId);
        assert.ok(error instanceof pulumi.ResourceError, String(error));
        assert.match(error.message, /runtimeCredentials\.accessKeyId: got \(a secret, not shown\); allowed: an AWS access key id/);
        assert.ok(!error.message.includes("leaked"), error.message);
    });
});
