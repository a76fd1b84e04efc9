// Deployments that fail, as a program of their own, the way `pulumi up` runs one: once an argument
// that arrived as an Output fails its check, Pulumi leaves every resource built from it pending
// until the program exits. In the test process they would stay pending for good.
// Runs each scenario in turn, prints what happened in each as one JSON object, and exits 1 like the
// failed deployment it is.
import { installTestStack } from "./setup";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, mockCloud, quiescence } from "../tools/mockCloud";
import { build } from "./harness";
import { EXISTING_VPC } from "./fixtures";

installTestStack();

// What Pulumi's program host does with a resource that cannot be registered: report the error.
let deploymentErrors: string[] = [];
process.on("unhandledRejection", (reason) => deploymentErrors.push(reason instanceof Error ? reason.message : String(reason)));

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

/** What each scenario's deployment did, with the errors reported while it ran. */
export type FailedDeployments = Record<"subnetTypo" | "creatorAdmin", Record<string, unknown> & { deploymentErrors: string[] }>;

async function main(): Promise<void> {
    const results: Record<string, object> = {};
    for (const [name, scenario] of Object.entries({ subnetTypo, creatorAdmin })) {
        const result = await scenario();
        await quiescence();
        // Rejections are reported once the current turn ends: collect this scenario's before the next starts.
        await new Promise((resolve) => setImmediate(resolve));
        results[name] = { ...result, deploymentErrors };
        deploymentErrors = [];
        mockCloud.reset();
    }
    process.stdout.write(`${JSON.stringify(results)}\n`);
    process.exit(1);
}

void main();
