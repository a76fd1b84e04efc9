// Programs as Pulumi's Node.js host runs them, in a process of their own (started by
// tests/hostedPrograms.test.ts, which registers ts-node the way the host does):
// - the stack program, index.ts, with a dev stack's config: which outputs it exports;
// - deployments that fail on an argument that arrived as an Output: Pulumi leaves every resource
//   built from it pending until the program exits, which in the test process would be for good.
// Prints what happened in each as one JSON object, and exits 1 like the failed deployments.
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, mockCloud, mocks, quiescence, recordRegistrationOptions } from "../tools/mockCloud";
import { build, withoutPulumiStackTraces } from "./harness";
import { EXISTING_VPC } from "./fixtures";
import { installTestStack } from "./setup";

// What Pulumi's program host does with a resource that cannot be registered: report the error.
let deploymentErrors: string[] = [];
process.on("unhandledRejection", (reason) => deploymentErrors.push(reason instanceof Error ? reason.message : String(reason)));

/** index.ts on a stack `dev` that sets only what it must: the names of the outputs it exports. */
async function stackProgram(): Promise<object> {
    pulumi.runtime.setMocks(mocks, "cortex-secure-cluster", "dev", false);
    recordRegistrationOptions(pulumi.runtime.getMonitor()!);
    pulumi.runtime.setAllConfig({
        "aws:region": "us-west-2",
        "cortex-secure-cluster:subnetVisibility": "public",
        "cortex-secure-cluster:adminCidrAllowList": '["198.51.100.0/24"]',
    });
    const outputs = await withoutPulumiStackTraces(async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const exported = require("../index.ts") as Record<string, unknown>;
        await quiescence();
        return exported;
    });
    installTestStack();
    return { exported: Object.keys(outputs).filter((name) => outputs[name] !== undefined) };
}

/** The deployer (an assumed-role session of platform-admins) named again in clusterAdmins. */
async function creatorAdmin(): Promise<object> {
    mockCloud.callerArn = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/platform-admins/ci`;
    const b = await build({ clusterAdmins: [`arn:aws:iam::${ACCOUNT_ID}:role/platform-admins`, `arn:aws:iam::${ACCOUNT_ID}:user/alice`] });
    const entries = b.ofType("aws:eks/accessEntry:AccessEntry").map((entry) => entry.inputs.principalArn);
    return { entries };
}

/** A security group id among the private subnet ids of an existing VPC, arriving as an Output. */
async function subnetTypo(): Promise<object> {
    const typo = await build({
        existingVpc: {
            ...EXISTING_VPC,
            privateSubnetIds: [pulumi.output(EXISTING_VPC.privateSubnetIds[0]), pulumi.output("sg-0a1b2c3d4e5f60004")],
        },
    });
    const error = await (typo.cluster.privateSubnetIds as unknown as { promise(): Promise<string[]> }).promise().then(
        () => undefined,
        (failure: Error) => failure.message,
    );
    const nodeGroups = typo.ofType("eks:index:ManagedNodeGroup").map((group) => group.name);
    return { error, nodeGroups };
}

/** What each program did, with the errors reported while it ran. */
export type HostedPrograms = Record<
    "stackProgram" | "subnetTypo" | "creatorAdmin",
    Record<string, unknown> & { deploymentErrors: string[] }
>;

async function main(): Promise<void> {
    const results: Record<string, object> = {};
    for (const [name, program] of Object.entries({ stackProgram, subnetTypo, creatorAdmin })) {
        const result = await program();
        await quiescence();
        // Rejections are reported once the current turn ends: collect this program's before the next starts.
        await new Promise((resolve) => setImmediate(resolve));
        results[name] = { ...result, deploymentErrors };
        deploymentErrors = [];
        mockCloud.reset();
    }
    process.stdout.write(`${JSON.stringify(results)}\n`);
    process.exit(1);
}

installTestStack();
main().catch((error: unknown) => {
    // Not a failed deployment: this program itself broke. Exit 3, which the test does not expect.
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(3);
});
