import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    buildCliConfigureCommand,
    buildCliEnvironment,
    CLI_KEY_SHELL_VARIABLES,
    cliEnvironmentOutputs,
    CliEnvironmentInputs,
} from "../components/cliEnvironment";
import { resolveSettings } from "../components/settings";
import { build, isSecret, valueOf, withAdmins } from "./harness";
import { mockCloud } from "../tools/mockCloud";

const ENDPOINT = "https://t-operator-0123456789.elb.us-west-2.amazonaws.com";

let keys = 0;
/** An IAM access key as the mock cloud makes it: what the runtime and CLI users get. */
function accessKey(role: string): { accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> } {
    keys += 1;
    const key = new aws.iam.AccessKey(`cli-env-${role}-${keys}`, { user: `${role}-user` });
    return { accessKeyId: key.id, secretAccessKey: key.secret };
}

type RuntimeMode = "iamUser" | "provided" | "serviceAccountRole";

/** The runtime credentials a stack of that mode has, as Outputs the way the component holds them. */
function runtimeCredentials(mode: RuntimeMode): { accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> } | undefined {
    switch (mode) {
        case "iamUser":
            return accessKey("runtime");
        case "provided":
            return {
                accessKeyId: pulumi.output("AKIAPROVIDEDRUNTIME1"),
                secretAccessKey: pulumi.secret("providedRuntimeSecret/0123456789abcdefghijk"),
            };
        case "serviceAccountRole":
            return undefined;
    }
}

describe("cliEnvironment: the Cortex CLI environment outputs", () => {
    for (const mode of ["iamUser", "provided", "serviceAccountRole"] as RuntimeMode[]) {
        for (const cliUser of [false, true]) {
            it(`runtimeCredentials ${mode}, cliUser ${cliUser}: ${cliUser ? "a secret environment with the CLI key" : "a plain environment without keys"}, never a runtime key`, async () => {
                const runtime = runtimeCredentials(mode);
                const cliKey = cliUser ? accessKey("cli") : undefined;
                const outputs = cliEnvironmentOutputs({
                    stackName: pulumi.getStack(),
                    operatorEndpoint: pulumi.output(ENDPOINT),
                    region: aws.getRegionOutput().region,
                    cliUser,
                    cliKey,
                });

                const environment = await valueOf(outputs.cliEnvironment);
                const command = await valueOf(outputs.cliConfigureCommand);
                const expected: Record<string, string> = {
                    name: "test",
                    provider: "aws",
                    operator_endpoint: ENDPOINT,
                    aws_region: "us-west-2",
                };
                if (cliKey) {
                    expected.aws_access_key_id = await valueOf(cliKey.accessKeyId);
                    expected.aws_secret_access_key = await valueOf(cliKey.secretAccessKey);
                }
                assert.deepEqual(environment, expected);
                assert.equal(await isSecret(outputs.cliEnvironment), cliUser);
                assert.equal(await isSecret(outputs.cliConfigureCommand), false, "the command holds no secret, so it stays readable");

                if (runtime) {
                    const everything = JSON.stringify(environment) + command;
                    for (const value of [await valueOf(runtime.accessKeyId), await valueOf(runtime.secretAccessKey)]) {
                        assert.ok(
                            !everything.includes(value),
                            `the runtime credential ${value.slice(0, 4)}… appears in the CLI environment or command`,
                        );
                    }
                }
                if (cliKey) {
                    assert.ok(!command.includes(expected.aws_secret_access_key), "the command embeds the secret access key");
                    assert.ok(!command.includes(expected.aws_access_key_id), "the command embeds the access key id");
                    assert.match(command, new RegExp(`--aws-secret-access-key "\\$\\{${CLI_KEY_SHELL_VARIABLES.secretAccessKey}:\\?`));
                } else {
                    assert.doesNotMatch(command, /--aws-(access-key-id|secret-access-key)/);
                }
            });
        }
    }

    it("makes the environment secret with keys even when the key inputs are plain values", async () => {
        const outputs = cliEnvironmentOutputs({
            stackName: "prod",
            operatorEndpoint: ENDPOINT,
            region: "eu-west-1",
            cliUser: true,
            cliKey: { accessKeyId: "AKIAPLAINKEYID000001", secretAccessKey: "plainSecretThatWasNotMarked0123456789abc" },
        });
        assert.equal(await isSecret(outputs.cliEnvironment), true);
        assert.equal((await valueOf(outputs.cliEnvironment)).aws_secret_access_key, "plainSecretThatWasNotMarked0123456789abc");
    });

    it("keeps both outputs secret when the endpoint or the region is a secret", async () => {
        for (const secretInput of ["operatorEndpoint", "region"] as const) {
            const inputs: CliEnvironmentInputs = { stackName: "prod", operatorEndpoint: ENDPOINT, region: "us-east-1", cliUser: false };
            const outputs = cliEnvironmentOutputs({ ...inputs, [secretInput]: pulumi.secret(inputs[secretInput]) });
            assert.equal(await isSecret(outputs.cliEnvironment), true, `cliEnvironment with a secret ${secretInput}`);
            assert.equal(await isSecret(outputs.cliConfigureCommand), true, `cliConfigureCommand with a secret ${secretInput}`);
            assert.equal((await valueOf(outputs.cliEnvironment)).operator_endpoint, ENDPOINT);
        }
    });

    it("takes the region the stack deploys to", async () => {
        mockCloud.region = "eu-west-1";
        const outputs = cliEnvironmentOutputs({
            stackName: "eu",
            operatorEndpoint: ENDPOINT,
            region: aws.getRegionOutput().region,
            cliUser: false,
        });
        assert.equal((await valueOf(outputs.cliEnvironment)).aws_region, "eu-west-1");
        assert.match(await valueOf(outputs.cliConfigureCommand), / --aws-region eu-west-1( |$)/);
    });

    it("refuses a CLI key without cliUser, and cliUser without a CLI key", () => {
        assert.throws(
            () =>
                cliEnvironmentOutputs({
                    stackName: "prod",
                    operatorEndpoint: ENDPOINT,
                    region: "us-east-1",
                    cliUser: false,
                    cliKey: { accessKeyId: "AKIAPLAINKEYID000001", secretAccessKey: "x" },
                }),
            /cliUser is off/,
        );
        assert.throws(
            () => cliEnvironmentOutputs({ stackName: "prod", operatorEndpoint: ENDPOINT, region: "us-east-1", cliUser: true }),
            /cliUser is on but no CLI access key/,
        );
    });

    it("refuses a stack name Cortex cannot use as an environment name, when the stack is built", () => {
        assert.throws(
            () => cliEnvironmentOutputs({ stackName: "local", operatorEndpoint: ENDPOINT, region: "us-east-1", cliUser: false }),
            /"local" is reserved by Cortex/,
        );
        assert.throws(
            () => cliEnvironmentOutputs({ stackName: "x".repeat(64), operatorEndpoint: ENDPOINT, region: "us-east-1", cliUser: false }),
            /1–63 characters/,
        );
    });
});

