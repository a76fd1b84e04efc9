// The offline plan in the test process, and reading its printed report and Mermaid diagram.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { CONFIG_NAMESPACE } from "../components";
import { planCommand } from "../tools/planCommand";
import { Plan, planStack } from "../tools/planStack";
import { withoutPulumiStackTraces, withWarnings } from "./harness";
import { installTestStack } from "./setup";

const root = join(__dirname, "..");

/**
 * Plans a stack file in this process, as `npm run plan -- --config FILE` does in its own, then makes
 * the mock cloud the tests' stack again. What the component warns (the command prints it) is the
 * plan's `warnings`.
 */
export async function planHere(file: string): Promise<Plan & { warnings: string[] }> {
    const stackName = basename(file)
        .replace(/^Pulumi\./, "")
        .replace(/\.ya?ml$/, "");
    try {
        const { result, warnings } = await withWarnings(() =>
            withoutPulumiStackTraces(() =>
                planStack({
                    text: readFileSync(file, "utf8"),
                    project: CONFIG_NAMESPACE,
                    stackName,
                    source: basename(file),
                    diagramPath: join(root, ".plan", `${stackName}-network.mmd`),
                }),
            ),
        );
        return { ...result, warnings };
    } finally {
        installTestStack();
    }
}

/** What the plan command printed and the exit code it returned, run in this process. */
export interface PlanRun {
    status: number;
    stdout: string;
    stderr: string;
}

/**
 * Runs `npm run plan -- ARGV` in this process (the command `tools/plan.ts` exits with), then makes
 * the mock cloud the tests' stack again; what the component warns is left out of the output.
 */
export async function planCommandHere(...argv: string[]): Promise<PlanRun> {
    let stdout = "";
    let stderr = "";
    const io = { cwd: root, stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
    try {
        const { result: status } = await withWarnings(() => withoutPulumiStackTraces(() => planCommand(argv, io)));
        return { status, stdout, stderr };
    } finally {
        installTestStack();
    }
}

/** The lines of one `== TITLE ==` section of the printed plan. */
export function section(output: string, title: string): string[] {
    const lines = output.split("\n");
    const start = lines.indexOf(`== ${title} ==`);
    assert.ok(start >= 0, `no section ${title} in:\n${output}`);
    const end = lines.findIndex((line, index) => index > start && line.startsWith("== "));
    return lines.slice(start + 1, end === -1 ? undefined : end).filter((line) => line.trim() !== "");
}

/** Every `subgraph` of a Mermaid diagram that has nothing in it. */
export function emptySubgraphs(mermaid: string): string[] {
    const lines = mermaid.split("\n").map((line) => line.trim());
    return lines.filter((line, index) => line.startsWith("subgraph ") && lines[index + 1] === "end");
}
