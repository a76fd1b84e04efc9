// The one place that installs the mock cloud: one mock monitor per process.
import * as pulumi from "@pulumi/pulumi";
import { mockCloud, mocks, recordRegistrationOptions } from "../tools/mockCloud";

pulumi.runtime.setMocks(mocks, "cortex-secure-cluster", "test", false);
recordRegistrationOptions(pulumi.runtime.getMonitor()!);
pulumi.runtime.setConfig("aws:region", mockCloud.region);

export const mochaHooks = {
    afterEach(): void {
        mockCloud.reset();
    },
};
