// `cortex-secure-cluster cli-env`: merges a stack's Cortex CLI environment into ~/.cortex/cli.yaml.
// Kept free of @pulumi/* so the command starts fast and needs nothing but `yaml`.
import { randomBytes } from "node:crypto";
import {
    closeSync,
    fchmodSync,
    fsyncSync,
    mkdirSync,
    openSync,
    readFileSync,
    realpathSync,
    renameSync,
    unlinkSync,
    writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Document, YAMLMap, YAMLSeq } from "yaml";
import type { CortexCliEnvironment } from "../components/cliEnvironment";

/** What the command's exit status means. */
export const EXIT_CODES = {
    ok: 0,
    /** The config could not be read or written. */
    failed: 1,
    /** Unknown command or option, or no stack outputs given. */
    usage: 2,
    /** The stack outputs are not usable (not JSON, no `cliEnvironment`, secrets hidden, invalid entry). */
    badStackOutputs: 3,
    /** The Cortex CLI config is malformed; it was left untouched. */
    malformedCliConfig: 4,
} as const;

/** A failure the user can act on: its message is printed as is, its code is the exit status. */
export class CommandError extends Error {
    constructor(
        message: string,
        readonly exitCode: number,
    ) {
        super(message);
    }
}

/** The top-level keys and environment fields of Cortex's `cli.yaml`. */
const DEFAULT_ENVIRONMENT_KEY = "default_environment";
const ENVIRONMENTS_KEY = "environments";
const ENVIRONMENT_FIELDS: Record<keyof CortexCliEnvironment, "required" | "optional"> = {
    name: "required",
    provider: "required",
    operator_endpoint: "required",
    aws_region: "required",
    aws_access_key_id: "optional",
    aws_secret_access_key: "optional",
};
// Cortex's own limits on an environment; a cli.yaml that breaks them breaks every `cortex` command.
const MAX_ENVIRONMENT_NAME_LENGTH = 63;
const RESERVED_ENVIRONMENT_NAMES = ["local", "gcp"];

const HELP = `Usage: cortex-secure-cluster <command> [options]

Commands:
  cli-env   add the stack's Cortex CLI environment to the Cortex CLI config

Run \`cortex-secure-cluster cli-env --help\` for its options.
`;

const CLI_ENV_HELP = `Usage: cortex-secure-cluster cli-env [--outputs FILE] [--config PATH] [--default] [--dry-run]

Adds the stack's Cortex CLI environment (its cliEnvironment output) to the Cortex CLI
config, so that \`cortex\` talks to the cluster:

  pulumi stack output --json --show-secrets | npx cortex-secure-cluster cli-env --default

The environment is merged into the config: every other environment and setting is kept,
an environment of the same name is replaced. The file is replaced atomically (a temporary
file in the same directory, then a rename) with mode 0600; a missing directory is created
with mode 0700. A config that is not valid YAML in Cortex's shape is reported and left
untouched.

Options:
  --outputs FILE  read the stack outputs (pulumi stack output --json --show-secrets) from
                  FILE instead of stdin; "-" is stdin
  --config PATH   the Cortex CLI config to update (default: $HOME/.cortex/cli.yaml)
  --default       also make this environment the default (default_environment)
  --dry-run       print the resulting config instead of writing it; it shows the CLI
                  user's access key when the stack has cliUser on
  -h, --help      show this help

Exit status:
  0  done (or the config was printed with --dry-run)
  1  the config could not be read or written
  2  wrong usage: unknown command or option, no stack outputs given
  3  the stack outputs are not usable: not JSON, no cliEnvironment, secrets not shown
  4  the Cortex CLI config is malformed; it was left untouched
`;

const CLI_ENV_USAGE_HINT = "Run `cortex-secure-cluster cli-env --help` for the options.";

/**
 * The stack outputs cli-env reads: the environment it needs, and the runtime key it compares the
 * environment against (exported by stacks whose runtime credentials are keys).
 */
export const STACK_OUTPUTS_READ = { required: ["cliEnvironment"], compared: ["runtimeAccessKeyId", "runtimeSecretAccessKey"] } as const;

const outputsError = (message: string) => new CommandError(message, EXIT_CODES.badStackOutputs);

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The CLI environment in a stack's outputs (the JSON of `pulumi stack output --json --show-secrets`),
 * checked against what Cortex accepts. Refuses an environment that carries the stack's runtime key.
 */
