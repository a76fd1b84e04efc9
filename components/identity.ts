import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "./defaults";
import { policyJson } from "./policyDocument";
import { formatProblems } from "./problems";
import { OidcProvider, runtimePolicy, serviceAccountTrustPolicy } from "./runtimePolicy";
import { Settings } from "./settings";
import { Storage } from "./storage";
import { Within } from "./parts";

/** The identities the component made, and what the outputs carry. */
export interface Identity {
    /** The managed policy with {@link runtimePolicy}; with `provided` keys it is attached to nothing. */
    runtimePolicyArn: pulumi.Output<string>;
    /** `iamUser`: the new key's id; `provided`: the given id (secret). */
    runtimeAccessKeyId?: pulumi.Output<string>;
    /** `iamUser` and `provided`: the key's secret, always a Pulumi secret. */
    runtimeSecretAccessKey?: pulumi.Output<string>;
    /** `serviceAccountRole`: the role the operator's service account assumes. */
    runtimeRoleArn?: pulumi.Output<string>;
    /** What holds the runtime policy, by name, for an audit of the live account. */
    holder:
        | { kind: "user"; userName: pulumi.Output<string>; groupName: pulumi.Output<string>; accessKeyId: pulumi.Output<string> }
        | { kind: "role"; roleName: pulumi.Input<string> }
        | { kind: "provided" };
    /** `cliUser`: the CLI user's key id. */
    cliAccessKeyId?: pulumi.Output<string>;
    /** `cliUser`: the CLI user's key secret (a Pulumi secret). */
    cliSecretAccessKey?: pulumi.Output<string>;
}

/** What the identity part needs from the other parts. */
export interface IdentityDependencies {
    storage: Storage;
    /** The EKS cluster's OIDC provider; required for `runtimeCredentials.mode` `serviceAccountRole`. */
    oidcProvider: OidcProvider | undefined;
    /** The nodes' role; required for `runtimeCredentials.mode` `nodeRole`. */
    nodeRoleName?: pulumi.Input<string>;
    /** Cortex 0.18: the cluster's API Gateway, whose routes the operator manages. */
    apiGatewayId?: pulumi.Input<string>;
}

/**
 * Builds the runtime identity per `runtimeCredentials` with {@link runtimePolicy}, and the CLI
 * user when `cliUser` is on. The identity that runs `pulumi up` is never one of them.
 */
