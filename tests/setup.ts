// The one place that installs the mock cloud as the tests' stack: one mock monitor per process.
import * as pulumi from "@pulumi/pulumi";
import { mockCloud, mocks, quiescence, recordRegistrationOptions } from "../tools/mockCloud";

// The tests' own AWS SDK clients (on moto_server) are made like the audit's: without the SDK's notice
// that its releases after January 2027 will need Node 22 (bin/audit/context.ts says why).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Makes the mock cloud the engine of the tests' stack `test`, with only `aws:region` set; again after an offline plan. */
export function installTestStack(): void {
    mockCloud.reset();
    pulumi.runtime.setMocks(mocks, "cortex-secure-cluster", "test", false);
    recordRegistrationOptions(pulumi.runtime.getMonitor()!);
    pulumi.runtime.setAllConfig({ "aws:region": mockCloud.region });
}

installTestStack();

// The promises Pulumi's runtime still waits on; it reports them as leaked when the process exits.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeState = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<unknown> } };

export const mochaHooks = {
    afterEach(): void {
        mockCloud.reset();
    },
    async afterAll(): Promise<void> {
        // Fail here, where the suite is known, rather than with Pulumi's message at exit: a deployment
        // that fails leaves its resources pending, so it must run as a program of its own
        // (tests/failingDeployment.ts).
        await quiescence();
        const pending = runtimeState.getStore().leakCandidates.size;
        if (pending > 0) {
            throw new Error(
                `${pending} Pulumi operations are still pending after the tests (rerun with PULUMI_DEBUG_PROMISE_LEAKS=1 to list them)`,
            );
        }
    },
};
