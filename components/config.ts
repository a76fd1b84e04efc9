import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { z } from "zod";
import { CortexSecureClusterArgs } from "./args";
import { ArgumentProblem, CortexSecureClusterArgsError } from "./problems";
import { CORTEX_RELEASES, CortexVersion } from "./cortexReleases";
import { DEFAULTS } from "./defaults";
import { rememberProblems, stackNameProblems } from "./settings";
import { findArgumentProblems } from "./validate";
import { ARGUMENT_NAMES, argsSchema } from "./valueRules";

/** The stack config namespace: the project name in `Pulumi.yaml`. */
export const CONFIG_NAMESPACE = "cortex-secure-cluster";

/** The top-level keys Pulumi reads in a `Pulumi.<stack>.yaml`. */
const STACK_FILE_KEYS = new Set(["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"]);

type ConfigKind = "string" | "boolean" | "number" | "structured";

/** The zod type at the heart of an argument's rule, under its optional and refinement wrappers. */
function ruleType(key: string): string | undefined {
    let rule: z.core.$ZodType | undefined = (argsSchema.shape as Record<string, z.core.$ZodType>)[key];
    while (rule && (rule._zod.def.type === "optional" || rule._zod.def.type === "pipe")) {
        const def = rule._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType };
        rule = def.innerType ?? def.in;
    }
    return rule?._zod.def.type;
}

/** How a stack config key's raw string is read, from the argument's rule: every argument is a config key of the same name. */
export function configKind(key: string): ConfigKind {
    switch (ruleType(key)) {
        case "boolean":
            return "boolean";
        case "number":
            return "number";
        // `unknown` is a value that may be an Output: in stack config, a string.
        case "string":
        case "enum":
        case "unknown":
            return "string";
        default:
            return "structured";
    }
}

/**
 * The settings that may be stored as secrets: those whose rule waits for Outputs, and the runtime
 * credentials. Each is handed to the component as a Pulumi secret; any other setting ends up in
 * resource names, tags or plain outputs, where a secret would leak.
 */
const SECRET_CAPABLE_KEYS = new Set([...ARGUMENT_NAMES.filter((key) => ruleType(key) === "unknown"), "runtimeCredentials"]);

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
    stackName?: string,
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
            // Its own rule is not run: a secret's text may be ciphertext, which would read as a second, false problem.
            continue;
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

    const argumentProblems = findArgumentProblems(args);
    const cortexVersion =
        typeof args.cortexVersion === "string" && args.cortexVersion in CORTEX_RELEASES
            ? (args.cortexVersion as CortexVersion)
            : DEFAULTS.cortexVersion;
    problems.push(...argumentProblems, ...stackNameProblems(stackName, cortexVersion));
    // Unparsed runtimeCredentials text may hold a key even when not stored as a secret: never show it.
    const hidden = (problem: ArgumentProblem) =>
        isSecret(rootArgument(problem.argument)) || (problem.argument === "runtimeCredentials" && typeof problem.value === "string");
    const shown = problems.map((problem) => (hidden(problem) ? { ...problem, secret: true } : problem));
    if (shown.length > 0) {
        throw new CortexSecureClusterArgsError(shown, `stack config (namespace ${namespace})`);
    }
    const parsed = keepSecrets(args, isSecret) as CortexSecureClusterArgs;
    // The component resolves these very arguments: it need not check them again.
    rememberProblems(parsed, argumentProblems);
    return parsed;
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
    for (const key of [...SECRET_CAPABLE_KEYS].filter((key) => key !== "runtimeCredentials")) {
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
    const top = document.contents;
    if (top !== null && !YAML.isMap(top)) {
        throw new Error("Invalid stack file: it is not a map of `config:` and Pulumi's own keys");
    }
    // A setting written beside `config:` instead of under it would be ignored by Pulumi without a word.
    const misplaced = (top?.items ?? [])
        .map((pair) => String(YAML.isScalar(pair.key) ? pair.key.value : pair.key))
        .filter((key) => !STACK_FILE_KEYS.has(key));
    if (misplaced.length > 0) {
        throw new Error(
            `Invalid stack file: ${misplaced.map((key) => JSON.stringify(key)).join(", ")} ${misplaced.length === 1 ? "is" : "are"} not a key of a stack file ` +
                `(${[...STACK_FILE_KEYS].join(", ")}); settings go under \`config:\`, as \`${CONFIG_NAMESPACE}:NAME\``,
        );
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
    const bare: string[] = [];
    for (const pair of configNode.items) {
        const key = String(YAML.isScalar(pair.key) ? pair.key.value : pair.key);
        if (!key.includes(":")) bare.push(key);
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
    if (bare.length > 0) {
        throw new Error(
            `Invalid stack file: config keys need their namespace, e.g. ${bare.map((key) => `\`${CONFIG_NAMESPACE}:${key}\``).join(", ")}`,
        );
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
