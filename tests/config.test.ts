// Stack config: read by the same rules as the component, naming the config key of every problem.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { CortexSecureClusterArgsError, parseStackConfig, readStackFile } from "../components";
import { isSecret, TEST_ADMIN_CIDRS, valueOf } from "./harness";

const NS = "cortex-secure-cluster";
const ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/** Where these stacks are administered from: their admin planes are internet-facing by default. */
const ADMINS = { adminCidrAllowList: JSON.stringify(TEST_ADMIN_CIDRS) };

/** Config as Pulumi hands it to the program: namespaced keys, string values; the tests' admin list unless given. */
const stack = (settings: Record<string, string>) =>
    Object.fromEntries(Object.entries({ ...ADMINS, ...settings }).map(([key, value]) => [`${NS}:${key}`, value]));

function configError(config: Record<string, string>, secretKeys: string[] = []): CortexSecureClusterArgsError {
    try {
        parseStackConfig(config, new Set(secretKeys));
    } catch (error) {
        assert.ok(error instanceof CortexSecureClusterArgsError, `expected a CortexSecureClusterArgsError, got ${String(error)}`);
        return error;
    }
    assert.fail(`expected ${JSON.stringify(config)} to be rejected`);
}

function lineAbout(message: string, argument: string): string {
    const line = message.split("\n").find((l) => l.startsWith(`  - ${argument}: got `));
    assert.ok(line, `no line about ${argument} in:\n${message}`);
    return line;
}

