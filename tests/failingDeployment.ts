// A deployment that fails, as a program of its own, the way `pulumi up` runs one: once an argument
// that arrived as an Output fails its check, Pulumi leaves every resource built from it pending
// until the program exits. In the test process they would stay pending for good.
// Prints what happened as JSON and exits 1, like the failed deployment it is. The scenario is the
// first argument: "subnet-typo" (the default) or "creator-admin".
import "./setup";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, mockCloud } from "../tools/mockCloud";
import { build } from "./harness";
import { EXISTING_VPC } from "./fixtures";

// What Pulumi's program host does with a resource that cannot be registered: report the error.
const deploymentErrors: string[] = [];
process.on("unhandledRejection", (reason) => deploymentErrors.push(reason instanceof Error ? reason.message : String(reason)));

/** The deployer (an assumed-role session of platform-admins) named again in clusterAdmins. */
async function creatorAdmin(): Promise<void> {
    mockCloud.callerArn = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/platform-admins/ci`;
    const b = await build({ clusterAdmins: [`arn:aws:iam::${ACCOUNT_ID}:role/platform-admins`, `arn:aws:iam::${ACCOUNT_ID}:user/alice`] });
    const entries = b.ofType("aws:eks/accessEntry:AccessEntry").map((entry) => entry.inputs.principalArn);
    process.stdout.write(`${JSON.stringify({ deploymentErrors, entries })}\n`);
    process.exit(1);
}

async function main(): Promise<void> {
    if (process.argv[2] === "creator-admin") return creatorAdmin();
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
    process.stdout.write(`${JSON.stringify({ error, deploymentErrors, nodeGroups })}\n`);
    process.exit(1);
}

void main();