describe("cliEnvironment: the pure builders", () => {
    it("builds the entry in the CLI's snake_case fields, with the keys only when given", () => {
        assert.deepEqual(buildCliEnvironment({ name: "staging", operatorEndpoint: ENDPOINT, region: "us-west-2" }), {
            name: "staging",
            provider: "aws",
            operator_endpoint: ENDPOINT,
            aws_region: "us-west-2",
        });
        assert.deepEqual(
            Object.keys(
                buildCliEnvironment({
                    name: "staging",
                    operatorEndpoint: ENDPOINT,
                    region: "us-west-2",
                    cliKey: { accessKeyId: "AKIAPLAINKEYID000001", secretAccessKey: "s/e+c" },
                }),
            ),
            ["name", "provider", "operator_endpoint", "aws_region", "aws_access_key_id", "aws_secret_access_key"],
        );
    });

    it("refuses an operator endpoint that is not https, and a region that is not a region, naming the value", () => {
        assert.throws(
            () => buildCliEnvironment({ name: "prod", operatorEndpoint: "http://insecure.example.com", region: "us-west-2" }),
            /"http:\/\/insecure\.example\.com" must be an https:\/\/ URL/,
        );
        assert.throws(
            () => buildCliConfigureCommand({ name: "prod", operatorEndpoint: ENDPOINT, region: "Oregon", withKeys: false }),
            /"Oregon" is not a region name/,
        );
    });

    it("never quotes the secret access key in an error", () => {
        const secret = "a secret with spaces that must not leak";
        assert.throws(
            () =>
                buildCliEnvironment({
                    name: "prod",
                    operatorEndpoint: ENDPOINT,
                    region: "us-west-2",
                    cliKey: { accessKeyId: "AKIAPLAINKEYID000001", secretAccessKey: secret },
                }),
            (error: Error) => /secret access key is empty or contains whitespace/.test(error.message) && !error.message.includes(secret),
        );
    });

    it("writes the cortex env configure command line of DESIGN.md", () => {
        assert.equal(
            buildCliConfigureCommand({ name: "prod", operatorEndpoint: ENDPOINT, region: "us-west-2", withKeys: false }),
            `cortex env configure prod --provider aws --operator-endpoint ${ENDPOINT} --aws-region us-west-2`,
        );
    });

    describe("run by a POSIX shell (with a stand-in cortex that prints its arguments)", () => {
        let bin: string;
        before(() => {
            bin = mkdtempSync(join(tmpdir(), "fake-cortex-"));
            writeFileSync(join(bin, "cortex"), '#!/bin/sh\nfor arg in "$@"; do printf "%s\\n" "$arg"; done\n');
            chmodSync(join(bin, "cortex"), 0o755);
        });
        after(() => rmSync(bin, { recursive: true, force: true }));

        const run = (command: string, variables: Record<string, string>) =>
            spawnSync("/bin/sh", ["-c", command], { env: { PATH: `${bin}:/usr/bin:/bin`, ...variables }, encoding: "utf8" });

        it("passes the CLI key from the shell variables as exactly the flag values", () => {
            const secret = "wJalr/XUtnFEMI+K7MDENG/bPxRfiCYEXAMPLEKEY";
            const command = buildCliConfigureCommand({ name: "prod", operatorEndpoint: ENDPOINT, region: "us-west-2", withKeys: true });
            const result = run(command, {
                [CLI_KEY_SHELL_VARIABLES.accessKeyId]: "AKIAIOSFODNN7EXAMPLE",
                [CLI_KEY_SHELL_VARIABLES.secretAccessKey]: secret,
            });
            assert.equal(result.status, 0, result.stderr);
            assert.deepEqual(result.stdout.trimEnd().split("\n"), [
                "env",
                "configure",
                "prod",
                "--provider",
                "aws",
                "--operator-endpoint",
                ENDPOINT,
                "--aws-region",
                "us-west-2",
                "--aws-access-key-id",
                "AKIAIOSFODNN7EXAMPLE",
                "--aws-secret-access-key",
                secret,
            ]);
        });

        it("refuses to run while a key variable is unset, instead of configuring an empty key", () => {
            const command = buildCliConfigureCommand({ name: "prod", operatorEndpoint: ENDPOINT, region: "us-west-2", withKeys: true });
            const result = run(command, { [CLI_KEY_SHELL_VARIABLES.accessKeyId]: "AKIAIOSFODNN7EXAMPLE" });
            assert.notEqual(result.status, 0);
            assert.equal(result.stdout, "", "cortex was run");
            assert.match(
                result.stderr,
                new RegExp(`${CLI_KEY_SHELL_VARIABLES.secretAccessKey}.*set it to aws_secret_access_key of the cliEnvironment output`),
            );
        });

        it("quotes an environment name the shell would otherwise split", () => {
            const result = run(
                buildCliConfigureCommand({ name: "team's-stack", operatorEndpoint: ENDPOINT, region: "us-west-2", withKeys: false }),
                {},
            );
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stdout.split("\n")[2], "team's-stack");
        });
    });
});

