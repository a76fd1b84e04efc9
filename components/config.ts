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

/** How a stack config key's raw string is read: every argument is a config key of the same name. */
export function configKind(key: string): ConfigKind {
    if (BOOLEAN_KEYS.has(key)) return "boolean";
    if (NUMBER_KEYS.has(key)) return "number";
    if (STRING_KEYS.has(key)) return "string";
    return "structured";
}

function parseValue(key: string, raw: string): { value?: unknown; problem?: ArgumentProblem } {
    switch (configKind(key)) {
        case "string":
            return { value: raw };
        case "boolean":
            if (raw === "true" || raw === "false") return { value: raw === "true" };
            return { problem: { argument: key, value: raw, allowed: "true or false" } };
        case "number":
            if (/^-?\d+$/.test(raw.trim())) return { value: Number(raw) };
            return { problem: { argument: key, value: raw, allowed: "a whole number" } };
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

/**
 * Reads this project's settings out of a stack's config (keys `cortex-secure-cluster:NAME`, values
 * as Pulumi hands them to the program: strings, with lists and maps as JSON) into component
 * arguments, by the same rules as the component. Throws one error naming every bad config key.
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
        const { value, problem } = parseValue(key, raw);
        if (problem) problems.push(problem);
        else args[key] = value;
    }

    const credentials = args.runtimeCredentials as { mode?: unknown; secretAccessKey?: unknown } | undefined;
    if (credentials?.mode === "provided" && !secretKeys.has(`${namespace}:runtimeCredentials`)) {
        problems.push({
            argument: "runtimeCredentials.secretAccessKey",
            value: credentials.secretAccessKey,
            allowed:
                "a value stored encrypted: `pulumi config set --secret --path runtimeCredentials.secretAccessKey …` " +
                "(and the same for accessKeyId)",
        });
    }

    if (problems.length === 0) {
        problems.push(...findArgumentProblems(args));
    }
    if (problems.length > 0) {
        throw new CortexSecureClusterArgsError(problems, `stack config (namespace ${namespace})`);
    }
    if (credentials?.mode === "provided") {
        const provided = args.runtimeCredentials as Record<string, unknown>;
        provided.accessKeyId = pulumi.secret(provided.accessKeyId as string);
        provided.secretAccessKey = pulumi.secret(provided.secretAccessKey as string);
    }
    return args as CortexSecureClusterArgs;
}

/**
 * The config of a `Pulumi.<stack>.yaml` file as Pulumi would hand it to the program: scalars as
 * strings, lists and maps as JSON, `secure:` values left as their ciphertext. Also lists which
 * keys hold a `secure:` value.
 */
export function readStackFile(yamlText: string): { config: Record<string, string>; secretKeys: Set<string> } {
    const document = (YAML.parse(yamlText) ?? {}) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    const secretKeys = new Set<string>();
    for (const [key, value] of Object.entries(document.config ?? {})) {
        config[key] = typeof value === "string" ? value : JSON.stringify(replaceSecure(value, () => secretKeys.add(key)));
        if (isSecure(value)) {
            config[key] = (value as { secure: string }).secure;
            secretKeys.add(key);
        }
    }
    return { config, secretKeys };
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
