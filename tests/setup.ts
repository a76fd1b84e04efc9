// The one place that installs the mock cloud as the tests' stack: one mock monitor per process.
// Mocha loads this file in its main process too, which runs no test: the SDKs load only where tests
// run (the workers), when the first file starts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Pulumi from "@pulumi/pulumi";
import type * as MockCloud from "../tools/mockCloud";

/* eslint-disable @typescript-eslint/no-require-imports */
const pulumi = () => require("@pulumi/pulumi") as typeof Pulumi;
const mockCloudModule = () => require("../tools/mockCloud") as typeof MockCloud;
/* eslint-enable @typescript-eslint/no-require-imports */

// The tests' own AWS SDK clients (on moto_server) are made like the audit's: without the SDK's notice
// that its releases after January 2027 will need Node 22 (bin/audit/context.ts says why).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Makes the mock cloud the engine of the tests' stack `test`, with only `aws:region` set; again after an offline plan. */
export function installTestStack(): void {
    const { mockCloud, mocks, recordRegistrationOptions } = mockCloudModule();
    mockCloud.reset();
    pulumi().runtime.setMocks(mocks, "cortex-secure-cluster", "test", false);
    recordRegistrationOptions(pulumi().runtime.getMonitor()!);
    pulumi().runtime.setAllConfig({ "aws:region": mockCloud.region });
}

/**
 * Once, before any test file runs: `npm ci` built dist/ (`prepare`); after a change to its sources it
 * is built again here, once, for the tests that pack and serve it (package, plugin).
 */
export function mochaGlobalSetup(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { distIsCurrent, root, run } = require("./packedPackage") as typeof import("./packedPackage");
    if (!distIsCurrent()) run("npm", ["run", "build"], root);
    // The run's one `npm pack` goes here; the workers, started after this, inherit the variable.
    process.env.CORTEX_TEST_PACKS = mkdtempSync(join(tmpdir(), "cortex-secure-cluster-packs-"));
}

/** Once, after every test file: the run's pack goes. */
export function mochaGlobalTeardown(): void {
    if (process.env.CORTEX_TEST_PACKS) rmSync(process.env.CORTEX_TEST_PACKS, { recursive: true, force: true });
}

let installed = false;

export const mochaHooks = {
    beforeAll(): void {
        if (installed) return;
        installTestStack();
        installed = true;
    },
    afterEach(): void {
        mockCloudModule().mockCloud.reset();
    },
    async afterAll(): Promise<void> {
        // Fail here, where the suite is known, rather than with Pulumi's message at exit: a deployment
        // that fails leaves its resources pending, so it must run as a program of its own
        // (tests/hostedPrograms.ts).
        await mockCloudModule().quiescence();
        // The promises Pulumi's runtime still waits on; it reports them as leaked when the process exits.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const runtimeState = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<unknown> } };
        const pending = runtimeState.getStore().leakCandidates.size;
        if (pending > 0) {
            throw new Error(
                `${pending} Pulumi operations are still pending after the tests (rerun with PULUMI_DEBUG_PROMISE_LEAKS=1 to list them)`,
            );
        }
    },
};
