import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { LOG_GROUP_NAMES } from "./encryption";
import { Network } from "./network";
import { Settings } from "./settings";
import { Within } from "./parts";

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
    /** The KMS key that envelope-encrypts Kubernetes secrets. */
    secretsKeyArn: pulumi.Output<string>;
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
    /** The component's KMS key: the control-plane logs, and secrets unless another key is given. */
    keyArn: pulumi.Output<string>;
    tags: Record<string, string>;
    within: Within;
}): Cluster {
    const { name, settings, network, keyArn, tags, within } = part;
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-control-plane-logs`,
        {
            name: LOG_GROUP_NAMES.controlPlane(settings.clusterName),
            retentionInDays: settings.logRetentionDays,
            kmsKeyId: keyArn,
            tags,
        },
        { ...within, retainOnDelete: settings.protectData },
    );
    const secretsKeyArn = settings.secretsEncryptionKeyArn ?? keyArn;

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
            // The add-ons are the component's own, pinned (addons.ts): EKS's self-managed copies are
            // taken over, and @pulumi/eks installs none of its own.
            useDefaultVpcCni: true,
            kubeProxyAddonOptions: { enabled: false },
            corednsAddonOptions: { enabled: false },
            deletionProtection: settings.protectData,
            tags,
        },
        { ...within.remote, dependsOn: [logGroup] },
    );

    return {
        eksCluster,
        clusterName: pulumi.output(eksCluster.eksCluster).apply((cluster) => cluster.name),
        kubeconfig: pulumi.secret(eksCluster.kubeconfigJson),
        oidcProviderArn: eksCluster.oidcProviderArn,
        oidcProviderUrl: eksCluster.oidcProviderUrl,
        clusterSecurityGroupId: eksCluster.clusterSecurityGroupId,
        secretsKeyArn: pulumi.output(secretsKeyArn),
    };
}
