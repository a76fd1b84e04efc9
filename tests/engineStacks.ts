// The example stacks as the Pulumi engine shows them to a stack policy, generated from the mock
// run of the component (tools/engineView.ts), so they follow the component as it changes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseStackConfig, readStackFile } from "../components";
import { EngineResource } from "../policy/rules";
import { RecordedResource, mockCloud } from "../tools/mockCloud";
import { engineView } from "../tools/engineView";
import { build } from "./harness";

const built = new Map<string, Promise<RecordedResource[]>>();

/** What the stack program registers with the stack file `Pulumi.<stack>.yaml`, built once per test run. */
export function exampleStackRecords(stack: "dev" | "prod"): Promise<RecordedResource[]> {
    if (!built.has(stack)) {
        const { config, secretKeys } = readStackFile(readFileSync(join(__dirname, "..", `Pulumi.${stack}.yaml`), "utf8"));
        mockCloud.region = config["aws:region"];
        built.set(
            stack,
            build(parseStackConfig(config, secretKeys)).then((b) => b.resources),
        );
    }
    return built.get(stack)!;
}

/** The engine's view of an example stack: on its first preview (nothing exists yet), or once deployed. */
export async function engineStack(stack: "dev" | "prod", firstPreview: boolean): Promise<EngineResource[]> {
    return engineView(await exampleStackRecords(stack), { firstPreview });
}

/** The one resource of a type whose name ends with `suffix`. */
export function one(resources: EngineResource[], type: string, suffix = ""): EngineResource {
    const matches = resources.filter((resource) => resource.type === type && resource.name.endsWith(suffix));
    if (matches.length !== 1)
        throw new Error(`expected one ${type} named …${suffix}, found ${matches.map((r) => r.name).join(", ") || "none"}`);
    return matches[0];
}

/** A copy of the resources with one resource changed (found as {@link one} finds it). */
export function changed(
    resources: EngineResource[],
    type: string,
    suffix: string,
    change: (props: Record<string, unknown>, resource: EngineResource) => void,
): EngineResource[] {
    const target = one(resources, type, suffix);
    return resources.map((resource) => {
        if (resource !== target) return resource;
        const copy = structuredClone(resource);
        change(copy.props, copy);
        return copy;
    });
}
