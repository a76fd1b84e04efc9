// `npm run plan -- --stack dev`: runs the stack program (index.ts) with a stack file's config under
// Pulumi's mocks - no AWS account, no Pulumi CLI - and prints what it would build and who could reach it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import * as YAML from "yaml";
import { placeholdersForSecrets } from "./planSecrets";
import type { StackOutput } from "./planReport";

const USAGE = `Usage: npm run plan -- (--stack NAME | --config FILE) [--diagram FILE]

Runs the stack program's component with a stack file's config under Pulumi's mocks and prints
what it would create, who can reach what, the identities and what they may do, and the policy
pack's findings. Nothing is deployed; no AWS account or Pulumi CLI is needed.

  --stack NAME     read Pulumi.NAME.yaml beside Pulumi.yaml
  --config FILE    read this stack file instead
  --diagram FILE   where to write the Mermaid network diagram (default .plan/STACK-network.mmd)

Exit codes: 0 no mandatory findings, 1 bad usage or invalid config, 2 mandatory findings.`;

/** The program's exports as a stack's outputs: each value, or only the fact that it is a secret. */
async function stackOutputs(pulumi: typeof import("@pulumi/pulumi"), program: Record<string, unknown>): Promise<StackOutput[]> {
    const outputs: StackOutput[] = [];
    for (const [name, value] of Object.entries(program)) {
        if (value === undefined) continue;
        const output = pulumi.output(value);
        const secret = await pulumi.isSecret(output);
        const resolved = await new Promise<unknown>((resolveValue) => output.apply(resolveValue));
        outputs.push({ name, secret, value: secret ? undefined : resolved });
    }
    return outputs;
}

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

    // Loaded once the arguments are good: the SDKs take a while to load, a usage error should not.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    const { CortexSecureClusterArgsError, readStackFile } = require("../components") as typeof import("../components");
    const { runStackProgram } = require("../components/stackProgram") as typeof import("../components/stackProgram");
    const { evaluate } = require("../policy/rules") as typeof import("../policy/rules");
    const { offlineResources } = require("./engineView") as typeof import("./engineView");
    const mockCloudModule = require("./mockCloud") as typeof import("./mockCloud");
    const { ACCOUNT_ID, mockCloud, mocks, quiescence, recordRegistrationOptions, toPlannedResources } = mockCloudModule;
    const { renderDiagram, renderPlan } = require("./planReport") as typeof import("./planReport");
    /* eslint-enable @typescript-eslint/no-require-imports */

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

    const { config, secretKeys } = readStackFile(text);
    const region = config["aws:region"] ?? mockCloud.region;
    const placeholders = placeholdersForSecrets(text, project, config, secretKeys, { region, accountId: ACCOUNT_ID });

    mockCloud.region = region;
    pulumi.runtime.setMocks(mocks, project, stackName, false);
    recordRegistrationOptions(pulumi.runtime.getMonitor()!);
    pulumi.runtime.setAllConfig(config, [...secretKeys]);

    // The very program `pulumi up` runs (index.ts runs the same function), with this stack's config.
    let program: ReturnType<typeof runStackProgram>;
    try {
        program = runStackProgram();
    } catch (error) {
        if (error instanceof CortexSecureClusterArgsError) fail(`${basename(stackFile)}: ${error.message}`);
        throw error;
    }
    await quiescence();
    const settings = program.cluster.settings;
    const outputs = await stackOutputs(pulumi, program.outputs);

    const resources = toPlannedResources(mockCloud.resources);
    // The pack judges what the engine would send: the remote components' children, outputs.
    const findings = evaluate(offlineResources(mockCloud.resources));
    const diagramPath = values.diagram ?? `.plan/${stackName}-network.mmd`;
    const inputs = { stackName, source: basename(stackFile), settings, resources, findings, placeholders, outputs };
    mkdirSync(dirname(resolve(diagramPath)), { recursive: true });
    writeFileSync(diagramPath, renderDiagram(inputs));
    process.stdout.write(renderPlan(inputs, diagramPath));
    process.exit(findings.some((finding) => finding.enforcementLevel === "mandatory") ? 2 : 0);
}

main().catch((error: unknown) => {
    process.stderr.write(`The offline plan failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
