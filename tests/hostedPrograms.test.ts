// Programs as Pulumi's Node.js host runs them, in one process of their own (tests/hostedPrograms.ts):
// the stack program, and deployments that fail on a value that arrived as an Output (Pulumi leaves
// what was built from the value pending until the program exits).
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ACCOUNT_ID } from "../tools/mockCloud";
import type { HostedPrograms } from "./hostedPrograms";

const ADMINS = [`arn:aws:iam::${ACCOUNT_ID}:role/platform-admins`, `arn:aws:iam::${ACCOUNT_ID}:user/alice`];

// The host registers ts-node with these compiler options (transpile only) over the project's
// tsconfig.json and this package's TypeScript, then requires the program.
const HOST = `require("ts-node").register({ transpileOnly: true, project: "tsconfig.json",
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true" } });
require("./tests/hostedPrograms.ts");`;

describe("programs as Pulumi's Node.js host runs them", function () {
    this.timeout(60_000);
    let ran: HostedPrograms;

    before(async () => {
        const child = spawn(process.execPath, ["-e", HOST], { cwd: join(__dirname, ".."), timeout: 50_000 });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (data) => (stdout += data));
        child.stderr.on("data", (data) => (stderr += data));
        const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
        assert.equal(status, 1, stderr);
        ran = JSON.parse(stdout) as HostedPrograms;
    });

    it("runs index.ts through ts-node, which exports the stack outputs", () => {
        const exported = ran.stackProgram.exported as string[];
        for (const output of [
            "vpcId",
            "kubeconfig",
            "operatorEndpoint",
            "runtimePolicyArn",
            "cortexVersion",
            "cortexClusterConfig",
            "cliEnvironment",
            "cliConfigureCommand",
        ]) {
            assert.ok(exported.includes(output), `${output} is not a stack output: ${exported.join(", ")}`);
        }
        assert.deepEqual(ran.stackProgram.deploymentErrors, []);
    });

    it("fails a deployment on a subnet id that is not one, naming the argument, and registers no node group with it", () => {
        const { error, deploymentErrors, nodeGroups } = ran.subnetTypo;
        const problem = /existingVpc\.privateSubnetIds\[1\]: got "sg-0a1b2c3d4e5f60004"; allowed: a subnet id, subnet-…/;
        assert.match(String(error), problem);
        assert.ok(deploymentErrors.length > 0 && deploymentErrors.every((message) => problem.test(message)), deploymentErrors.join("\n"));
        assert.deepEqual(nodeGroups, [], "no node group is registered with a bad subnet");
    });

    it("refuses to name the creator again in clusterAdmins, which EKS has already made an admin", () => {
        const { deploymentErrors, entries } = ran.creatorAdmin;
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
