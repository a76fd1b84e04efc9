// README.md says what the code does: the test command CI runs, every argument, a real error.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CortexSecureClusterArgs, parseStackConfig, resolveSettings } from "../components";
import { AUDITOR_POLICY } from "../bin/audit/auditorPolicy";
import { ARGUMENT_NAMES } from "../components/valueRules";
import { CLI_ENV_OUTPUTS } from "../bin/stackOutputs";
import { CLUSTER_PARTS, clusterPartType } from "../components/parts";
import { runtimePolicy } from "../components/runtimePolicy";
import { build } from "./harness";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

/** The contents of every fenced block of a language, in order. */
const blocks = (language: string) =>
    [...readme.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((match) => match[1]);

function messageOf(build: () => unknown): string {
    try {
        build();
    } catch (error) {
        return (error as Error).message;
    }
    assert.fail("expected an error");
}

describe("README.md", () => {
    it("gives the test command .ci/run runs: npm ci, then npm test", () => {
        const quickStart = readme.slice(readme.indexOf("## Quick start"));
        assert.equal(
            blocks("sh").find((block) => quickStart.includes(block)),
            "npm ci\nnpm test\n",
        );
        const ciCommands = readFileSync(join(root, ".ci/run"), "utf8")
            .split("\n")
            .filter((line) => /^npm /.test(line));
        assert.deepEqual(ciCommands, ["npm ci", "npm test"]);
    });

    it("lists every argument in its table, in the code's order", () => {
        const table = readme.slice(readme.indexOf("## Arguments"));
        const names = [...table.matchAll(/^\| `(\w+)` \|/gm)].map((match) => match[1]);
        assert.deepEqual(names, ARGUMENT_NAMES);
    });

    it("names the component's parts and their type tokens as the code makes them", async () => {
        const paragraph = readme.slice(readme.indexOf("groups its resources under"), readme.indexOf("Each resource carries"));
        const named = [...paragraph.matchAll(/`([A-Z]\w+)`/g)].map((match) => match[1]);
        assert.deepEqual(named, Object.values(CLUSTER_PARTS));
        assert.ok(paragraph.includes(clusterPartType("Network").replace("Network", "<Part>")), paragraph);
        // The parts after "only when they are on" are those a cluster without their arguments lacks.
        const always = named.slice(0, named.indexOf("Identity") + 1);
        assert.ok(paragraph.includes(`\`${always.at(-1)}\`, and\nonly when they are on`), paragraph);
        const { resources } = await build({ inClusterObjects: false });
        const made = resources.filter((r) => r.type.includes(":parts:")).map((r) => r.type.split(":").pop()!);
        assert.deepEqual(made.sort(), always.sort());
    });

    it("names every action the runtime policy grants, in every release, in its table", () => {
        const section = readme.slice(readme.indexOf("### The runtime policy"), readme.indexOf("### `cliUser`"));
        const table = section
            .split("\n")
            .filter((line) => line.startsWith("|"))
            .join("\n");
        const named = new Set([...table.matchAll(/`([a-z0-9-]+:[A-Za-z]+)`/g)].map((match) => match[1]));
        const scope = { bucketArn: "arn:aws:s3:::b", logGroupArn: "arn:aws:logs:us-west-2:123456789012:log-group:c", region: "us-west-2" };
        const granted = new Set(
            (["0.18", "0.25", "0.42"] as const).flatMap((cortexVersion) =>
                runtimePolicy({
                    ...scope,
                    modelBucketArns: ["arn:aws:s3:::m"],
                    accountId: "123456789012",
                    partition: "aws",
                    cortexVersion,
                    clusterName: "c",
                    apiGatewayId: "a1",
                }).Statement.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action])),
            ),
        );
        assert.deepEqual(
            [...granted].filter((action) => !named.has(action)),
            [],
        );
        assert.deepEqual(
            [...named].filter((action) => !granted.has(action)),
            [],
        );
    });

    it("gives the auditor's IAM policy exactly as the audit exports and uses it", () => {
        const section = readme.slice(readme.indexOf("### The auditor's IAM policy"));
        const shown = blocks("json").find((block) => section.includes(block));
        assert.ok(shown, "README lost the auditor's policy");
        assert.deepEqual(JSON.parse(shown), AUDITOR_POLICY);
    });

    it("shows the errors the code really gives", () => {
        const stackConfigExample = blocks("text").find((block) => block.startsWith("$ pulumi config set subnetVisibility privat"));
        const argumentsExample = blocks("text").find((block) => block.startsWith("Invalid CortexSecureCluster arguments"));
        assert.ok(stackConfigExample && argumentsExample, "README lost its error examples");
        const stackConfigMessage = messageOf(() => parseStackConfig({ "cortex-secure-cluster:subnetVisibility": "privat" }));
        assert.equal(stackConfigExample.split("\n").slice(1).join("\n"), `${stackConfigMessage}\n`);

        const args = {
            subnetVisibility: "privat",
            natGateway: "none",
            vpcCidr: "10.0.0.1/16",
            apiLoadBalancerCidrAllowList: ["203.0.113.7"],
            nodeGroups: [
                { name: "worker", instanceType: "t3.micro" },
                { name: "worker", instanceType: "m5.large", minInstances: 7 },
            ],
            tags: { "aws:owner": "me" },
            adminCidrAllowList: ["203.0.113.0/24"],
        } as unknown as CortexSecureClusterArgs;
        assert.equal(argumentsExample, `${messageOf(() => resolveSettings(args))}\n`);
    });

    it("shows a consumer program that exports what `cortex-secure-cluster cli-env` reads", () => {
        const consumer = blocks("ts").find(
            (block) => block.includes('from "cortex-secure-cluster"') && block.includes("new CortexSecureCluster("),
        );
        assert.ok(consumer, "README lost its consumer program example");
        const exported = [...consumer.matchAll(/^export const (\w+) = /gm)].map((match) => match[1]);
        for (const name of CLI_ENV_OUTPUTS) {
            assert.ok(exported.includes(name), `the README's consumer program does not export ${name}, which cli-env needs`);
        }
    });
});
