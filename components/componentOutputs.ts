// The component's outputs by name: what it registers, what the stack program exports.
import * as pulumi from "@pulumi/pulumi";
import type { CortexSecureCluster } from "./cortexSecureCluster";

/** The outputs, as the class declares them. */
export type Declared = {
    -readonly [K in Exclude<keyof CortexSecureCluster, keyof pulumi.ComponentResource | "settings">]: CortexSecureCluster[K];
};

/**
 * Every output of the component by name: what it registers and what the stack program exports.
 * An output a mode does not make is undefined (and so no stack output).
 */
export function componentOutputs(cluster: Declared): Record<string, pulumi.Output<unknown> | undefined> {
    return {
        vpcId: cluster.vpcId,
        publicSubnetIds: cluster.publicSubnetIds,
        privateSubnetIds: cluster.privateSubnetIds,
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        oidcProviderArn: cluster.oidcProviderArn,
        apiLoadBalancerDnsName: cluster.apiLoadBalancerDnsName,
        operatorLoadBalancerDnsName: cluster.operatorLoadBalancerDnsName,
        apiEndpoint: cluster.apiEndpoint,
        operatorEndpoint: cluster.operatorEndpoint,
        apiGatewayEndpoint: cluster.apiGatewayEndpoint,
        vpcPeeringConnectionIds: cluster.vpcPeeringConnectionIds,
        bucketName: cluster.bucketName,
        logGroupName: cluster.logGroupName,
        runtimeAccessKeyId: cluster.runtimeAccessKeyId,
        runtimeSecretAccessKey: cluster.runtimeSecretAccessKey,
        runtimeRoleArn: cluster.runtimeRoleArn,
        runtimePolicyArn: cluster.runtimePolicyArn,
        cliAccessKeyId: cluster.cliAccessKeyId,
        cliSecretAccessKey: cluster.cliSecretAccessKey,
        cortexVersion: cluster.cortexVersion,
        audit: cluster.audit,
        cortexClusterConfig: cluster.cortexClusterConfig,
        cliEnvironment: cluster.cliEnvironment,
        cliConfigureCommand: cluster.cliConfigureCommand,
    };
}
