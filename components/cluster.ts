import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { Network } from "./network";
import { Settings } from "./settings";

/** What the other parts need to know of the cluster. */
export interface Cluster {
    eksCluster: eks.Cluster;
    clusterName: pulumi.Output<string>;
    /** Secret: it names the cluster endpoint and its certificate. */
    kubeconfig: pulumi.Output<string>;
    oidcProviderArn: pulumi.Output<string>;
    /** The OIDC issuer without `https://`, as IAM trust policies name it. */
    oidcProviderUrl: pulumi.Output<string>;
    /** The security group EKS puts on the control plane and on managed nodes. */
    clusterSecurityGroupId: pulumi.Output<string>;
}

/** The log group EKS writes control-plane logs to; made first so it has a retention. */
export function controlPlaneLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

/** What the cluster part reads of the settings. */
export type ClusterSettings = Pick<
    Settings,
    | "clusterName"
    | "kubernetesVersion"
    | "clusterEndpointPublicAccess"
    | "clusterEndpointPublicAccessCidrs"
    | "secretsEncryptionKeyArn"
    | "controlPlaneLogTypes"
    | "logRetentionDays"
    | "protectData"
>;

/** Builds the EKS control plane: KMS-encrypted secrets, private endpoint, logs into a log group with retention, OIDC. */
export function createCluster(part: {
    name: string;
    settings: ClusterSettings;
    network: Pick<Network, "vpcId" | "nodeSubnetIds">;
    tags: Record<string, string>;
    parent: pulumi.Resource;
}): Cluster {
    const { name, settings, network, tags, parent } = part;
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-control-plane-logs`,
        { name: controlPlaneLogGroupName(settings.clusterName), retentionInDays: settings.logRetentionDays, tags },
        { parent, retainOnDelete: settings.protectData },
    );

    const secretsKeyArn =
        settings.secretsEncryptionKeyArn ??
        new aws.kms.Key(
            `${name}-secrets`,
            {
                description: `Envelope encryption of Kubernetes secrets in EKS cluster ${settings.clusterName}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                tags,
            },
            { parent },
        ).arn;

    const eksCluster = new eks.Cluster(
        `${name}-eks`,
        {
            name: settings.clusterName,
            version: settings.kubernetesVersion,
            vpcId: network.vpcId,
            // The control plane's network interfaces live where the nodes do.
            subnetIds: network.nodeSubnetIds,
            skipDefaultNodeGroup: true,
            skipDefaultSecurityGroups: true,
            endpointPrivateAccess: true,
            endpointPublicAccess: settings.clusterEndpointPublicAccess,
            publicAccessCidrs: settings.clusterEndpointPublicAccess ? settings.clusterEndpointPublicAccessCidrs : undefined,
            encryptionConfigKeyArn: secretsKeyArn,
            enabledClusterLogTypes: settings.controlPlaneLogTypes,
            createOidcProvider: true,
            authenticationMode: "API",
            tags,
        },
        { parent, dependsOn: [logGroup] },
    );

    return {
        eksCluster,
        clusterName: pulumi.output(eksCluster.eksCluster).apply((cluster) => cluster.name),
        kubeconfig: pulumi.secret(eksCluster.kubeconfigJson),
        oidcProviderArn: eksCluster.oidcProviderArn,
        oidcProviderUrl: eksCluster.oidcProviderUrl,
        clusterSecurityGroupId: eksCluster.clusterSecurityGroupId,
    };
}
