import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { CortexSecureClusterArgs } from "./args";
import { ARGUMENT_NAMES, ArgumentProblem, CortexSecureClusterArgsError, findArgumentProblems } from "./validation";

/** The stack config namespace: the project name in `Pulumi.yaml`. */
export const CONFIG_NAMESPACE = "cortex-secure-cluster";

type ConfigKind = "string" | "boolean" | "number" | "structured";

const BOOLEAN_KEYS = new Set(["flowLogs", "apiGateway", "clusterEndpointPublicAccess", "cliUser", "protectData"]);
const NUMBER_KEYS = new Set(["logRetentionDays"]);
const STRING_KEYS = new Set([
    "clusterName",
    "kubernetesVersion",
    "vpcCidr",
    "subnetVisibility",
    "natGateway",
    "vpcEndpoints",
    "apiLoadBalancerScheme",
    "operatorLoadBalancerScheme",
    "sslCertificateArn",
    "secretsEncryptionKeyArn",
]);

/**
 * The settings that may be stored as secrets. Each is handed to the component as a Pulumi secret;
 * any other setting ends up in resource names, tags or plain outputs, where a secret would leak.
 */
const SECRET_CAPABLE_KEYS = new Set(["runtimeCredentials", "sslCertificateArn", "secretsEncryptionKeyArn"]);

/** How a stack config key's raw string is read: every argument is a config key of the same name. */
export function configKind(key: string): ConfigKind {
    if (BOOLEAN_KEYS.has(key)) return "boolean";
    if (NUMBER_KEYS.has(key)) return "number";
    if (STRING_KEYS.has(key)) return "string";
    return "structured";
}

/**
 * The raw config string as the argument's type. A string that is not of that type is passed on
 * as it is, so the argument's own rule rejects it and names what is allowed.
 */
function parseValue(key: string, raw: string): { value?: unknown; problem?: Omit<ArgumentProblem, "secret"> } {
    switch (configKind(key)) {
        case "string":
            return { value: raw };
        case "boolean":
            return { value: raw === "true" ? true : raw === "false" ? false : raw };
        case "number":
            return { value: /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw };
        case "structured":
            try {
                return { value: JSON.parse(raw) };
            } catch {
                return {
                    problem: {
                        argument: key,
                        value: raw,
                        allowed: "a structured value (a YAML list or map in the stack file, or `pulumi config set --path`)",
                    },
                };
            }
    }
}