export function environmentFromStackOutputs(json: string, source: string): CortexCliEnvironment {
    if (json.trim() === "") {
        throw outputsError(`no stack outputs from ${source}: pass the output of \`pulumi stack output --json --show-secrets\``);
    }
    let outputs: unknown;
    try {
        outputs = JSON.parse(json);
    } catch {
        // JSON.parse's own message quotes the input, which may hold secrets.
        throw outputsError(
            `the stack outputs from ${source} are not JSON: pass the output of \`pulumi stack output --json --show-secrets\``,
        );
    }
    if (!isRecord(outputs)) {
        throw outputsError(`the stack outputs from ${source} are not a JSON object of outputs`);
    }
    const missing = STACK_OUTPUTS_READ.required.filter((name) => outputs[name] === undefined);
    if (missing.length > 0) {
        const names = Object.keys(outputs);
        const exports = missing.map((name) => `\`export const ${name} = cluster.${name};\``).join(" and ");
        throw outputsError(
            `the stack outputs from ${source} have no ${missing.join(", ")}, which cli-env needs ` +
                `(outputs: ${names.length > 0 ? names.join(", ") : "none"}): ` +
                `export it from the stack program (${exports} for a CortexSecureCluster named cluster) and run \`pulumi up\``,
        );
    }
    const environment = outputs.cliEnvironment;
    if (environment === "[secret]") {
        throw outputsError("cliEnvironment is hidden as [secret]: run `pulumi stack output --json --show-secrets`");
    }
    if (!isRecord(environment)) {
        throw outputsError("cliEnvironment in the stack outputs is not an object");
    }

    const problems: string[] = [];
    for (const field of Object.keys(environment)) {
        if (!(field in ENVIRONMENT_FIELDS)) problems.push(`unknown field ${field}`);
    }
    for (const [field, presence] of Object.entries(ENVIRONMENT_FIELDS)) {
        const value = environment[field];
        if (value === undefined ? presence === "required" : typeof value !== "string" || value === "") {
            problems.push(`${field} must be a non-empty string`);
        }
    }
    const { name, provider, operator_endpoint: endpoint } = environment;
    if (typeof name === "string" && (name.length > MAX_ENVIRONMENT_NAME_LENGTH || RESERVED_ENVIRONMENT_NAMES.includes(name))) {
        problems.push(
            `name "${name}" is not allowed by Cortex (at most ${MAX_ENVIRONMENT_NAME_LENGTH} characters, not ${RESERVED_ENVIRONMENT_NAMES.join(" or ")})`,
        );
    }
    if (typeof provider === "string" && provider !== "aws") problems.push(`provider is "${provider}", not "aws"`);
    if (typeof endpoint === "string" && !endpoint.startsWith("https://"))
        problems.push(`operator_endpoint "${endpoint}" is not an https:// URL`);
    if ((environment.aws_access_key_id === undefined) !== (environment.aws_secret_access_key === undefined)) {
        problems.push("aws_access_key_id and aws_secret_access_key come together or not at all");
    }
    if (problems.length > 0) {
        throw outputsError(`cliEnvironment in the stack outputs is not a Cortex CLI environment: ${problems.join("; ")}`);
    }
    // The CLI and the cluster are different identities; a runtime key here is a wiring mistake.
    const runtimeKey = STACK_OUTPUTS_READ.compared.map((name) => outputs[name]);
    if (
        environment.aws_access_key_id !== undefined &&
        runtimeKey.some((value) => value === environment.aws_access_key_id || value === environment.aws_secret_access_key)
    ) {
        throw outputsError("cliEnvironment carries the cluster's runtime access key; refusing to give the Cortex CLI the runtime identity");
    }
    return environment as unknown as CortexCliEnvironment;
}

function malformed(configPath: string, why: string): CommandError {
    return new CommandError(
        `${configPath} is not a valid Cortex CLI config (${why}); it was left untouched. Fix or move it, then run again.`,
        EXIT_CODES.malformedCliConfig,
    );
}

/**
 * The Cortex CLI config `existing` (undefined: no file yet) with `environment` merged in: every other
 * environment, key and comment kept, an environment of the same name replaced where it was, and
 * `default_environment` set when `makeDefault`. Throws a {@link CommandError} if `existing` is malformed.
 */
export function mergeEnvironment(
    existing: string | undefined,
    environment: CortexCliEnvironment,
    options: { makeDefault: boolean; configPath: string },
): string {
    const { configPath } = options;
    // YAML 1.1 is what Cortex's Go reader speaks: values like `no` or `0777` get quoted as strings.
    const lineCounter = new LineCounter();
    const document: Document = parseDocument(existing ?? "", { version: "1.1", uniqueKeys: true, prettyErrors: false, lineCounter });
    if (document.errors.length > 0) {
        // Position and reason only: the offending line may hold a secret.
        const reasons = document.errors.map((error) => {
            const { line, col } = lineCounter.linePos(error.pos[0]);
            return `line ${line}, column ${col}: ${error.message}`;
        });
        throw malformed(configPath, reasons.join("; "));
    }
    if (document.contents === null || (isScalar(document.contents) && document.contents.value === null)) {
        document.contents = new YAMLMap();
    }
    const root = document.contents;
    if (!isMap(root)) {
        throw malformed(configPath, "the top level is not a mapping");
    }

    const defaultNode = root.get(DEFAULT_ENVIRONMENT_KEY, true);
    if (defaultNode !== undefined && !(isScalar(defaultNode) && (typeof defaultNode.value === "string" || defaultNode.value === null))) {
        throw malformed(configPath, `${DEFAULT_ENVIRONMENT_KEY} is not an environment name`);
    }
    let environments: unknown = root.get(ENVIRONMENTS_KEY, true);
    if (environments === undefined || (isScalar(environments) && environments.value === null)) {
        environments = new YAMLSeq();
        root.set(ENVIRONMENTS_KEY, environments);
    }
    if (!isSeq(environments)) {
        throw malformed(configPath, `${ENVIRONMENTS_KEY} is not a list`);
    }
    const names = new Set<string>();
    let replaceAt = -1;
    environments.items.forEach((item, index) => {
        const name = isMap(item) ? item.get("name") : undefined;
        if (typeof name !== "string" || name === "") {
            throw malformed(configPath, `${ENVIRONMENTS_KEY}[${index}] has no name`);
        }
        if (names.has(name)) {
            throw malformed(configPath, `the environment "${name}" appears twice`);
        }
        names.add(name);
        if (name === environment.name) replaceAt = index;
    });

    // An empty `environments: []` would otherwise keep the new entry on one flow-style line.
    environments.flow = false;
    const entry = document.createNode(environment);
    if (replaceAt >= 0) {
        environments.items[replaceAt] = entry;
    } else {
        environments.items.push(entry);
    }
    if (options.makeDefault) {
        if (defaultNode !== undefined) {
            root.set(DEFAULT_ENVIRONMENT_KEY, environment.name);
        } else {
            // Where Cortex writes it: just before the environments.
            const at = root.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === ENVIRONMENTS_KEY);
            root.items.splice(at, 0, document.createPair(DEFAULT_ENVIRONMENT_KEY, environment.name));
        }
    }
    return document.toString({ lineWidth: 0 });
}

