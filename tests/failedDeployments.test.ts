// Deployments that fail on a value that arrived as an Output: in a program of their own
// (tests/failingDeployment.ts), as `pulumi up` runs one, since Pulumi leaves what was built from the
// value pending until the program exits.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ACCOUNT_ID } from "../tools/mockCloud";
import type { FailedDeployments } from "./failingDeployment";

const ADMINS = [`arn:aws:iam::${ACCOUNT_ID}:role/platform-admins`, `arn:aws:iam::${ACCOUNT_ID}:user/alice`];

describe("deployments that fail on a value that arrived as an Output", function () {
    this.timeout(60_000);
    let failed: FailedDeployments;

    before(async () => {
        const child = spawn(process.execPath, ["--require", "tsx/cjs", join(__dirname, "failingDeployment.ts")], {
            cwd: join(__dirname, ".."),
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (data) => (stdout += data));
        child.stderr.on("data", (data) => (stderr += data));
        const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
        assert.equal(status, 1, stderr);
        failed = JSON.parse(stdout) as FailedDeployments;
    });

    it("fails on a subnet id that is not one, naming the argument, and registers no node group with it", () => {
        const { error, deploymentErrors, nodeGroups } = failed.subnetTypo;
        const problem = /existingVpc\.privateSubnetIds\[1\]: got "sg-0a1b2c3d4e5f60004"; allowed: a subnet id, subnet-…/;
        assert.match(String(error), problem);
        assert.ok(deploymentErrors.length > 0 && deploymentErrors.every((message) => problem.test(message)), deploymentErrors.join("\n"));
        assert.deepEqual(nodeGroups, [], "no node group is registered with a bad subnet");
    });

    it("refuses to name the creator again in clusterAdmins, which EKS has already made an admin", () => {
        const { deploymentErrors, entries } = failed.creatorAdmin;
        // The entry for the creator never gets a principal: the preview fails with this message.
        assert.ok(!(entries as string[]).includes(ADMINS[0]), String(entries));
        assert.ok(
            deploymentErrors.some((message) =>
                message.includes(`clusterAdmins[0]: got "${ADMINS[0]}"; allowed: an identity other than the one running pulumi up`),
            ),
            deploymentErrors.join("\n"),
        );
    });
});