describe("parseStackConfig", () => {
    it("names subnetVisibility and what it may be when it is misspelt", () => {
        const { message } = configError(stack({ subnetVisibility: "privat" }));
        assert.match(message, /^Invalid stack config \(namespace cortex-secure-cluster\) \(1 problem\):/);
        assert.equal(lineAbout(message, "subnetVisibility"), '  - subnetVisibility: got "privat"; allowed: one of "public", "private"');
    });

    it("names an unknown key and lists the known ones", () => {
        const line = lineAbout(configError(stack({ subnet_visibility: "public" })).message, "subnet_visibility");
        assert.match(
            line,
            /got "public"; allowed: nothing: not a setting of this stack \(known: cortexVersion, clusterName, .*subnetVisibility, .*protectData, inClusterObjects\)/,
        );
    });

    it("leaves other namespaces (aws:region) to their owners", () => {
        assert.deepEqual(parseStackConfig({ "aws:region": "us-west-2", "kubernetes:context": "x", ...stack({ clusterName: "dev" }) }), {
            adminCidrAllowList: TEST_ADMIN_CIDRS,
            clusterName: "dev",
        });
    });

    it("reads booleans, numbers, strings and structured values by each argument's type", () => {
        const args = parseStackConfig(
            stack({
                flowLogs: "false",
                protectData: "true",
                logRetentionDays: "30",
                kubernetesVersion: "1.30",
                subnetVisibility: "public",
                nodeGroups: JSON.stringify([{ name: "worker", instanceType: "t3.large", minInstances: 0, maxInstances: 2, spot: true }]),
                tags: JSON.stringify({ environment: "dev" }),
                apiLoadBalancerCidrAllowList: JSON.stringify(["203.0.113.0/24"]),
            }),
        );
        assert.deepEqual(args, {
            adminCidrAllowList: TEST_ADMIN_CIDRS,
            flowLogs: false,
            protectData: true,
            logRetentionDays: 30,
            kubernetesVersion: "1.30",
            subnetVisibility: "public",
            nodeGroups: [{ name: "worker", instanceType: "t3.large", minInstances: 0, maxInstances: 2, spot: true }],
            tags: { environment: "dev" },
            apiLoadBalancerCidrAllowList: ["203.0.113.0/24"],
        });
    });

    it("rejects a boolean that is not true or false", () => {
        assert.equal(
            lineAbout(configError(stack({ flowLogs: "yes" })).message, "flowLogs"),
            '  - flowLogs: got "yes"; allowed: true or false',
        );
        assert.equal(
            lineAbout(configError(stack({ cliUser: "True" })).message, "cliUser"),
            '  - cliUser: got "True"; allowed: true or false',
        );
    });

    it("rejects a number that is not one, listing the allowed values", () => {
        const line = lineAbout(configError(stack({ logRetentionDays: "a year" })).message, "logRetentionDays");
        assert.match(line, /^ {2}- logRetentionDays: got "a year"; allowed: one of 1, 3, 5, .*, 365, .*3653$/);
        assert.match(lineAbout(configError(stack({ logRetentionDays: "364" })).message, "logRetentionDays"), /got 364; allowed: one of/);
    });

    it("rejects a structured setting that is not a list or map", () => {
        const line = lineAbout(configError(stack({ nodeGroups: "worker:m5.large" })).message, "nodeGroups");
        assert.equal(
            line,
            '  - nodeGroups: got "worker:m5.large"; allowed: a structured value (a YAML list or map in the stack file, or `pulumi config set --path`)',
        );
        assert.match(
            lineAbout(configError(stack({ tags: "[1, 2]" })).message, "tags"),
            /got \[1,2\]; allowed: a map of tag keys to string values/,
        );
    });

    it("applies the component's rules inside structured settings, naming the path", () => {
        const { message } = configError(stack({ nodeGroups: JSON.stringify([{ name: "worker", instanceType: "t3.micro" }]) }));
        assert.match(lineAbout(message, "nodeGroups[0].instanceType"), /got "t3.micro"; allowed: an instance type larger than micro/);
    });

    it("lists every problem of a stack in one error", () => {
        const { message, problems } = configError(
            stack({
                subnetVisibility: "privat",
                flowLogs: "yes",
                nodeGroups: "{",
                natGateway: "none",
                colour: "blue",
                logRetentionDays: "10",
            }),
        );
        assert.deepEqual(problems.map((p) => p.argument).sort(), [
            "colour",
            "flowLogs",
            "logRetentionDays",
            "nodeGroups",
            "subnetVisibility",
        ]);
        assert.match(message, /\(5 problems\)/);
    });

    it("applies joint rules to stack config too", () => {
        const { message } = configError(stack({ subnetVisibility: "private", natGateway: "none" }));
        assert.match(
            lineAbout(message, "natGateway"),
            /got "none"; allowed: "single" or "highly_available" with subnetVisibility "private"/,
        );
    });

    it("refuses provided runtime keys that are not stored as secrets, without showing them", () => {
        const credentials = JSON.stringify({ mode: "provided", accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY });
        const { message } = configError(stack({ runtimeCredentials: credentials }));
        assert.match(
            lineAbout(message, "runtimeCredentials.secretAccessKey"),
            /got \(a secret, not shown\); allowed: a value stored encrypted: `pulumi config set --secret/,
        );
        assert.ok(!message.includes(SECRET_ACCESS_KEY.slice(0, 12)), message);
    });

    it("passes provided runtime keys stored as secrets on as Pulumi secrets", async () => {
        const credentials = JSON.stringify({ mode: "provided", accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY });
        const args = parseStackConfig(
            stack({ cortexVersion: "0.25", runtimeCredentials: credentials }),
            new Set([`${NS}:runtimeCredentials`]),
        );
        const provided = args.runtimeCredentials;
        assert.ok(provided?.mode === "provided");
        const accessKeyId = provided.accessKeyId as pulumi.Output<string>;
        const secretAccessKey = provided.secretAccessKey as pulumi.Output<string>;
        assert.equal(await isSecret(accessKeyId), true);
        assert.equal(await isSecret(secretAccessKey), true);
        assert.equal(await valueOf(accessKeyId), ACCESS_KEY_ID);
        assert.equal(await valueOf(secretAccessKey), SECRET_ACCESS_KEY);
    });

    it("never shows a secret setting's value, even when it is malformed", () => {
        const unparsable = `{"mode":"provided","secretAccessKey":"${SECRET_ACCESS_KEY}"`;
        for (const secretKeys of [[], [`${NS}:runtimeCredentials`]]) {
            const { message } = configError(stack({ runtimeCredentials: unparsable }), secretKeys);
            assert.match(lineAbout(message, "runtimeCredentials"), /got \(a secret, not shown\); allowed: a structured value/);
            assert.ok(!message.includes(SECRET_ACCESS_KEY.slice(0, 12)), message);
        }
        const { message } = configError(stack({ sslCertificateArn: "arn:aws:iam::123456789012:server-certificate/x" }), [
            `${NS}:sslCertificateArn`,
        ]);
        assert.match(lineAbout(message, "sslCertificateArn"), /got \(a secret, not shown\); allowed: an ACM certificate ARN/);
        assert.ok(!message.includes("server-certificate"), message);
    });

    it("refuses a secret for a setting that would end up in plain text", () => {
        const { message } = configError(stack({ tags: JSON.stringify({ owner: "alice" }) }), [`${NS}:tags`]);
        assert.match(
            lineAbout(message, "tags"),
            /got \(a secret, not shown\); allowed: a plain value, set without --secret: tags ends up in resource names, tags or plain outputs/,
        );
        assert.ok(!message.includes("alice"));
    });

    it("passes a certificate or key ARN stored as a secret on as a Pulumi secret", async () => {
        const arn = "arn:aws:acm:us-west-2:123456789012:certificate/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d";
        const args = parseStackConfig(stack({ sslCertificateArn: arn }), new Set([`${NS}:sslCertificateArn`]));
        const output = args.sslCertificateArn as pulumi.Output<string>;
        assert.equal(await isSecret(output), true);
        assert.equal(await valueOf(output), arn);
        assert.equal(parseStackConfig(stack({ sslCertificateArn: arn })).sslCertificateArn, arn);
    });

    it("reads the project's own namespace when it is not the default", () => {
        assert.deepEqual(
            parseStackConfig(
                {
                    "my-cortex:subnetVisibility": "public",
                    "my-cortex:adminCidrAllowList": ADMINS.adminCidrAllowList,
                    [`${NS}:subnetVisibility`]: "privat",
                },
                new Set(),
                "my-cortex",
            ),
            { subnetVisibility: "public", adminCidrAllowList: TEST_ADMIN_CIDRS },
        );
    });
});

describe("readStackFile", () => {
    it("hands scalars over as their text and lists and maps as JSON, as Pulumi does", () => {
        const { config, secretKeys } = readStackFile(`
config:
  aws:region: us-west-2
  ${NS}:kubernetesVersion: 1.30
  ${NS}:flowLogs: true
  ${NS}:logRetentionDays: 365
  ${NS}:clusterName: "cortex-dev"
  ${NS}:availabilityZones: [us-west-2a, us-west-2b]
  ${NS}:nodeGroups:
    - name: worker
      instanceType: m5.large
      maxInstances: 3
  ${NS}:tags:
    team: ml
`);
        assert.deepEqual(config, {
            "aws:region": "us-west-2",
            [`${NS}:kubernetesVersion`]: "1.30",
            [`${NS}:flowLogs`]: "true",
            [`${NS}:logRetentionDays`]: "365",
            [`${NS}:clusterName`]: "cortex-dev",
            [`${NS}:availabilityZones`]: '["us-west-2a","us-west-2b"]',
            [`${NS}:nodeGroups`]: '[{"name":"worker","instanceType":"m5.large","maxInstances":3}]',
            [`${NS}:tags`]: '{"team":"ml"}',
        });
        assert.deepEqual([...secretKeys], []);
    });

    it("marks keys holding a secure value, at the top or nested, and keeps the ciphertext", () => {
        const { config, secretKeys } = readStackFile(`
config:
  ${NS}:sslCertificateArn:
    secure: v1:AAAA
  ${NS}:runtimeCredentials:
    mode: provided
    accessKeyId: ${ACCESS_KEY_ID}
    secretAccessKey:
      secure: v1:BBBB
  ${NS}:clusterName: cortex
`);
        assert.deepEqual([...secretKeys].sort(), [`${NS}:runtimeCredentials`, `${NS}:sslCertificateArn`]);
        assert.equal(config[`${NS}:sslCertificateArn`], "v1:AAAA");
        assert.deepEqual(JSON.parse(config[`${NS}:runtimeCredentials`]), {
            mode: "provided",
            accessKeyId: ACCESS_KEY_ID,
            secretAccessKey: "v1:BBBB",
        });
    });

    it("reads a file without config as empty, and refuses one that is not YAML", () => {
        assert.deepEqual(readStackFile("encryptionsalt: v1:abc\n"), { config: {}, secretKeys: new Set() });
        assert.throws(() => readStackFile("config: [unclosed\n"), /Invalid stack file/);
        assert.throws(() => readStackFile("config: just-a-string\n"), /`config` is not a map/);
    });
});
