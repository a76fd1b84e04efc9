import * as pulumi from "@pulumi/pulumi";
import { CortexSecureClusterArgs } from "./args";
import { createIdentity, OidcProvider } from "./identity";
import { createNetwork } from "./network";
import { createStorage } from "./storage";
import { ResolvedArgs, resolveArgs } from "./validation";

/** The component's Pulumi type token. */
export const CORTEX_SECURE_CLUSTER_TYPE = "cortex-secure-cluster:index:CortexSecureCluster";

/** The tag every taggable resource carries; Cortex's CLI finds its resources by it. */
export const CLUSTER_NAME_TAG = "cortex.dev/cluster-name";

/**
 * The AWS infrastructure Cortex serves ML model APIs on, secure by default: a VPC, EKS node groups
 * in private (or public) subnets, allow-listed network load balancers, least-privilege runtime
 * credentials, and the outputs that configure the Cortex CLI.
 */
export class CortexSecureCluster extends pulumi.ComponentResource {
    /** The arguments with every default applied: what was actually built. */
    public readonly settings: ResolvedArgs;
    /** The cluster VPC's id. */
    public readonly vpcId: pulumi.Output<string>;
    /** The public subnets (internet-facing load balancers; the nodes when visibility is public). */
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    /** The private subnets (internal load balancers; the nodes when visibility is private). */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The Cortex S3 bucket's name. */
    public readonly bucketName: pulumi.Output<string>;
    /** The Cortex CloudWatch log group's name (the cluster name). */
    public readonly logGroupName: pulumi.Output<string>;
    /** The runtime's access key id: `iamUser` (plain) and `provided` (secret) modes only. */
    public readonly runtimeAccessKeyId: pulumi.Output<string> | undefined;
    /** The runtime's secret access key, a Pulumi secret: `iamUser` and `provided` modes only. */
    public readonly runtimeSecretAccessKey: pulumi.Output<string> | undefined;
    /** The role the operator's service account assumes: `serviceAccountRole` mode only. */
    public readonly runtimeRoleArn: pulumi.Output<string> | undefined;
    /** The runtime policy; with `provided` keys, attach it to the identity the keys belong to. */
    public readonly runtimePolicyArn: pulumi.Output<string>;
    /** The CLI user's access key id, for the CLI environment: only with `cliUser`. */
    public readonly cliAccessKeyId: pulumi.Output<string> | undefined;
    /** The CLI user's secret access key, a Pulumi secret: only with `cliUser`. */
    public readonly cliSecretAccessKey: pulumi.Output<string> | undefined;

    constructor(name: string, args: CortexSecureClusterArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
        // Every rule is checked before anything is registered.
        const settings = resolveArgs(args);
        super(CORTEX_SECURE_CLUSTER_TYPE, name, {}, opts);
        this.settings = settings;

        const tags = { ...settings.tags, [CLUSTER_NAME_TAG]: settings.clusterName };
        const network = createNetwork(name, settings, tags, this);
        this.vpcId = network.vpcId;
        this.publicSubnetIds = network.publicSubnetIds;
        this.privateSubnetIds = network.privateSubnetIds;

        const storage = createStorage(name, settings, tags, this);
        this.bucketName = storage.bucketName;
        this.logGroupName = storage.logGroupName;

        // The EKS cluster's OIDC provider (arn and issuer host) goes here once the cluster part builds it.
        const clusterOidcProvider: OidcProvider | undefined = undefined;
        const identity = createIdentity(name, settings, { storage, oidcProvider: clusterOidcProvider }, tags, this);
        this.runtimeAccessKeyId = identity.runtimeAccessKeyId;
        this.runtimeSecretAccessKey = identity.runtimeSecretAccessKey;
        this.runtimeRoleArn = identity.runtimeRoleArn;
        this.runtimePolicyArn = identity.runtimePolicyArn;
        this.cliAccessKeyId = identity.cliAccessKeyId;
        this.cliSecretAccessKey = identity.cliSecretAccessKey;

        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            bucketName: this.bucketName,
            logGroupName: this.logGroupName,
            runtimeAccessKeyId: this.runtimeAccessKeyId,
            runtimeSecretAccessKey: this.runtimeSecretAccessKey,
            runtimeRoleArn: this.runtimeRoleArn,
            runtimePolicyArn: this.runtimePolicyArn,
            cliAccessKeyId: this.cliAccessKeyId,
            cliSecretAccessKey: this.cliSecretAccessKey,
        });
    }
}
