// The offline plan command: arguments in, report and diagram out, an exit code back. `plan.ts`
// runs it as `npm run plan`; the tests also run it in their own process.
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

/** Where the command works: a process's directory, stdout and stderr, or a test's. */
export interface PlanIo {
    /** The directory paths are relative to; the Pulumi project's. */
    cwd: string;
    stdout: { write(text: string): unknown };
    stderr: { write(text: string): unknown };
}

/** Runs `npm run plan -- ARGV` (the Pulumi project in `io.cwd`); returns the exit code. */
export async function planCommand(argv: string[], io: PlanIo): Promise<number> {
    const fail = (message: string) => {
        io.stderr.write(`${message}\n`);
        return 1;
    };
    let values: { stack?: string; config?: string; diagram?: string; help?: boolean };
    try {
        ({ values } = parseArgs({
            args: argv,
            options: { stack: { type: "string" }, config: { type: "string" }, diagram: { type: "string" }, help: { type: "boolean" } },
            strict: true,
        }));
    } catch (error) {
        return fail(`${(error as Error).message}\n\n${USAGE}`);
    }
    if (values.help) {
        io.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (!values.stack === !values.config) return fail(`Give --stack NAME or --config FILE.\n\n${USAGE}`);

    const projectFile = resolve(io.cwd, "Pulumi.yaml");
    const project = (YAML.parse(readFileSync(projectFile, "utf8")) as { name: string }).name;
    const stackFile = values.config ? resolve(io.cwd, values.config) : resolve(dirname(projectFile), `Pulumi.${values.stack}.yaml`);
    const stackName =
        values.stack ??
        basename(stackFile)
            .replace(/^Pulumi\./, "")
            .replace(/\.ya?ml$/, "");
    let text: string;
    try {
        text = readFileSync(stackFile, "utf8");
    } catch {
        return fail(`Cannot read the stack file ${stackFile}.`);
    }
    // Shown as given; written where it is from the project.
    const diagramShown = values.diagram ?? `.plan/${stackName}-network.mmd`;
    const diagramPath = resolve(io.cwd, diagramShown);

    // Loaded once the arguments are good: the SDKs take a while to load, a usage error should not.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { planStack } = require("./planStack") as typeof import("./planStack");
    const plan = await planStack({ text, project, stackName, source: basename(stackFile), diagramPath: diagramShown });
    if (plan.status === 1) return fail(plan.error);
    mkdirSync(dirname(diagramPath), { recursive: true });
    writeFileSync(diagramPath, plan.diagram);
    io.stdout.write(plan.report);
    return plan.status;
}
