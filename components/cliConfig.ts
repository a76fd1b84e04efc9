// The Cortex CLI's `~/.cortex/cli.yaml` as each release reads it: the environment entry the
// component outputs, the `cortex env configure` line, and the rules a whole file must keep.
// Plain data only (no Pulumi): the bin imports it. Rules from cli/cmd/lib_cli_config.go and
// cli/types/cliconfig/{cli_config,environment}.go at v0.18.0, v0.25.0 and v0.42.1.
import { CORTEX_RELEASES, CortexVersion } from "./cortexReleases";

/**
 * One environment of the Cortex CLI, in the CLI's own field names (an entry of `environments` in
 * `~/.cortex/cli.yaml`), with exactly the fields the release reads. It never holds the runtime
 * credentials: the CLI and the cluster are different identities.
 */
export interface CortexCliEnvironment {
    /** The environment's name: the stack name. */
    name: string;
    /** `aws`: v0.18 and v0.25 only, which require it. */
    provider?: string;
    /** The operator load balancer, `https://…`. */
    operator_endpoint: string;
    /** v0.18/v0.25: the CLI's access key id (they require one). */
    aws_access_key_id?: string;
    /** v0.18/v0.25: the CLI's secret access key. */
    aws_secret_access_key?: string;
}

/** An access key the CLI signs with. */
export interface CliAccessKey {
    accessKeyId: string;
    secretAccessKey: string;
}

/** Cortex refuses an environment name longer than this (every release). */
export const MAX_ENVIRONMENT_NAME_LENGTH = 63;

/**
 * The shell variables `cliConfigureCommand` reads the CLI's key from, so the command itself holds
 * no secret. Deliberately not `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`: those usually hold the
 * deployer's own credentials, which must never end up in the CLI environment by accident.
 */
export const CLI_KEY_SHELL_VARIABLES = {
    accessKeyId: "CORTEX_CLI_AWS_ACCESS_KEY_ID",
    secretAccessKey: "CORTEX_CLI_AWS_SECRET_ACCESS_KEY",
} as const;

/** Whether the release's CLI reads an access key from its environment entry (v0.18, v0.25). */
export const cliReadsKeys = (version: CortexVersion) => CORTEX_RELEASES[version].cli.requiredFields.includes("aws_access_key_id");

/** Why `name` cannot name a Cortex CLI environment of the release, or undefined when it can. */
export function environmentNameProblem(name: string, version: CortexVersion): string | undefined {
    if (name.length === 0 || name.length > MAX_ENVIRONMENT_NAME_LENGTH) {
        return `1–${MAX_ENVIRONMENT_NAME_LENGTH} characters (Cortex's limit)`;
    }
    const reserved = CORTEX_RELEASES[version].cli.reservedNames;
    if (reserved.includes(name)) {
        return `a name other than ${reserved.join(", ")}: Cortex ${CORTEX_RELEASES[version].tag} reserves them for its own providers`;
    }
    return undefined;
}

/** The environment entry exactly as the release's CLI reads it. */
export function cliEnvironmentEntry(
    version: CortexVersion,
    parts: { name: string; operatorEndpoint: string; key?: CliAccessKey },
): CortexCliEnvironment {
    if (!cliReadsKeys(version)) {
        return { name: parts.name, operator_endpoint: parts.operatorEndpoint };
    }
    const entry: CortexCliEnvironment = { name: parts.name, provider: "aws", operator_endpoint: parts.operatorEndpoint };
    if (parts.key) {
        entry.aws_access_key_id = parts.key.accessKeyId;
        entry.aws_secret_access_key = parts.key.secretAccessKey;
    }
    return entry;
}

// Characters a POSIX shell never interprets, so such a word needs no quoting.
const SHELL_SAFE = /^[A-Za-z0-9_./:@%+=,-]+$/;

