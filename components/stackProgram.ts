// The stack program `pulumi up` runs (through `index.ts`) and the offline plan runs under mocks:
// this stack's config, one CortexSecureCluster, its outputs.
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./config";
import { componentOutputs } from "./componentOutputs";
import { CortexSecureCluster } from "./cortexSecureCluster";
import { DEFAULTS } from "./defaults";

/** Builds the stack's one component from its config; returns it with the stack outputs to export. */
export function runStackProgram(): { cluster: CortexSecureCluster; outputs: Record<string, pulumi.Output<unknown> | undefined> } {
    // Which config keys were set with --secret; the runtime knows, but does not declare it in its types.
    const runtimeWithSecrets = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
    const config = pulumi.runtime.allConfig();
    const secretKeys = new Set(Object.keys(config).filter((key) => runtimeWithSecrets.isConfigSecret?.(key) ?? false));
    const args = parseStackConfig(config, secretKeys, pulumi.getProject(), pulumi.getStack());
    const cluster = new CortexSecureCluster(args.clusterName ?? DEFAULTS.clusterName, args);
    return { cluster, outputs: componentOutputs(cluster) };
}
