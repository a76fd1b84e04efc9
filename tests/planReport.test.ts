// The offline plan's report, rendered straight from a build: what it says about open admin planes,
// the API Gateway's authorization, an assumed-role creator, and the objects inside the cluster.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CortexSecureClusterArgs } from "../components";
import { evaluate } from "../policy/rules";
import { build } from "./harness";
import { ACCOUNT_ID, mockCloud, toPlannedResources } from "../tools/mockCloud";
import { renderPlan } from "../tools/planReport";
import { planHere, section } from "./planOutput";

async function report(args: CortexSecureClusterArgs): Promise<string> {
    return (await reportOf(args)).report;
}

async function reportOf(args: CortexSecureClusterArgs): Promise<{ report: string; name: string }> {
    const b = await build(args);
    const resources = toPlannedResources(b.resources);
    const rendered = renderPlan(
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
    return { report: rendered, name: b.name };
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

    it("shows every in-cluster object, the runtime keys Secret only by name and keys, and the second-door risk", async () => {
        // Cortex 0.25 reads its keys from a Secret; the endpoint is private only. Planned as the plan
        // does, stack outputs (where the keys are) included.
        const folder = mkdtempSync(join(tmpdir(), "cortex-plan-"));
        const stackFile = join(folder, "Pulumi.keys.yaml");
        writeFileSync(
            stackFile,
            'config:\n  aws:region: us-west-2\n  cortex-secure-cluster:cortexVersion: "0.25"\n' +
                "  cortex-secure-cluster:clusterEndpointPublicAccess: false\n  cortex-secure-cluster:adminCidrAllowList: [198.51.100.0/24]\n",
        );
        const plan = await planHere(stackFile);
        rmSync(folder, { recursive: true, force: true });
        if (plan.status === 1) assert.fail(plan.error);
        const stdout = plan.report;
        assert.equal(plan.status, 0);
        assert.equal(plan.warnings.length, 1, "the command prints the private endpoint's notes");
        assert.ok(section(stdout, "Stack outputs (placeholders where AWS computes them)").includes("  runtimeSecretAccessKey: [secret]"));
        const inside = section(stdout, "Inside the cluster");
        assert.ok(
            inside.includes(
                "  Secret default/aws-credentials: keys AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the runtime keys; values secret, not shown)",
            ),
            inside.join("\n"),
        );
        assert.ok(inside.includes("  ConfigMap default/cluster-config: key cluster.yaml (cortexClusterConfig)"));
        assert.ok(
            inside.includes(
                "  Service istio-system/cortex-secure-cluster-operator: NodePort, selects app=operator-istio-gateway, istio=ingressgateway-operator " +
                    "(Cortex's operator gateway pods); https 443->443 on NodePort 31443; externalTrafficPolicy Cluster",
            ),
            inside.join("\n"),
        );
        assert.ok(inside.some((line) => /^ {2}The endpoint is private only: that machine must be inside the cluster's VPC/.test(line)));
        assert.ok(
            inside.some((line) =>
                /^Risk: Cortex's own gateway Services .* second load balancer for each, outside these allow lists/.test(line),
            ),
        );
        // The mock cloud's secret for the runtime key (named after the component: the cluster name, cortex).
        const secretKey = createHash("sha256").update("cortex-runtime").digest("base64").slice(0, 40);
        assert.ok(!stdout.includes(secretKey), "the runtime secret key is printed");
    });

    it("says what must be made by hand when inClusterObjects is off", async () => {
        const stdout = await report({ inClusterObjects: false });
        const inside = section(stdout, "Inside the cluster");
        assert.match(inside[0], /^Nothing \(inClusterObjects is off\)\. Make these by hand/);
        assert.ok(inside.some((line) => line.startsWith("  Service istio-system/cortex-secure-cluster-apis: NodePort")));
        assert.ok(inside.some((line) => line.startsWith("  ConfigMap default/cluster-config")));
        assert.ok(!inside.some((line) => line.includes("Secret")), "0.42 reads no keys");
        assert.ok(!stdout.includes("kubernetes:"), "nothing is made in the cluster");
    });
});
