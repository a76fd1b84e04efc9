// The component's KMS key: every log group it creates is encrypted with it, and its policy lets
// CloudWatch Logs use it for exactly those log groups.
import { strict as assert } from "node:assert";
import { PolicyDocument } from "../components/policyDocument";
import { build } from "./harness";
import { ACCOUNT_ID } from "../tools/mockCloud";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

describe("encryption at rest", () => {
    it("encrypts every log group with the component's key, and names exactly those in its policy", async () => {
        const b = await build({ clusterName: "mlx", apiGateway: true, flowLogs: true });
        const key = b.one("aws:kms/key:Key");
        const logGroups = b.ofType(LOG_GROUP);
        assert.deepEqual(logGroups.map((group) => group.inputs.name).sort(), [
            "/aws/apigateway/mlx",
            "/aws/eks/mlx/cluster",
            "/aws/vpc/mlx/flow-logs",
            "mlx",
        ]);
        for (const group of logGroups) assert.equal(group.inputs.kmsKeyId, key.state.arn, String(group.inputs.name));

        const policy = JSON.parse(key.inputs.policy as string) as PolicyDocument;
        const logs = policy.Statement.find((statement) => JSON.stringify(statement.Principal).includes("logs."))!;
        assert.deepEqual(logs.Principal, { Service: "logs.us-west-2.amazonaws.com" });
        assert.deepEqual(
            [...(logs.Condition!.ArnLike["kms:EncryptionContext:aws:logs:arn"] as string[])].sort(),
            logGroups.map((group) => `arn:aws:logs:us-west-2:${ACCOUNT_ID}:log-group:${String(group.inputs.name)}`).sort(),
        );
        // Administered by the account (IAM decides who uses it), as AWS's default policy would.
        assert.deepEqual(
            policy.Statement.map((statement) => statement.Principal),
            [{ AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, { Service: "logs.us-west-2.amazonaws.com" }],
        );
    });

    it("names only the log groups it makes: no flow logs, no gateway, none of theirs", async () => {
        const b = await build({ clusterName: "mlx", flowLogs: false });
        const policy = JSON.parse(b.one("aws:kms/key:Key").inputs.policy as string) as PolicyDocument;
        assert.deepEqual(policy.Statement[1].Condition!.ArnLike["kms:EncryptionContext:aws:logs:arn"], [
            `arn:aws:logs:us-west-2:${ACCOUNT_ID}:log-group:/aws/eks/mlx/cluster`,
            `arn:aws:logs:us-west-2:${ACCOUNT_ID}:log-group:mlx`,
        ]);
    });

    it("keeps the key with the log groups it encrypts when protectData, and not otherwise", async () => {
        assert.equal((await build({})).one("aws:kms/key:Key").options.retainOnDelete, true);
        assert.equal((await build({ protectData: false })).one("aws:kms/key:Key").options.retainOnDelete, false);
    });
});
