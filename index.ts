// The stack program: reads this stack's config, builds one CortexSecureCluster, exports its outputs.
import * as pulumi from "@pulumi/pulumi";
import { CortexSecureCluster, parseStackConfig } from "./components";

// Which config keys were set with --secret; the runtime knows, but does not declare it in its types.
const runtimeWithSecrets = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
const config = pulumi.runtime.allConfig();
const secretKeys = new Set(Object.keys(config).filter((key) => runtimeWithSecrets.isConfigSecret?.(key) ?? false));

const args = parseStackConfig(config, secretKeys, pulumi.getProject());
const cluster = new CortexSecureCluster(args.clusterName ?? "cortex", args);

export const vpcId = cluster.vpcId;
export const publicSubnetIds = cluster.publicSubnetIds;
export const privateSubnetIds = cluster.privateSubnetIds;
export const clusterName = cluster.clusterName;
export const kubeconfig = cluster.kubeconfig;
export const oidcProviderArn = cluster.oidcProviderArn;
export const apiLoadBalancerDnsName = cluster.apiLoadBalancerDnsName;
export const operatorLoadBalancerDnsName = cluster.operatorLoadBalancerDnsName;
export const apiEndpoint = cluster.apiEndpoint;
export const operatorEndpoint = cluster.operatorEndpoint;
export const apiGatewayEndpoint = cluster.apiGatewayEndpoint;
export const vpcPeeringConnectionIds = cluster.vpcPeeringConnectionIds;
export const bucketName = cluster.bucketName;
export const logGroupName = cluster.logGroupName;
// Only the outputs of the chosen runtimeCredentials mode exist (an undefined export is no stack output).
export const runtimeAccessKeyId = cluster.runtimeAccessKeyId;
export const runtimeSecretAccessKey = cluster.runtimeSecretAccessKey;
export const runtimeRoleArn = cluster.runtimeRoleArn;
export const cliEnvironment = cluster.cliEnvironment;
export const cliConfigureCommand = cluster.cliConfigureCommand;