describe("cliEnvironment and cliConfigureCommand, through the component", () => {
    const modes = [
        { mode: "iamUser" as const },
        { mode: "provided" as const, accessKeyId: "AKIAPROVIDEDRUNTIME1", secretAccessKey: "providedRuntimeSecretKey/ProvidedRuntim+" },
        { mode: "serviceAccountRole" as const },
    ];
    for (const runtimeCredentials of modes) {
        for (const cliUser of [false, true]) {
            it(`${runtimeCredentials.mode} runtime, cliUser ${cliUser}: the operator endpoint and region, the CLI key only with cliUser, never a runtime key`, async () => {
                const b = await build({ runtimeCredentials, cliUser });
                const environment = await valueOf(b.cluster.cliEnvironment);
                const command = await valueOf(b.cluster.cliConfigureCommand);
                const operatorEndpoint = await valueOf(b.cluster.operatorEndpoint);
                assert.equal(environment.name, "test", "the stack's name");
                assert.equal(environment.provider, "aws");
                assert.equal(environment.operator_endpoint, operatorEndpoint);
                assert.equal(environment.aws_region, "us-west-2");
                assert.equal(await isSecret(b.cluster.cliEnvironment), cliUser);
                assert.equal(await isSecret(b.cluster.cliConfigureCommand), false);
                assert.ok(
                    command.startsWith(
                        `cortex env configure test --provider aws --operator-endpoint ${operatorEndpoint} --aws-region us-west-2`,
                    ),
                    command,
                );
                if (cliUser) {
                    assert.equal(environment.aws_access_key_id, await valueOf(b.cluster.cliAccessKeyId!));
                    assert.equal(environment.aws_secret_access_key, await valueOf(b.cluster.cliSecretAccessKey!));
                    assert.ok(!command.includes(environment.aws_secret_access_key!), "the command never holds the secret");
                } else {
                    assert.equal(environment.aws_access_key_id, undefined);
                    assert.equal(environment.aws_secret_access_key, undefined);
                }
                const runtimeValues = [
                    b.cluster.runtimeAccessKeyId && (await valueOf(b.cluster.runtimeAccessKeyId)),
                    b.cluster.runtimeSecretAccessKey && (await valueOf(b.cluster.runtimeSecretAccessKey)),
                ].filter((value): value is string => typeof value === "string");
                assert.equal(runtimeValues.length, runtimeCredentials.mode === "serviceAccountRole" ? 0 : 2);
                for (const value of runtimeValues) {
                    assert.ok(
                        !JSON.stringify(environment).includes(value) && !command.includes(value),
                        "no runtime credential in the CLI outputs",
                    );
                }
            });
        }
    }

    it("refuses a stack name Cortex reserves, with the arguments' checks", () => {
        assert.throws(
            () => resolveSettings(withAdmins({}), { stackName: "local" }),
            /the stack name \(the Cortex CLI environment's name\): got "local"; allowed: /,
        );
        assert.throws(() => resolveSettings(withAdmins({ subnetVisibility: "privat" as never }), { stackName: "gcp" }), /2 problems/);
        assert.equal(resolveSettings(withAdmins({}), { stackName: "prod" }).clusterName, "cortex");
    });
});