/** A word as a POSIX shell reads it literally. */
export function shellQuote(word: string): string {
    return SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `cortex env configure` command line with the release's flags. For releases whose CLI reads
 * a key it passes the key flags as references to {@link CLI_KEY_SHELL_VARIABLES}, never the key, so
 * the command is no secret; `${VAR:?}` makes the shell refuse to run it while a variable is unset.
 */
export function cliConfigureCommandFor(version: CortexVersion, parts: { name: string; operatorEndpoint: string }): string {
    const words = ["cortex env configure", shellQuote(parts.name)];
    if (cliReadsKeys(version)) words.push("--provider aws");
    words.push(`--operator-endpoint ${shellQuote(parts.operatorEndpoint)}`);
    if (cliReadsKeys(version)) {
        const reference = (variable: string, what: string) => `"\${${variable}:?set it to ${what}}"`;
        words.push(`--aws-access-key-id ${reference(CLI_KEY_SHELL_VARIABLES.accessKeyId, "the CLI's access key id")}`);
        words.push(`--aws-secret-access-key ${reference(CLI_KEY_SHELL_VARIABLES.secretAccessKey, "the CLI's secret access key")}`);
    }
    return words.join(" ");
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const present = (value: unknown) => value !== undefined && value !== null && value !== "";

/**
 * What the release's CLI would refuse in a whole `cli.yaml` (parsed), as its own messages say it;
 * empty when the CLI loads it. A CLI that refuses its config runs no command at all.
 */
export function cliConfigProblems(version: CortexVersion, config: unknown): string[] {
    const { cli, tag } = CORTEX_RELEASES[version];
    if (config === undefined || config === null) return [];
    if (!isRecord(config)) return ["the file is not a map of Cortex CLI settings"];
    const problems: string[] = [];
    for (const key of Object.keys(config)) {
        if (!cli.topLevelKeys.includes(key)) problems.push(`key "${key}" is not supported (Cortex ${tag})`);
    }
    const environments = config.environments ?? [];
    if (!Array.isArray(environments)) return [...problems, "environments: must be a list"];
    const names = new Set<string>();
    environments.forEach((environment, index) => {
        if (!isRecord(environment)) {
            problems.push(`environments: index ${index}: must be a map`);
            return;
        }
        const label = typeof environment.name === "string" && environment.name !== "" ? environment.name : `index ${index}`;
        const say = (problem: string) => problems.push(`environments: ${label}: ${problem}`);
        const name = environment.name;
        if (typeof name !== "string" || name === "") say("name: must be defined");
        else if (name.length > MAX_ENVIRONMENT_NAME_LENGTH) say(`name: must be no more than ${MAX_ENVIRONMENT_NAME_LENGTH} characters`);
        else if (names.has(name)) say(`duplicate environment names ("${name}" is defined more than once)`);
        if (typeof name === "string") names.add(name);
        if (!present(environment.operator_endpoint) && environment.provider !== "local") say("operator_endpoint: must be defined");
        if (cli.refusesUnknownEnvironmentFields) {
            for (const field of Object.keys(environment)) {
                if (!cli.environmentFields.includes(field)) say(`key "${field}" is not supported`);
            }
            keysReleaseEnvironmentProblems(version, environment).forEach(say);
        } else if (present(environment.provider) && environment.provider !== "aws") {
            say(`provider: "${String(environment.provider)}" is no longer supported on cortex ${tag}; remove the environment`);
        }
    });
    return problems;
}

/** The provider rules of v0.18/v0.25 (`Environment.Validate`, `CheckProviderEnvironmentNameCompatibility`). */
function keysReleaseEnvironmentProblems(version: CortexVersion, environment: Record<string, unknown>): string[] {
    const { reservedNames } = CORTEX_RELEASES[version].cli;
    const providers = version === "0.18" ? ["local", "aws"] : ["local", "aws", "gcp"];
    const { provider, name } = environment;
    if (typeof provider !== "string" || !providers.includes(provider)) {
        return [`provider: must be defined, and set to ${providers.map((p) => `"${p}"`).join(" or ")}`];
    }
    const problems: string[] = [];
    if (typeof name === "string" && reservedNames.includes(name) && name !== provider) {
        problems.push(`an environment named "${name}" cannot use ${provider} provider`);
    }
    if (provider === "local") {
        if (name !== "local") problems.push(`the local provider can only be used by an environment named "local"`);
        if (present(environment.operator_endpoint)) problems.push("operator_endpoint: must be empty for the local provider");
    } else {
        for (const key of ["aws_access_key_id", "aws_secret_access_key"]) {
            if (provider === "aws" && !present(environment[key])) problems.push(`${key}: must be defined`);
            if (provider === "gcp" && present(environment[key])) problems.push(`${key}: must be empty`);
        }
        if (present(environment.aws_region)) problems.push("aws_region: must be empty");
    }
    return problems;
}
