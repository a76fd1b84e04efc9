// One offline plan: the stack program (the one index.ts runs) with a stack file's config under
// Pulumi's mocks, and the report of what it would build and who could reach it.
import * as pulumi from "@pulumi/pulumi";
import { CortexSecureClusterArgsError, readStackFile } from "../components";
import { runStackProgram } from "../components/stackProgram";
import { evaluate } from "../policy/rules";
import { offlineResources } from "./engineView";
import { ACCOUNT_ID, mockCloud, mocks, quiescence, recordRegistrationOptions, toPlannedResources } from "./mockCloud";
import { renderDiagram, renderPlan, StackOutput } from "./planReport";
import { placeholdersForSecrets } from "./planSecrets";

export interface PlanRequest {
    /** The stack file's text. */
    text: string;
    /** The Pulumi project's name (Pulumi.yaml), the config namespace. */
    project: string;
    stackName: string;
    /** The stack file's name, as the report shows it. */
    source: string;
    /** Where the diagram will be written, as the report names it. */
    diagramPath: string;
}

/** The exit status (0 no mandatory findings, 1 invalid config, 2 mandatory findings) and what to print and write. */
export type Plan = { status: 0 | 2; report: string; diagram: string } | { status: 1; error: string };

/** The program's exports as a stack's outputs: each value, or only the fact that it is a secret. */
async function stackOutputs(program: Record<string, unknown>): Promise<StackOutput[]> {
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

/**
 * Plans one stack in this process: installs the mock cloud as this stack's engine, with its config,
 * runs the stack program and renders the report from what it registered.
 */
export async function planStack({ text, project, stackName, source, diagramPath }: PlanRequest): Promise<Plan> {
    const { config, secretKeys } = readStackFile(text);
    const region = config["aws:region"] ?? mockCloud.region;
    const placeholders = placeholdersForSecrets(text, project, config, secretKeys, { region, accountId: ACCOUNT_ID });

    mockCloud.region = region;
    pulumi.runtime.setMocks(mocks, project, stackName, false);
    recordRegistrationOptions(pulumi.runtime.getMonitor()!);
    pulumi.runtime.setAllConfig(config, [...secretKeys]);

    const first = mockCloud.resources.length;
    let program: ReturnType<typeof runStackProgram>;
    try {
        program = runStackProgram();
    } catch (error) {
        if (error instanceof CortexSecureClusterArgsError) return { status: 1, error: `${source}: ${error.message}` };
        throw error;
    }
    await quiescence();
    const outputs = await stackOutputs(program.outputs);
    const registered = mockCloud.resources.slice(first);

    // The pack judges what the engine would send: the remote components' children, outputs.
    const findings = evaluate(offlineResources(registered));
    const inputs = {
        stackName,
        source,
        settings: program.cluster.settings,
        resources: toPlannedResources(registered),
        findings,
        placeholders,
        outputs,
    };
    return {
        status: findings.some((finding) => finding.enforcementLevel === "mandatory") ? 2 : 0,
        report: renderPlan(inputs, diagramPath),
        diagram: renderDiagram(inputs),
    };
}
