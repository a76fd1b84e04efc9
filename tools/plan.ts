// `npm run plan -- --stack dev`: runs the stack program (index.ts) with a stack file's config under
// Pulumi's mocks - no AWS account, no Pulumi CLI - and prints what it would build and who could reach it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import * as YAML from "yaml";

const USAGE = `Usage: npm run plan -- (--stack NAME | --config FILE) [--diagram FILE]

Runs the stack program's component with a stack file's config under Pulumi's mocks and prints
what it would create, who can reach what, the identities and what they may do, and the policy
pack's findings. Nothing is deployed; no AWS account or Pulumi CLI is needed.

  --stack NAME     read Pulumi.NAME.yaml beside Pulumi.yaml
  --config FILE    read this stack file instead
  --diagram FILE   where to write the Mermaid network diagram (default .plan/STACK-network.mmd)

Exit codes: 0 no mandatory findings, 1 bad usage or invalid config, 2 mandatory findings.`;

function fail(message: string): never {
    process.stderr.write(`${message}\n`);
    process.exit(1);
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { stack: { type: "string" }, config: { type: "string" }, diagram: { type: "string" }, help: { type: "boolean" } },
        strict: true,
    });
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }
    if (!values.stack === !values.config) fail(`Give --stack NAME or --config FILE.\n\n${USAGE}`);

    const projectFile = resolve("Pulumi.yaml");
    const project = (YAML.parse(readFileSync(projectFile, "utf8")) as { name: string }).name;
    const stackFile = values.config ? resolve(values.config) : resolve(dirname(projectFile), `Pulumi.${values.stack}.yaml`);
    const stackName =
        values.stack ??
        basename(stackFile)
            .replace(/^Pulumi\./, "")
            .replace(/\.ya?ml$/, "");
    let text: string;
    try {
        text = readFileSync(stackFile, "utf8");
    } catch {
        fail(`Cannot read the stack file ${stackFile}.`);
    }
    const diagramPath = values.diagram ?? `.plan/${stackName}-network.mmd`;

    // Loaded once the arguments are good: the SDKs take a while to load, a usage error should not.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { planStack } = require("./planStack") as typeof import("./planStack");
    const plan = await planStack({ text, project, stackName, source: basename(stackFile), diagramPath });
    if (plan.status === 1) fail(plan.error);
    mkdirSync(dirname(resolve(diagramPath)), { recursive: true });
    writeFileSync(diagramPath, plan.diagram);
    process.stdout.write(plan.report);
    process.exit(plan.status);
}

main().catch((error: unknown) => {
    process.stderr.write(`The offline plan failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
