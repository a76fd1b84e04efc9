// Merging one environment into the Cortex CLI's config file, keeping everything else as it was.
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, YAMLMap, YAMLSeq } from "yaml";
import type { CortexCliEnvironment } from "../components/cliConfig";
import { CommandError, EXIT_CODES } from "./errors";

const DEFAULT_ENVIRONMENT_KEY = "default_environment";
const ENVIRONMENTS_KEY = "environments";

export function malformed(configPath: string, why: string): CommandError {
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