/** The config file as text, or undefined when there is none yet. */
export function readConfigFile(configPath: string): string | undefined {
    try {
        return readFileSync(configPath, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new CommandError(`cannot read ${configPath}: ${(error as Error).message}`, EXIT_CODES.failed);
    }
}

/**
 * Replaces `configPath` with `text` atomically, mode 0600: a reader sees the old file or the new one,
 * never half of one. A missing directory is created with mode 0700; a symlinked config is updated
 * where it points.
 */
export function writeConfigFile(configPath: string, text: string): void {
    let target = configPath;
    try {
        target = realpathSync(configPath);
    } catch {
        // No file yet: it is created at configPath.
    }
    const directory = dirname(target);
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const temporary = join(directory, `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
    try {
        const fd = openSync(temporary, "wx", 0o600);
        try {
            fchmodSync(fd, 0o600); // the umask cannot loosen it, and an old file's looser mode is not inherited
            writeSync(fd, text);
            fsyncSync(fd);
        } finally {
            closeSync(fd);
        }
        renameSync(temporary, target);
    } catch (error) {
        try {
            unlinkSync(temporary);
        } catch {
            // Never created, or already renamed.
        }
        throw new CommandError(`cannot write ${configPath}: ${(error as Error).message}`, EXIT_CODES.failed);
    }
}

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

function cliEnv(args: string[], io: CommandIo): number {
    let parsed;
    try {
        parsed = parseArgs({
            args,
            options: {
                outputs: { type: "string" },
                config: { type: "string" },
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
    const { values, positionals } = parsed;
    if (values.help) {
        io.stdout(CLI_ENV_HELP);
        return EXIT_CODES.ok;
    }
    if (positionals.length > 0) {
        throw new CommandError(`cli-env takes no arguments, got: ${positionals.join(" ")}\n${CLI_ENV_USAGE_HINT}`, EXIT_CODES.usage);
    }

    let outputsText: string;
    let source: string;
    if (values.outputs !== undefined && values.outputs !== "-") {
        source = values.outputs;
        try {
            outputsText = readFileSync(resolve(io.cwd, values.outputs), "utf8");
        } catch (error) {
            throw new CommandError(`cannot read the stack outputs: ${(error as Error).message}`, EXIT_CODES.usage);
        }
    } else {
        if (io.stdinIsTerminal) {
            throw new CommandError(
                "no stack outputs: pipe `pulumi stack output --json --show-secrets` into this command, or pass --outputs FILE",
                EXIT_CODES.usage,
            );
        }
        source = "stdin";
        outputsText = io.readStdin();
    }
    const environment = environmentFromStackOutputs(outputsText, source);

    const configPath = values.config !== undefined ? resolve(io.cwd, values.config) : defaultConfigPath(io.env);
    const merged = mergeEnvironment(readConfigFile(configPath), environment, { makeDefault: values.default, configPath });
    if (values["dry-run"]) {
        io.stdout(merged);
        return EXIT_CODES.ok;
    }
    writeConfigFile(configPath, merged);
    const credentials = environment.aws_access_key_id !== undefined ? "with the CLI user's access key" : "without an access key";
    const defaultNote = values.default
        ? "; it is now the default environment"
        : `; make it the default with --default or \`cortex env default ${environment.name}\``;
    io.stderr(
        `configured the Cortex CLI environment "${environment.name}" (${environment.operator_endpoint}, ${environment.aws_region}) ${credentials} in ${configPath}${defaultNote}\n`,
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
        if (error instanceof CommandError) {
            io.stderr(`cortex-secure-cluster: ${error.message}\n`);
            return error.exitCode;
        }
        io.stderr(`cortex-secure-cluster: ${(error as Error).message}\n`);
        return EXIT_CODES.failed;
    }
}