/** The top-level argument a problem is about: `nodeGroups` for `nodeGroups[0].name`. */
const rootArgument = (argument: string) => argument.split(/[.[]/)[0];

/**
 * Reads this project's settings out of a stack's config (keys `cortex-secure-cluster:NAME`, values
 * as Pulumi hands them to the program: strings, with lists and maps as JSON) into component
 * arguments, by the same rules as the component. Throws one error naming every bad config key;
 * values of keys set with `--secret` are never shown. Secret settings reach the component as
 * Pulumi secrets.
 *
 * @param secretKeys the full config keys that were set with `--secret`
 */
export function parseStackConfig(
    config: Record<string, string>,
    secretKeys: ReadonlySet<string> = new Set(),
    namespace = CONFIG_NAMESPACE,
): CortexSecureClusterArgs {
    const problems: ArgumentProblem[] = [];
    const args: Record<string, unknown> = {};
    const known = new Set<string>(ARGUMENT_NAMES);
    const isSecret = (key: string) => secretKeys.has(`${namespace}:${key}`);
    for (const [fullKey, raw] of Object.entries(config)) {
        if (!fullKey.startsWith(`${namespace}:`)) continue;
        const key = fullKey.slice(namespace.length + 1);
        if (!known.has(key)) {
            problems.push({
                argument: key,
                value: raw,
                allowed: `nothing: not a setting of this stack (known: ${ARGUMENT_NAMES.join(", ")})`,
            });
            continue;
        }
        if (isSecret(key) && !SECRET_CAPABLE_KEYS.has(key)) {
            problems.push({
                argument: key,
                value: raw,
                allowed: `a plain value, set without --secret: ${key} ends up in resource names, tags or plain outputs (only ${[...SECRET_CAPABLE_KEYS].join(", ")} may be secrets)`,
            });
        }
        const { value, problem } = parseValue(key, raw);
        if (problem) problems.push(problem);
        else args[key] = value;
    }

    const credentials = args.runtimeCredentials as { mode?: unknown; secretAccessKey?: unknown } | undefined;
    if (credentials?.mode === "provided" && !isSecret("runtimeCredentials")) {
        problems.push({
            argument: "runtimeCredentials.secretAccessKey",
            value: credentials.secretAccessKey,
            allowed:
                "a value stored encrypted: `pulumi config set --secret --path runtimeCredentials.secretAccessKey …` " +
                "(and the same for accessKeyId)",
        });
    }

    problems.push(...findArgumentProblems(args));
    // Unparsed runtimeCredentials text may hold a key even when not stored as a secret: never show it.
    const hidden = (problem: ArgumentProblem) =>
        isSecret(rootArgument(problem.argument)) || (problem.argument === "runtimeCredentials" && typeof problem.value === "string");
    const shown = problems.map((problem) => (hidden(problem) ? { ...problem, secret: true } : problem));
    if (shown.length > 0) {
        throw new CortexSecureClusterArgsError(shown, `stack config (namespace ${namespace})`);
    }
    return keepSecrets(args, isSecret) as CortexSecureClusterArgs;
}

/** The settings set with `--secret`, as Pulumi secrets, so no resource or output shows them in plain text. */
function keepSecrets(args: Record<string, unknown>, isSecret: (key: string) => boolean): Record<string, unknown> {
    const kept = { ...args };
    const credentials = args.runtimeCredentials as Record<string, unknown> | undefined;
    if (credentials?.mode === "provided") {
        kept.runtimeCredentials = {
            ...credentials,
            accessKeyId: pulumi.secret(credentials.accessKeyId as string),
            secretAccessKey: pulumi.secret(credentials.secretAccessKey as string),
        };
    }
    for (const key of ["sslCertificateArn", "secretsEncryptionKeyArn"]) {
        if (isSecret(key) && typeof args[key] === "string") kept[key] = pulumi.secret(args[key]);
    }
    return kept;
}

/**
 * The config of a `Pulumi.<stack>.yaml` file as Pulumi would hand it to the program: scalars as
 * their text (`1.30` stays `"1.30"`), lists and maps as JSON, `secure:` values left as their
 * ciphertext. Also lists which keys hold a `secure:` value.
 */
export function readStackFile(yamlText: string): { config: Record<string, string>; secretKeys: Set<string> } {
    const document = YAML.parseDocument(yamlText);
    if (document.errors.length > 0) {
        throw new Error(`Invalid stack file: ${document.errors.map((error) => error.message).join("; ")}`);
    }
    const configNode = document.get("config", true);
    const config: Record<string, string> = {};
    const secretKeys = new Set<string>();
    if (configNode === undefined || configNode === null) {
        return { config, secretKeys };
    }
    if (!YAML.isMap(configNode)) {
        throw new Error("Invalid stack file: `config` is not a map");
    }
    for (const pair of configNode.items) {
        const key = String(YAML.isScalar(pair.key) ? pair.key.value : pair.key);
        const node = pair.value;
        if (YAML.isScalar(node)) {
            config[key] = scalarText(node);
            continue;
        }
        const value: unknown = YAML.isNode(node) ? node.toJS(document) : node;
        if (isSecure(value)) {
            config[key] = (value as { secure: string }).secure;
            secretKeys.add(key);
            continue;
        }
        config[key] = JSON.stringify(replaceSecure(value, () => secretKeys.add(key)));
    }
    return { config, secretKeys };
}

/** A top-level scalar as Pulumi reads it: the text as written, not YAML's number or boolean. */
function scalarText(node: YAML.Scalar): string {
    if (node.value === null) return "";
    return node.type === "PLAIN" && node.source !== undefined ? String(node.source) : String(node.value);
}

function isSecure(value: unknown): boolean {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

function replaceSecure(value: unknown, onSecret: () => void): unknown {
    if (isSecure(value)) {
        onSecret();
        return (value as { secure: string }).secure;
    }
    if (Array.isArray(value)) return value.map((item) => replaceSecure(item, onSecret));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecure(v, onSecret)]));
    }
    return value;
}
