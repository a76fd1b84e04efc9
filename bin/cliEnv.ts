// `cortex-secure-cluster cli-env`: merges a stack's Cortex CLI environment into ~/.cortex/cli.yaml,
// exactly as the stack's Cortex release reads it. Kept free of @pulumi/* so it starts fast.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { CliAccessKey, cliConfigProblems, cliEnvironmentEntry, cliReadsKeys } from "../components/cliConfig";
import { CORTEX_RELEASES } from "../components/cortexReleases";
import { credentialsFilePath, readProfileKey, withProfileKey } from "./awsCredentials";
import { mergeEnvironment } from "./cliConfigFile";
import { CommandError, EXIT_CODES } from "./errors";
import { readTextFile, writePrivateFile } from "./files";
import { environmentFromStackOutputs } from "./stackOutputs";

export { CommandError, EXIT_CODES };

const HELP = `Usage: cortex-secure-cluster <command> [options]

Commands:
  cli-env   add the stack's Cortex CLI environment to the Cortex CLI config
  audit     compare a deployed stack with the live AWS account (read-only)

Run \`cortex-secure-cluster COMMAND --help\` for a command's options.
`;

const CLI_ENV_HELP = `Usage: cortex-secure-cluster cli-env [--outputs FILE] [--config PATH] [--aws-profile NAME] [--default] [--dry-run]

Adds the stack's Cortex CLI environment to the Cortex CLI config, in the form the stack's
Cortex release (its cortexVersion output) reads, so that \`cortex\` talks to the cluster:

  pulumi stack output --json --show-secrets | npx cortex-secure-cluster cli-env --default

Cortex 0.18 and 0.25 read an access key from the environment entry: the stack's CLI user's
key when it has cliUser on, otherwise yours, from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
or from the profile --aws-profile names. Cortex 0.42 signs with your local AWS credentials
and reads no key from the file: with --aws-profile NAME the stack's CLI user's key is written
to that AWS profile (~/.aws/credentials), for \`AWS_PROFILE=NAME cortex …\`.

The environment is merged into the config: every other environment and setting is kept, an
environment of the same name is replaced. The whole file is checked against the release's
rules first and nothing is written that its CLI would refuse. Files are replaced atomically
with mode 0600; a missing directory is created with mode 0700.

Options:
  --outputs FILE      read the stack outputs from FILE instead of stdin; "-" is stdin
  --config PATH       the Cortex CLI config to update (default: $HOME/.cortex/cli.yaml)
  --aws-profile NAME  0.18/0.25: take the key from this AWS profile; 0.42: write the CLI
                      user's key as this AWS profile
  --default           also make this environment the default (default_environment)
  --dry-run           print the resulting config instead of writing anything; it shows the
                      access key it would write
  -h, --help          show this help

Exit status:
  0  done (or the config was printed with --dry-run)
  1  a file could not be read or written
  2  wrong usage: unknown command or option, no stack outputs given, no key to use
  3  the stack outputs are not usable: not JSON, missing outputs, secrets not shown
  4  the Cortex CLI config is malformed or the release's CLI would refuse it; it was left untouched
`;

const CLI_ENV_USAGE_HINT = "Run `cortex-secure-cluster cli-env --help` for the options.";

/** Where the command reads and writes, so tests can run it in-process. */
export interface CommandIo {
    readStdin(): string;
    stdinIsTerminal: boolean;
    stdout(text: string): void;
    stderr(text: string): void;
    env: NodeJS.ProcessEnv;
    cwd: string;
}

/** The Cortex CLI config's default path: `$HOME/.cortex/cli.yaml`. */
export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
    return join(env.HOME || homedir(), ".cortex", "cli.yaml");
}

