import * as pulumi from "@pulumi/pulumi";

/**
 * One environment of the Cortex CLI, in the CLI's own field names (an entry of `environments` in
 * `~/.cortex/cli.yaml`). It never holds the runtime credentials: the CLI and the cluster are
 * different identities.
 */
export interface CortexCliEnvironment {
    /** The environment's name: the stack name. */
    name: string;
    provider: "aws";
    /** The operator load balancer, `https://…`. */
    operator_endpoint: string;
    aws_region: string;
    /** The CLI user's access key id; only when `cliUser` is on. */
    aws_access_key_id?: string;
    /** The CLI user's secret access key; only when `cliUser` is on. */
    aws_secret_access_key?: string;
}

/** The CLI user's access key. */
export interface CliAccessKey {
    accessKeyId: string;
    secretAccessKey: string;
}

/**
 * The shell variables `cliConfigureCommand` reads the CLI user's key from, so the command itself holds
 * no secret. Deliberately not `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`: those usually hold the
 * deployer's own credentials, which must never end up in the CLI environment.
 */
export const CLI_KEY_SHELL_VARIABLES = {
    accessKeyId: "CORTEX_CLI_AWS_ACCESS_KEY_ID",
    secretAccessKey: "CORTEX_CLI_AWS_SECRET_ACCESS_KEY",
} as const;

/** Cortex rejects an environment name longer than this. */
export const MAX_ENVIRONMENT_NAME_LENGTH = 63;
/** Names Cortex reserves for environments of its own providers; an `aws` environment may not use them. */
export const RESERVED_ENVIRONMENT_NAMES: readonly string[] = ["local", "gcp"];

const OPERATOR_ENDPOINT = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/\S*)?$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
// Characters a POSIX shell never interprets, so such a word needs no quoting.
const SHELL_SAFE = /^[A-Za-z0-9_./:@%+=,-]+$/;

/** Why `name` cannot name a Cortex CLI environment, or undefined when it can. */
export function environmentNameProblem(name: string): string | undefined {
    if (name.length === 0 || name.length > MAX_ENVIRONMENT_NAME_LENGTH) {
        return `the environment name "${name}" must be 1–${MAX_ENVIRONMENT_NAME_LENGTH} characters (Cortex's limit)`;
    }
    if (RESERVED_ENVIRONMENT_NAMES.includes(name)) {
        return `the environment name "${name}" is reserved by Cortex for its ${name} provider; use a stack with another name`;
    }
    if (/\s/.test(name)) {
        return `the environment name "${name}" must not contain whitespace`;
    }
    return undefined;
}

/** Why `endpoint` cannot be an operator endpoint, or undefined when it can. */
export function operatorEndpointProblem(endpoint: string): string | undefined {
    return OPERATOR_ENDPOINT.test(endpoint) ? undefined : `the operator endpoint "${endpoint}" must be an https:// URL`;
}

/** Why `region` is not an AWS region name, or undefined when it is. */
export function regionProblem(region: string): string | undefined {
    return AWS_REGION.test(region) ? undefined : `the AWS region "${region}" is not a region name such as us-west-2`;
}

function check(problems: (string | undefined)[]): void {
    const found = problems.filter((p): p is string => p !== undefined);
    if (found.length > 0) {
        throw new Error(`cannot build the Cortex CLI environment: ${found.join("; ")}`);
    }
}

function keyProblems(key: CliAccessKey): (string | undefined)[] {
    // The values are never quoted in a message: one of them is a secret.
    return [
        /^[A-Z0-9]{16,128}$/.test(key.accessKeyId) ? undefined : "the CLI access key id is not an AWS access key id",
        key.secretAccessKey.length > 0 && !/\s/.test(key.secretAccessKey)
            ? undefined
            : "the CLI secret access key is empty or contains whitespace",
    ];
}

/**
 * The Cortex CLI environment entry. The key fields are present only when `cliKey` is given (`cliUser`
 * on); pass only the CLI user's key here, never the runtime credentials.
 */
export function buildCliEnvironment(parts: {
    name: string;
    operatorEndpoint: string;
    region: string;
    cliKey?: CliAccessKey;
}): CortexCliEnvironment {
    check([
        environmentNameProblem(parts.name),
        operatorEndpointProblem(parts.operatorEndpoint),
        regionProblem(parts.region),
        ...(parts.cliKey ? keyProblems(parts.cliKey) : []),
    ]);
    const environment: CortexCliEnvironment = {
        name: parts.name,
        provider: "aws",
        operator_endpoint: parts.operatorEndpoint,
        aws_region: parts.region,
    };
    if (parts.cliKey) {
        environment.aws_access_key_id = parts.cliKey.accessKeyId;
        environment.aws_secret_access_key = parts.cliKey.secretAccessKey;
    }
    return environment;
}

