// The component's `cliEnvironment` and `cliConfigureCommand` outputs, for the release it is built for.
import * as pulumi from "@pulumi/pulumi";
import { cliConfigureCommandFor, cliEnvironmentEntry, cliReadsKeys, CortexCliEnvironment } from "./cliConfig";
import { CortexVersion } from "./cortexReleases";

/** What {@link cliEnvironmentOutputs} needs. */
export interface CliEnvironmentInputs {
    cortexVersion: CortexVersion;
    /** The environment's name: the stack name (`pulumi.getStack()`). */
    stackName: string;
    /** The operator endpoint, `https://` + the operator load balancer's DNS name. */
    operatorEndpoint: pulumi.Input<string>;
    /** The CLI user's access key (`cliUser`); it goes into the environment only where the release's CLI reads keys. */
    cliKey?: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
}

/** The component's `cliEnvironment` and `cliConfigureCommand` outputs. */
export interface CliEnvironmentOutputs {
    /** The Cortex CLI environment entry; a secret when it holds a key. */
    cliEnvironment: pulumi.Output<CortexCliEnvironment>;
    /** The `cortex env configure` command line; it references the key instead of holding it. */
    cliConfigureCommand: pulumi.Output<string>;
}

/**
 * Wires the CLI environment and its configure command as Outputs. The environment is a secret as a
 * whole when it holds a key, whatever the secretness of the key inputs.
 */
export function cliEnvironmentOutputs(inputs: CliEnvironmentInputs): CliEnvironmentOutputs {
    const { cortexVersion, stackName, cliKey } = inputs;
    const endpoint = pulumi.output(inputs.operatorEndpoint);
    const cliConfigureCommand = endpoint.apply((operatorEndpoint) =>
        cliConfigureCommandFor(cortexVersion, { name: stackName, operatorEndpoint }),
    );
    const cliEnvironment =
        cliKey && cliReadsKeys(cortexVersion)
            ? pulumi.secret(
                  pulumi
                      .all([endpoint, cliKey.accessKeyId, cliKey.secretAccessKey])
                      .apply(([operatorEndpoint, accessKeyId, secretAccessKey]) =>
                          cliEnvironmentEntry(cortexVersion, { name: stackName, operatorEndpoint, key: { accessKeyId, secretAccessKey } }),
                      ),
              )
            : endpoint.apply((operatorEndpoint) => cliEnvironmentEntry(cortexVersion, { name: stackName, operatorEndpoint }));
    return { cliEnvironment, cliConfigureCommand };
}
