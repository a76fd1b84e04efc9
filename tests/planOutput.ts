// Reading the offline plan's printed report and Mermaid diagram.
import { strict as assert } from "node:assert";

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
