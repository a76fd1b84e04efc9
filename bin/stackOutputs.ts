// What cli-env reads of a stack's outputs (`pulumi stack output --json --show-secrets`).
import { CliAccessKey, cliEnvironmentEntry, CortexCliEnvironment } from "../components/cliConfig";
import { CORTEX_RELEASES, CortexVersion } from "../components/cortexReleases";
import { CommandError, EXIT_CODES } from "./errors";

/** The outputs cli-env needs; the README's consumer example exports them under these names. */
export const CLI_ENV_OUTPUTS = ["cortexVersion", "cliEnvironment"] as const;

/** What a stack's outputs say about its Cortex CLI environment. */
export interface StackCliEnvironment {
    cortexVersion: CortexVersion;
    environment: CortexCliEnvironment;
    /** The CLI user's key, when the stack has `cliUser` on. */
    cliKey?: CliAccessKey;
}

const outputsError = (message: string) => new CommandError(message, EXIT_CODES.badStackOutputs);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The CLI environment in a stack's outputs, checked: the release it was built for, an entry with
 * exactly that release's fields, and never the cluster's runtime key.
 */
/**
 * The outputs object of `pulumi stack output --json`, or a message saying why the text is not one.
 * JSON.parse's own message is never shown: it quotes the input, which may hold secrets.
 */
export function parseStackOutputs(json: string, source: string, command: string): Record<string, unknown> | string {
    if (json.trim() === "") return `no stack outputs from ${source}: pass the output of \`${command}\``;
    let outputs: unknown;
    try {
        outputs = JSON.parse(json);
    } catch {
        return `the stack outputs from ${source} are not JSON: pass the output of \`${command}\``;
    }
    return isRecord(outputs) ? outputs : `the stack outputs from ${source} are not a JSON object of outputs`;
}

export function environmentFromStackOutputs(json: string, source: string): StackCliEnvironment {
    const outputs = parseStackOutputs(json, source, "pulumi stack output --json --show-secrets");
    if (typeof outputs === "string") throw outputsError(outputs);
    const missing = CLI_ENV_OUTPUTS.filter((name) => outputs[name] === undefined);
    if (missing.length > 0) {
        const names = Object.keys(outputs);
        const exports = missing.map((name) => `\`export const ${name} = cluster.${name};\``).join(" and ");
        throw outputsError(
            `the stack outputs from ${source} lack ${missing.join(" and ")}, which cli-env needs ` +
                `(outputs: ${names.length > 0 ? names.join(", ") : "none"}): ` +
                `export ${missing.length === 1 ? "it" : "them"} from the stack program (${exports} for a CortexSecureCluster named cluster) and run \`pulumi up\``,
        );
    }
    if ([outputs.cliEnvironment, outputs.cliSecretAccessKey].includes("[secret]")) {
        throw outputsError("some outputs are hidden as [secret]: run `pulumi stack output --json --show-secrets`");
    }
    const version = outputs.cortexVersion;
    if (typeof version !== "string" || !(version in CORTEX_RELEASES)) {
        throw outputsError(
            `cortexVersion ${JSON.stringify(version)} is not a release line this command knows (${Object.keys(CORTEX_RELEASES).join(", ")})`,
        );
    }
    const cortexVersion = version as CortexVersion;
    const environment = outputs.cliEnvironment;
    if (!isRecord(environment) || typeof environment.name !== "string" || typeof environment.operator_endpoint !== "string") {
        throw outputsError("cliEnvironment in the stack outputs is not a Cortex CLI environment (name and operator_endpoint)");
    }
    if (!environment.operator_endpoint.startsWith("https://")) {
        throw outputsError(`cliEnvironment's operator_endpoint "${environment.operator_endpoint}" is not an https:// URL`);
    }
    const key =
        typeof environment.aws_access_key_id === "string" && typeof environment.aws_secret_access_key === "string"
            ? { accessKeyId: environment.aws_access_key_id, secretAccessKey: environment.aws_secret_access_key }
            : typeof outputs.cliAccessKeyId === "string" && typeof outputs.cliSecretAccessKey === "string"
              ? { accessKeyId: outputs.cliAccessKeyId, secretAccessKey: outputs.cliSecretAccessKey }
              : undefined;
    // The CLI and the cluster are different identities; a runtime key here is a wiring mistake.
    const runtime = [outputs.runtimeAccessKeyId, outputs.runtimeSecretAccessKey];
    if (key && runtime.some((value) => value === key.accessKeyId || value === key.secretAccessKey)) {
        throw outputsError("the stack's CLI key is the cluster's runtime access key; refusing to give the Cortex CLI the runtime identity");
    }
    // Rebuilt from its parts, so no field the release refuses can come through.
    const entry = cliEnvironmentEntry(cortexVersion, { name: environment.name, operatorEndpoint: environment.operator_endpoint, key });
    return { cortexVersion, environment: entry, cliKey: key };
}