/** A word as a POSIX shell reads it literally. */
export function shellQuote(word: string): string {
    return SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `cortex env configure` command line for the environment. With `withKeys` (`cliUser` on) it
 * passes the key flags as references to {@link CLI_KEY_SHELL_VARIABLES} rather than the key itself,
 * so the command is no secret: it can be shown in a plain output, a review or a CI log, and running it
 * leaves no secret in shell history. `${VAR:?}` makes the shell refuse to run it while a variable is
 * unset instead of configuring an empty key.
 */
export function buildCliConfigureCommand(parts: { name: string; operatorEndpoint: string; region: string; withKeys: boolean }): string {
    check([environmentNameProblem(parts.name), operatorEndpointProblem(parts.operatorEndpoint), regionProblem(parts.region)]);
    const words = [
        "cortex env configure",
        shellQuote(parts.name),
        "--provider aws",
        `--operator-endpoint ${shellQuote(parts.operatorEndpoint)}`,
        `--aws-region ${shellQuote(parts.region)}`,
    ];
    if (parts.withKeys) {
        const reference = (variable: string, field: string) => `"\${${variable}:?set it to ${field} of the cliEnvironment output}"`;
        words.push(`--aws-access-key-id ${reference(CLI_KEY_SHELL_VARIABLES.accessKeyId, "aws_access_key_id")}`);
        words.push(`--aws-secret-access-key ${reference(CLI_KEY_SHELL_VARIABLES.secretAccessKey, "aws_secret_access_key")}`);
    }
    return words.join(" ");
}

/** What {@link cliEnvironmentOutputs} needs. */
export interface CliEnvironmentInputs {
    /** The environment's name: the stack name (`pulumi.getStack()`). */
    stackName: string;
    /** The operator endpoint, `https://` + the operator load balancer's DNS name. */
    operatorEndpoint: pulumi.Input<string>;
    /** The cluster's region, e.g. `aws.getRegionOutput().region`. */
    region: pulumi.Input<string>;
    /** The `cliUser` argument: whether the environment carries the CLI user's key. */
    cliUser: boolean;
    /** The CLI user's access key: required when `cliUser` is on, refused when it is off. */
    cliKey?: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
}

/** The component's `cliEnvironment` and `cliConfigureCommand` outputs. */
export interface CliEnvironmentOutputs {
    /** The Cortex CLI environment entry; a secret when it holds the CLI user's key. */
    cliEnvironment: pulumi.Output<CortexCliEnvironment>;
    /** The `cortex env configure` command line; it references the key instead of holding it. */
    cliConfigureCommand: pulumi.Output<string>;
}

/**
 * Wires the CLI environment and its configure command as Outputs. The environment is a secret as a
 * whole when it holds keys (whatever the secretness of the key inputs), and a secret endpoint or
 * region keeps both outputs secret.
 */
export function cliEnvironmentOutputs(inputs: CliEnvironmentInputs): CliEnvironmentOutputs {
    const { stackName, cliUser, cliKey } = inputs;
    // A mismatch is a wiring mistake: keys without cliUser would leak an unexpected identity into the
    // CLI, cliUser without keys would hand the user an environment that cannot authenticate.
    if (cliUser && !cliKey) {
        throw new Error("cliUser is on but no CLI access key was given to the CLI environment");
    }
    if (!cliUser && cliKey) {
        throw new Error("a CLI access key was given to the CLI environment but cliUser is off");
    }
    check([environmentNameProblem(stackName)]);

    const place = pulumi.all([inputs.operatorEndpoint, inputs.region]);
    const cliConfigureCommand = place.apply(([operatorEndpoint, region]) =>
        buildCliConfigureCommand({ name: stackName, operatorEndpoint, region, withKeys: cliUser }),
    );
    const cliEnvironment = cliKey
        ? pulumi.secret(
              pulumi
                  .all([inputs.operatorEndpoint, inputs.region, cliKey.accessKeyId, cliKey.secretAccessKey])
                  .apply(([operatorEndpoint, region, accessKeyId, secretAccessKey]) =>
                      buildCliEnvironment({ name: stackName, operatorEndpoint, region, cliKey: { accessKeyId, secretAccessKey } }),
                  ),
          )
        : place.apply(([operatorEndpoint, region]) => buildCliEnvironment({ name: stackName, operatorEndpoint, region }));
    return { cliEnvironment, cliConfigureCommand };
}
