import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import {
    chmodSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    rmSync,
    statSync,
    symlinkSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { EXIT_CODES, runCli } from "../bin/cliEnv";

const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const ENDPOINT = "https://prod-operator-0123456789.elb.us-west-2.amazonaws.com";

/** `pulumi stack output --json --show-secrets` of a stack named `name`. */
function stackOutputs(name: string, extra: Record<string, unknown> = {}, withKeys = true): string {
    const cliEnvironment: Record<string, string> = { name, provider: "aws", operator_endpoint: ENDPOINT };
    if (withKeys) {
        cliEnvironment.aws_access_key_id = KEY_ID;
        cliEnvironment.aws_secret_access_key = SECRET;
    }
    return JSON.stringify({
        vpcId: "vpc-0123456789abcdef0",
        cliConfigureCommand: `cortex env configure ${name} --provider aws`,
        runtimeAccessKeyId: "AKIARUNTIMERUNTIME01",
        runtimeSecretAccessKey: "runtimeSecretRuntimeSecretRuntimeSecret1",
        cortexVersion: "0.25",
        cliEnvironment,
        ...extra,
    });
}

/** A config the Cortex v0.25 CLI loads (checked with its own reader): two aws environments, the local one, a default, comments. */
const EXISTING = `# written by hand; keep this comment
telemetry: false
default_environment: staging
environments:
  - name: staging # the staging cluster
    provider: aws
    operator_endpoint: https://staging.example.com
    aws_access_key_id: AKIASTAGINGSTAGING01
    aws_secret_access_key: stagingSecretStagingSecretStagingSecret1
  - name: prod
    provider: aws
    operator_endpoint: https://old-prod.example.com
    aws_access_key_id: AKIAOLDPRODOLDPROD01
    aws_secret_access_key: oldProdSecretOldProdSecretOldProdSecret1
  - name: local
    provider: local
    aws_region: us-east-1
`;

interface Run {
    status: number;
    stdout: string;
    stderr: string;
}

describe("cortex-secure-cluster cli-env", () => {
    let home: string;
    let configPath: string;
    beforeEach(() => {
        home = mkdtempSync(join(tmpdir(), "cli-env-home-"));
        configPath = join(home, ".cortex", "cli.yaml");
    });
    afterEach(() => rmSync(home, { recursive: true, force: true }));

    function writeConfig(text: string, mode = 0o644): void {
        mkdirSync(join(home, ".cortex"), { recursive: true });
        writeFileSync(configPath, text, { mode });
        chmodSync(configPath, mode);
    }

    /** Runs the command in-process, as the bin does, with this test's HOME. */
    function run(args: string[], stdin = "", stdinIsTerminal = false, env: NodeJS.ProcessEnv = {}): Run {
        let stdout = "";
        let stderr = "";
        const status = runCli(args, {
            readStdin: () => stdin,
            stdinIsTerminal,
            stdout: (text) => (stdout += text),
            stderr: (text) => (stderr += text),
            env: { HOME: home, ...env },
            cwd: home,
        });
        return { status, stdout, stderr };
    }

    const config = () => parse(readFileSync(configPath, "utf8"), { version: "1.1" });

    describe("merging into an existing config", () => {
        it("adds the environment and keeps every other environment, key and comment", () => {
            writeConfig(EXISTING);
            const result = run(["cli-env"], stackOutputs("dev"));
            assert.equal(result.status, EXIT_CODES.ok, result.stderr);

            const merged = config();
            const before = parse(EXISTING, { version: "1.1" });
            assert.deepEqual(merged.environments.slice(0, 3), before.environments, "the other environments changed");
            assert.deepEqual(merged.environments[3], {
                name: "dev",
                provider: "aws",
                operator_endpoint: ENDPOINT,
                aws_access_key_id: KEY_ID,
                aws_secret_access_key: SECRET,
            });
            assert.equal(merged.telemetry, false);
            assert.equal(merged.default_environment, "staging", "the default changed without --default");
            const text = readFileSync(configPath, "utf8");
            assert.match(text, /^# written by hand; keep this comment\n/);
            assert.match(text, /# the staging cluster/);
            assert.match(result.stderr, /make it the default with --default or `cortex env default dev`/);
        });

        it("replaces an environment of the same name in place, leaving nothing of the old one", () => {
            writeConfig(EXISTING);
            const result = run(["cli-env"], stackOutputs("prod"));
            assert.equal(result.status, EXIT_CODES.ok, result.stderr);

            const merged = config();
            assert.deepEqual(
                merged.environments.map((environment: { name: string }) => environment.name),
                ["staging", "prod", "local"],
            );
            assert.deepEqual(merged.environments[1], {
                name: "prod",
                provider: "aws",
                operator_endpoint: ENDPOINT,
                aws_access_key_id: KEY_ID,
                aws_secret_access_key: SECRET,
            });
            const text = readFileSync(configPath, "utf8");
            for (const old of ["old-prod.example.com", "AKIAOLDPRODOLDPROD01", "oldProdSecret", "some_future_field"]) {
                assert.ok(!text.includes(old), `${old} of the replaced environment is still there`);
            }
        });

        it("with --default, makes it the default environment", () => {
            writeConfig(EXISTING);
            assert.equal(run(["cli-env", "--default"], stackOutputs("prod")).status, EXIT_CODES.ok);
            assert.equal(config().default_environment, "prod");
            assert.equal(config().environments.length, 3);
        });

        it("with --default and no default yet, writes default_environment where Cortex does, before the environments", () => {
            writeConfig(EXISTING.replace("default_environment: staging\n", ""));
            assert.equal(run(["cli-env", "--default"], stackOutputs("dev")).status, EXIT_CODES.ok);
            assert.deepEqual(Object.keys(config()), ["telemetry", "default_environment", "environments"]);
            assert.equal(config().default_environment, "dev");
        });

        it("quotes values that Cortex's YAML 1.1 reader would take for something else", () => {
            run(["cli-env", "--default"], stackOutputs("no"));
            assert.match(readFileSync(configPath, "utf8"), /default_environment: "no"/);
            assert.equal(config().environments[0].name, "no");
        });

        it("v0.25 without a CLI user: takes the caller's key from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, as that CLI requires one", () => {
            writeConfig(EXISTING);
            const noKey = stackOutputs("dev", {}, false);
            const refused = run(["cli-env"], noKey);
            assert.equal(refused.status, EXIT_CODES.usage);
            assert.match(
                refused.stderr,
                /requires an access key .* set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --aws-profile NAME/,
            );
            assert.equal(readFileSync(configPath, "utf8"), EXISTING);
            const result = run(["cli-env"], noKey, false, { AWS_ACCESS_KEY_ID: "AKIACALLERCALLER0001", AWS_SECRET_ACCESS_KEY: SECRET });
            assert.equal(result.status, EXIT_CODES.ok, result.stderr);
            assert.deepEqual(config().environments[3], {
                name: "dev",
                provider: "aws",
                operator_endpoint: ENDPOINT,
                aws_access_key_id: "AKIACALLERCALLER0001",
                aws_secret_access_key: SECRET,
            });
        });

        it("v0.18 without a CLI user: takes the key from --aws-profile NAME", () => {
            mkdirSync(join(home, ".aws"));
            writeFileSync(
                join(home, ".aws", "credentials"),
                `[default]\naws_access_key_id = AKIADEFAULTDEFAULT01\naws_secret_access_key = x\n\n[ml]\naws_access_key_id = AKIAPROFILEPROFILE01\naws_secret_access_key = ${SECRET}\n`,
            );
            const result = run(["cli-env", "--aws-profile", "ml"], stackOutputs("dev", { cortexVersion: "0.18" }, false));
            assert.equal(result.status, EXIT_CODES.ok, result.stderr);
            assert.equal(config().environments[0].aws_access_key_id, "AKIAPROFILEPROFILE01");
            assert.match(result.stderr, /Cortex v0\.18\.0 CLI environment "dev" .* with the access key of the AWS profile "ml"/);
        });

        it("v0.42: writes only name and operator_endpoint, and with --aws-profile the CLI user's key as that AWS profile (0600, other profiles kept)", () => {
            const credentials = join(home, ".aws", "credentials");
            mkdirSync(join(home, ".aws"));
            writeFileSync(
                credentials,
                "[default]\nregion = us-west-2\naws_access_key_id = AKIADEFAULTDEFAULT01\naws_secret_access_key = keep\n",
            );
            const outputs = JSON.stringify({
                cortexVersion: "0.42",
                cliEnvironment: { name: "prod", operator_endpoint: ENDPOINT },
                cliAccessKeyId: KEY_ID,
                cliSecretAccessKey: SECRET,
            });
            const result = run(["cli-env", "--default", "--aws-profile", "cortex-prod"], outputs);
            assert.equal(result.status, EXIT_CODES.ok, result.stderr);
            assert.deepEqual(config(), { default_environment: "prod", environments: [{ name: "prod", operator_endpoint: ENDPOINT }] });
            assert.equal(
                readFileSync(credentials, "utf8"),
                `[default]\nregion = us-west-2\naws_access_key_id = AKIADEFAULTDEFAULT01\naws_secret_access_key = keep\n\n[cortex-prod]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`,
            );
            assert.equal(statSync(credentials).mode & 0o777, 0o600);
            assert.match(result.stderr, /AWS_PROFILE=cortex-prod/);
            assert.ok(!result.stderr.includes(SECRET));
        });

        it("refuses to write a file the release's CLI would not load, leaving it untouched", () => {
            const refusedByV025 = `${EXISTING}  - name: old\n    provider: aws\n    operator_endpoint: https://old.example.com\n    aws_access_key_id: AKIAOLDOLDOLDOLD0001\n    aws_secret_access_key: x\n    aws_region: us-east-1\n`;
            writeConfig(refusedByV025);
            const result = run(["cli-env"], stackOutputs("dev"));
            assert.equal(result.status, EXIT_CODES.malformedCliConfig);
            assert.match(
                result.stderr,
                /would not load in the Cortex v0\.25\.0 CLI once merged.*environments: old: aws_region: must be empty/,
            );
            assert.equal(readFileSync(configPath, "utf8"), refusedByV025);
        });

        it("updates a symlinked config where it points, keeping the link", () => {
            const dotfiles = join(home, "dotfiles");
            mkdirSync(dotfiles);
            writeFileSync(join(dotfiles, "cli.yaml"), EXISTING);
            mkdirSync(join(home, ".cortex"));
            symlinkSync(join(dotfiles, "cli.yaml"), configPath);
            assert.equal(run(["cli-env"], stackOutputs("dev")).status, EXIT_CODES.ok);
            assert.equal(config().environments.length, 4);
            assert.ok(readFileSync(join(dotfiles, "cli.yaml"), "utf8").includes(ENDPOINT));
        });
    });

    describe("writing the file", () => {
        it("creates a missing config (and its directory, 0700) with mode 0600", () => {
            const result = run(["cli-env", "--default"], stackOutputs("prod"));
            assert.equal(result.status, EXIT_CODES.ok, result.stderr);
            assert.deepEqual(config(), {
                default_environment: "prod",
                environments: [
                    {
                        name: "prod",
                        provider: "aws",
                        operator_endpoint: ENDPOINT,
                        aws_access_key_id: KEY_ID,
                        aws_secret_access_key: SECRET,
                    },
                ],
            });
            assert.equal(statSync(configPath).mode & 0o777, 0o600);
            assert.equal(statSync(join(home, ".cortex")).mode & 0o777, 0o700);
        });

        it("tightens an existing world-readable config to 0600 and leaves no temporary file", () => {
            writeConfig(EXISTING, 0o644);
            assert.equal(run(["cli-env"], stackOutputs("dev")).status, EXIT_CODES.ok);
            assert.equal(statSync(configPath).mode & 0o777, 0o600);
            assert.deepEqual(readdirSync(join(home, ".cortex")), ["cli.yaml"]);
        });

        it("treats the empty file Cortex itself creates as an empty config", () => {
            writeConfig("");
            assert.equal(run(["cli-env"], stackOutputs("prod")).status, EXIT_CODES.ok);
            assert.equal(config().environments[0].name, "prod");
        });

        it("writes the entry as a readable block even into an empty `environments: []`", () => {
            writeConfig("environments: []\n");
            assert.equal(run(["cli-env"], stackOutputs("prod")).status, EXIT_CODES.ok);
            assert.match(readFileSync(configPath, "utf8"), /^environments:\n {2}- name: prod\n {4}provider: aws\n/);
        });

        it("writes to --config PATH (relative to the working directory), creating its directories", () => {
            const result = run(["cli-env", "--config", "nested/dir/cortex.yaml"], stackOutputs("prod"));
            assert.equal(result.status, EXIT_CODES.ok, result.stderr);
            const written = join(home, "nested", "dir", "cortex.yaml");
            assert.equal(parse(readFileSync(written, "utf8")).environments[0].name, "prod");
            assert.equal(statSync(written).mode & 0o777, 0o600);
            assert.ok(!existsSync(configPath), "wrote ~/.cortex/cli.yaml although --config was given");
        });

        it("with --dry-run, prints the resulting config and writes nothing", () => {
            writeConfig(EXISTING);
            const result = run(["cli-env", "--dry-run", "--default"], stackOutputs("dev"));
            assert.equal(result.status, EXIT_CODES.ok, result.stderr);
            assert.equal(readFileSync(configPath, "utf8"), EXISTING);
            const printed = parse(result.stdout, { version: "1.1" });
            assert.equal(printed.default_environment, "dev");
            assert.deepEqual(
                printed.environments.map((environment: { name: string }) => environment.name),
                ["staging", "prod", "local", "dev"],
            );
        });

        it("never prints the secret access key unless asked to with --dry-run", () => {
            const result = run(["cli-env"], stackOutputs("dev"));
            assert.equal(result.status, EXIT_CODES.ok);
            assert.ok(!(result.stdout + result.stderr).includes(SECRET));
            assert.match(result.stderr, new RegExp(`"dev".*${configPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
        });
    });

    describe("a malformed config", () => {
        const malformedConfigs: Record<string, { text: string; reason: RegExp }> = {
            "invalid YAML": {
                text: "environments:\n  - name: prod\n    aws_secret_access_key: [notClosed" + SECRET + "\n",
                reason: /line \d+, column \d+/,
            },
            "a top level that is a list": { text: "- name: prod\n", reason: /top level is not a mapping/ },
            "environments that are not a list": { text: "environments:\n  prod: {}\n", reason: /environments is not a list/ },
            "an environment without a name": { text: "environments:\n  - provider: aws\n", reason: /environments\[0\] has no name/ },
            "an environment listed twice": { text: "environments:\n  - name: a\n  - name: a\n", reason: /"a" appears twice/ },
            "a duplicate key": { text: "telemetry: true\ntelemetry: false\n", reason: /unique/ },
            "a default that is not a name": {
                text: "default_environment: [a]\nenvironments: []\n",
                reason: /default_environment is not an environment name/,
            },
        };
        for (const [what, { text, reason }] of Object.entries(malformedConfigs)) {
            it(`with ${what}: reported with the reason and left byte-for-byte untouched`, () => {
                writeConfig(text, 0o644);
                const before = readFileSync(configPath);
                const modifiedBefore = statSync(configPath).mtimeMs;
                const result = run(["cli-env", "--default"], stackOutputs("prod"));
                assert.equal(result.status, EXIT_CODES.malformedCliConfig);
                assert.match(
                    result.stderr,
                    new RegExp(`${configPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not a valid Cortex CLI config`),
                );
                assert.match(result.stderr, reason);
                assert.match(result.stderr, /left untouched/);
                assert.ok(!result.stderr.includes(SECRET), "the error quotes the config's secret");
                assert.deepEqual(readFileSync(configPath), before);
                assert.equal(statSync(configPath).mtimeMs, modifiedBefore);
                assert.equal(statSync(configPath).mode & 0o777, 0o644);
                assert.deepEqual(readdirSync(join(home, ".cortex")), ["cli.yaml"], "a temporary file was left behind");
            });
        }
    });

    describe("unusable stack outputs", () => {
        const cases: Record<string, { stdin: string; message: RegExp }> = {
            "no cliEnvironment": {
                stdin: JSON.stringify({ vpcId: "vpc-1", kubeconfig: "[secret]" }),
                message:
                    /lack cortexVersion and cliEnvironment, which cli-env needs \(outputs: vpcId, kubeconfig\): export them from the stack program \(`export const cortexVersion = cluster\.cortexVersion;` and `export const cliEnvironment = cluster\.cliEnvironment;`/,
            },
            "an unknown release": {
                stdin: stackOutputs("prod", { cortexVersion: "0.30" }),
                message: /cortexVersion "0\.30" is not a release line/,
            },
            "secrets not shown": {
                stdin: JSON.stringify({ cortexVersion: "0.25", cliEnvironment: "[secret]" }),
                message: /--show-secrets/,
            },
            "not JSON": { stdin: `{"cliEnvironment": ${SECRET}`, message: /not JSON/ },
            "nothing at all": { stdin: "", message: /no stack outputs from stdin/ },
            "an http endpoint": {
                stdin: stackOutputs("prod").replace(ENDPOINT, "http://plain.example.com"),
                message: /operator_endpoint "http:\/\/plain\.example\.com" is not an https:\/\/ URL/,
            },

            "the runtime key": { stdin: stackOutputs("prod", { runtimeAccessKeyId: KEY_ID }), message: /runtime access key/ },
        };
        for (const [what, { stdin, message }] of Object.entries(cases)) {
            it(`with ${what}: a clear error, exit ${EXIT_CODES.badStackOutputs}, the config untouched`, () => {
                writeConfig(EXISTING);
                const result = run(["cli-env", "--default"], stdin);
                assert.equal(result.status, EXIT_CODES.badStackOutputs, result.stderr);
                assert.match(result.stderr, message);
                assert.ok(!result.stderr.includes(SECRET), "the error quotes a secret");
                assert.equal(readFileSync(configPath, "utf8"), EXISTING);
            });
        }
    });

    describe("usage", () => {
        it("refuses to wait on a terminal for outputs, exit 2", () => {
            const result = run(["cli-env"], "", true);
            assert.equal(result.status, EXIT_CODES.usage);
            assert.match(result.stderr, /pipe `pulumi stack output --json --show-secrets`.*--outputs FILE/);
        });

        it("rejects an unknown option or command, exit 2, writing nothing", () => {
            assert.equal(run(["cli-env", "--make-default"], stackOutputs("prod")).status, EXIT_CODES.usage);
            assert.equal(run(["cli-envs"], stackOutputs("prod")).status, EXIT_CODES.usage);
            assert.equal(run([], stackOutputs("prod")).status, EXIT_CODES.usage);
            assert.ok(!existsSync(configPath));
        });
    });

    describe("options", () => {
        it("reads --outputs FILE (relative to the working directory) and creates a missing config", () => {
            writeFileSync(join(home, "outputs.json"), stackOutputs("prod"));
            const result = run(["cli-env", "--outputs", "outputs.json"]);
            assert.equal(result.status, EXIT_CODES.ok, result.stderr);
            assert.equal(config().environments[0].name, "prod");
        });

        it("documents itself with --help", () => {
            const result = run(["cli-env", "--help"]);
            assert.equal(result.status, EXIT_CODES.ok);
            for (const option of [
                "--outputs FILE",
                "--config PATH",
                "--default",
                "--dry-run",
                "$HOME/.cortex/cli.yaml",
                "0600",
                "Exit status",
            ]) {
                assert.ok(result.stdout.includes(option), `--help does not mention ${option}`);
            }
        });
    });

    describe("the real bin, as a child process on a temporary HOME", () => {
        // The compiled bin package.json names (the suite's setup builds dist/ when the sources changed):
        // the same entry point, argv, stdin, environment and exit status a user's shell gives it.
        // Two runs, one exiting 0 and one not; everything else is the same function, tested above in-process.
        const bin = join(__dirname, "..", "dist", "bin", "cortex-secure-cluster.js");
        const spawnBin = (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) =>
            spawnSync(process.execPath, [bin, ...args], {
                input: options.input ?? "",
                env: { PATH: process.env.PATH, HOME: home, ...options.env },
                cwd: home,
                encoding: "utf8",
            });

        it("merges piped outputs into $HOME/.cortex/cli.yaml, 0600, and exits 0 without printing the secret", () => {
            writeConfig(EXISTING);
            const result = spawnBin(["cli-env", "--default"], { input: stackOutputs("dev") });
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stdout, "");
            assert.ok(!result.stderr.includes(SECRET));
            assert.equal(config().default_environment, "dev");
            assert.equal(config().environments.length, 4);
            assert.equal(statSync(configPath).mode & 0o777, 0o600);
        });

        it("exits 4 on a malformed config and leaves it untouched", () => {
            writeConfig("environments: [\n");
            const result = spawnBin(["cli-env"], { input: stackOutputs("prod") });
            assert.equal(result.status, EXIT_CODES.malformedCliConfig);
            assert.match(result.stderr, /is not a valid Cortex CLI config/);
            assert.equal(readFileSync(configPath, "utf8"), "environments: [\n");
        });
    });

    describe("packaging", () => {
        const root = join(__dirname, "..");
        it("ships the bin compiled from bin/cortex-secure-cluster.ts, with a node shebang", () => {
            const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
            const build = JSON.parse(readFileSync(join(root, "tsconfig.build.json"), "utf8"));
            assert.equal(pkg.bin["cortex-secure-cluster"], "dist/bin/cortex-secure-cluster.js");
            assert.ok(pkg.files.includes("dist/bin/**/*.js"), "package.json files does not ship dist/bin");
            assert.ok(build.include.includes("bin/**/*.ts"), "npm run build does not compile bin/");
            assert.ok(readFileSync(join(root, "bin", "cortex-secure-cluster.ts"), "utf8").startsWith("#!/usr/bin/env node\n"));
        });
    });
});
