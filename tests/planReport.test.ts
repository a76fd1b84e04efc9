// The offline plan's report, rendered straight from a build: what it says about open admin planes,
// the API Gateway's authorization, and an assumed-role creator.
import { strict as assert } from "node:assert";
import { CortexSecureClusterArgs } from "../components";
import { evaluate } from "../policy/rules";
import { build } from "./harness";
import { ACCOUNT_ID, mockCloud, toPlannedResources } from "../tools/mockCloud";
import { renderPlan } from "../tools/planReport";

async function report(args: CortexSecureClusterArgs): Promise<string> {
    const b = await build(args);
    const resources = toPlannedResources(b.resources);
    return renderPlan(
        {
            stackName: "test",
            source: "test",
            settings: b.cluster.settings,
            resources,
            findings: evaluate(resources),
            placeholders: [],
            outputs: [],
        },
        "diagram.mmd",
    );
}

describe("the offline plan's report", () => {
    it("flags admin planes opened to 0.0.0.0/0, and not listed ones", async () => {
        assert.match(
            await report({ adminCidrAllowList: ["0.0.0.0/0"] }),
            /\nADVISORY: the operator load balancer and the Kubernetes API endpoint are open to 0\.0\.0\.0\/0 on purpose/,
        );
        assert.match(await report({ adminCidrAllowList: ["0.0.0.0/0"] }), /\[advisory\] admin-planes-not-open: /);
        assert.doesNotMatch(await report({}), /ADVISORY|admin-planes-not-open/);
    });

    it("says when the API Gateway is public with no authorization, and how it is throttled", async () => {
        assert.match(
            await report({ apiGateway: true }),
            /API Gateway: .*PUBLIC WITH NO AUTHORIZATION: anyone on the internet may call it; throttled to 100\/s \(burst 200\)/,
        );
        assert.match(
            await report({ apiGateway: true, apiGatewayAuthorization: "iam" }),
            /API Gateway: .*callers sign with IAM \(execute-api:Invoke\)/,
        );
    });

    it("lists an assumed-role creator as its role", async () => {
        mockCloud.callerArn = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/ci-deployer/build-17`;
        assert.match(await report({}), new RegExp(`\\n {2}arn:aws:iam::${ACCOUNT_ID}:role/ci-deployer: the cluster's creator`));
    });
});