export function createIdentity(part: {
    name: string;
    settings: Pick<Settings, "cortexVersion" | "clusterName" | "runtimeCredentials" | "modelBucketArns" | "cliUser">;
    dependencies: IdentityDependencies;
    tags: Record<string, string>;
    within: Within;
}): Identity {
    const { name, settings, dependencies, tags, within } = part;
    const { parent } = within;
    const credentials = settings.runtimeCredentials;
    // Checked before any of the part's resources is registered.
    if (credentials.mode === "serviceAccountRole" && dependencies.oidcProvider === undefined) {
        throw new pulumi.ResourceError(
            formatProblems([
                {
                    argument: "runtimeCredentials.mode",
                    value: credentials.mode,
                    allowed: '"serviceAccountRole" only with the cluster\'s OIDC provider, which was not given to the identity part',
                },
            ]),
            parent,
        );
    }
    const policyDocument = pulumi
        .all([
            dependencies.storage.bucketArn,
            dependencies.storage.logGroupArn,
            pulumi.all(settings.modelBucketArns),
            aws.getRegionOutput({}, { parent }).region,
            aws.getCallerIdentityOutput({}, { parent }).accountId,
            aws.getPartitionOutput({}, { parent }).partition,
            dependencies.apiGatewayId,
        ])
        .apply(([bucketArn, logGroupArn, models, region, accountId, partition, apiGatewayId]) =>
            runtimePolicy({
                bucketArn,
                logGroupArn,
                modelBucketArns: models,
                region,
                accountId,
                partition,
                cortexVersion: settings.cortexVersion,
                clusterName: settings.clusterName,
                apiGatewayId,
            }),
        );
    const policy = new aws.iam.Policy(
        `${name}-runtime`,
        {
            description: `What the Cortex cluster ${settings.clusterName} may do at runtime (its operator)`,
            policy: policyJson(policyDocument),
            tags,
        },
        within,
    );

    const identity: Identity = { runtimePolicyArn: policy.arn, holder: { kind: "provided" } };
    switch (credentials.mode) {
        case "iamUser": {
            // The policy sits on a group of one, so the user never carries permissions of its own.
            const group = new aws.iam.Group(`${name}-runtime`, {}, within);
            new aws.iam.GroupPolicyAttachment(`${name}-runtime`, { group: group.name, policyArn: policy.arn }, within);
            const user = new aws.iam.User(`${name}-runtime`, { tags }, within);
            // Exclusive membership: a member added outside Pulumi is removed on the next update.
            new aws.iam.GroupMembership(`${name}-runtime`, { group: group.name, users: [user.name] }, within);
            const key = new aws.iam.AccessKey(`${name}-runtime`, { user: user.name }, within);
            identity.runtimeAccessKeyId = key.id;
            identity.runtimeSecretAccessKey = pulumi.secret(key.secret);
            identity.holder = { kind: "user", userName: user.name, groupName: group.name, accessKeyId: key.id };
            break;
        }
        case "provided":
            // Both are required in this mode (checked when the arguments are resolved).
            identity.runtimeAccessKeyId = pulumi.secret(credentials.accessKeyId!);
            identity.runtimeSecretAccessKey = pulumi.secret(credentials.secretAccessKey!);
            break;
        case "serviceAccountRole": {
            const oidcProvider = dependencies.oidcProvider!;
            const serviceAccount = {
                namespace: credentials.namespace ?? DEFAULTS.serviceAccount.namespace,
                serviceAccount: credentials.serviceAccount ?? DEFAULTS.serviceAccount.serviceAccount,
            };
            const trustPolicy = pulumi.all([oidcProvider.arn, oidcProvider.issuerHost]).apply(([arn, issuerHost]) => {
                try {
                    return JSON.stringify(serviceAccountTrustPolicy({ arn, issuerHost }, serviceAccount));
                } catch (error) {
                    throw new pulumi.ResourceError(
                        `The runtime role cannot trust the cluster's OIDC provider: ${(error as Error).message}`,
                        parent,
                    );
                }
            });
            const role = new aws.iam.Role(
                `${name}-runtime`,
                {
                    description: `Assumed by ${serviceAccount.namespace}/${serviceAccount.serviceAccount} of the Cortex cluster ${settings.clusterName}`,
                    assumeRolePolicy: trustPolicy,
                    tags,
                },
                within,
            );
            new aws.iam.RolePolicyAttachment(`${name}-runtime`, { role: role.name, policyArn: policy.arn }, within);
            identity.runtimeRoleArn = role.arn;
            identity.holder = { kind: "role", roleName: role.name };
            break;
        }
        case "nodeRole":
            // Where Cortex v0.30+ looks for its permissions: the role of every node (one role, shared by the groups).
            new aws.iam.RolePolicyAttachment(`${name}-runtime`, { role: dependencies.nodeRoleName!, policyArn: policy.arn }, within);
            identity.holder = { kind: "role", roleName: dependencies.nodeRoleName! };
            break;
    }

    if (settings.cliUser) {
        // The operator only checks who calls it (sts:GetCallerIdentity needs no permission): no policy at all.
        const cliUser = new aws.iam.User(`${name}-cli`, { tags }, within);
        const cliKey = new aws.iam.AccessKey(`${name}-cli`, { user: cliUser.name }, within);
        identity.cliAccessKeyId = cliKey.id;
        identity.cliSecretAccessKey = pulumi.secret(cliKey.secret);
    }
    return identity;
}