function parseOptions(args: string[]) {
    try {
        return parseArgs({
            args,
            options: {
                outputs: { type: "string" },
                config: { type: "string" },
                "aws-profile": { type: "string" },
                default: { type: "boolean", default: false },
                "dry-run": { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
            allowPositionals: true,
            strict: true,
        });
    } catch (error) {
        throw new CommandError(`${(error as Error).message}\n${CLI_ENV_USAGE_HINT}`, EXIT_CODES.usage);
    }
}

function readOutputs(file: string | undefined, io: CommandIo): { text: string; source: string } {
    if (file !== undefined && file !== "-") {
        try {
            return { text: readFileSync(resolve(io.cwd, file), "utf8"), source: file };
        } catch (error) {
            throw new CommandError(`cannot read the stack outputs: ${(error as Error).message}`, EXIT_CODES.usage);
        }
    }
    if (io.stdinIsTerminal) {
        throw new CommandError(
            "no stack outputs: pipe `pulumi stack output --json --show-secrets` into this command, or pass --outputs FILE",
            EXIT_CODES.usage,
        );
    }
    return { text: io.readStdin(), source: "stdin" };
}

/** The key a keys release's CLI gets when the stack has no CLI user: the caller's own. */
function callersKey(profile: string | undefined, io: CommandIo): { key: CliAccessKey; from: string } {
    if (profile !== undefined) {
        const path = credentialsFilePath(io.env);
        const key = readProfileKey(readTextFile(path), profile);
        if (!key)
            throw new CommandError(
                `the AWS profile "${profile}" in ${path} has no aws_access_key_id and aws_secret_access_key`,
                EXIT_CODES.usage,
            );
        return { key, from: `the AWS profile "${profile}"` };
    }
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = io.env;
    if (accessKeyId && secretAccessKey)
        return { key: { accessKeyId, secretAccessKey }, from: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" };
    throw new CommandError(
        "this Cortex release's CLI requires an access key in its environment and the stack has no CLI user (cliUser is off): " +
            "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --aws-profile NAME",
        EXIT_CODES.usage,
    );
}

function cliEnv(args: string[], io: CommandIo): number {
    const { values, positionals } = parseOptions(args);
    if (values.help) {
        io.stdout(CLI_ENV_HELP);
        return EXIT_CODES.ok;
    }
    if (positionals.length > 0) {
        throw new CommandError(`cli-env takes no arguments, got: ${positionals.join(" ")}\n${CLI_ENV_USAGE_HINT}`, EXIT_CODES.usage);
    }
    const outputs = readOutputs(values.outputs, io);
    const { cortexVersion, environment: stackEnvironment, cliKey } = environmentFromStackOutputs(outputs.text, outputs.source);
    const release = CORTEX_RELEASES[cortexVersion];
    const profile = values["aws-profile"];

    let environment = stackEnvironment;
    let keyNote = "with no key: the CLI signs with your AWS credentials";
    if (cliReadsKeys(cortexVersion)) {
        const chosen = cliKey ? { key: cliKey, from: "the stack's CLI user" } : callersKey(profile, io);
        environment = cliEnvironmentEntry(cortexVersion, {
            name: environment.name,
            operatorEndpoint: environment.operator_endpoint,
            key: chosen.key,
        });
        keyNote = `with the access key of ${chosen.from}`;
    } else if (profile !== undefined && !cliKey) {
        throw new CommandError(
            "--aws-profile writes the stack's CLI user's key, and the stack has none (cliUser is off): the CLI signs with your own AWS credentials",
            EXIT_CODES.usage,
        );
    }

    const configPath = values.config !== undefined ? resolve(io.cwd, values.config) : defaultConfigPath(io.env);
    const merged = mergeEnvironment(readTextFile(configPath), environment, { makeDefault: values.default, configPath });
    const refused = cliConfigProblems(cortexVersion, parse(merged, { version: "1.1" }));
    if (refused.length > 0) {
        throw new CommandError(
            `${configPath} would not load in the Cortex ${release.tag} CLI once merged, so it was left untouched: ${refused.join("; ")}`,
            EXIT_CODES.malformedCliConfig,
        );
    }
    const profileWrite =
        !cliReadsKeys(cortexVersion) && profile !== undefined && cliKey
            ? { path: credentialsFilePath(io.env), profile, key: cliKey }
            : undefined;
    if (values["dry-run"]) {
        io.stdout(merged);
        if (profileWrite)
            io.stdout(
                `\n# ${profileWrite.path}, profile ${profileWrite.profile}:\n${withProfileKey(undefined, profileWrite.profile, profileWrite.key)}`,
            );
        return EXIT_CODES.ok;
    }
    if (profileWrite) {
        writePrivateFile(profileWrite.path, withProfileKey(readTextFile(profileWrite.path), profileWrite.profile, profileWrite.key));
        keyNote = `with no key: run cortex with AWS_PROFILE=${profileWrite.profile}, the CLI user's key written to ${profileWrite.path}`;
    }
    writePrivateFile(configPath, merged);
    const defaultNote = values.default
        ? "; it is now the default environment"
        : `; make it the default with --default or \`cortex env default ${environment.name}\``;
    io.stderr(
        `configured the Cortex ${release.tag} CLI environment "${environment.name}" (${environment.operator_endpoint}) ${keyNote}, in ${configPath}${defaultNote}\n`,
    );
    return EXIT_CODES.ok;
}

/** Runs the command line `args` (without `node` and the script) and returns the exit status. */
export function runCli(args: string[], io: CommandIo): number {
    const [command, ...rest] = args;
    try {
        if (command === "cli-env") return cliEnv(rest, io);
        if (command === "--help" || command === "-h" || command === "help") {
            io.stdout(HELP);
            return EXIT_CODES.ok;
        }
        throw new CommandError(
            `${command === undefined ? "no command given" : `unknown command "${command}"`}\n\n${HELP.trimEnd()}`,
            EXIT_CODES.usage,
        );
    } catch (error) {
        io.stderr(`cortex-secure-cluster: ${(error as Error).message}\n`);
        return error instanceof CommandError ? error.exitCode : EXIT_CODES.failed;
    }
}
