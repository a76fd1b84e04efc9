import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./policyDocument";
import { Storage } from "./storage";
import { checkWhenResolved, formatProblems, ResolvedArgs, valueRules } from "./validation";

/** What the runtime policy is scoped to: plain values, so the document can be built and tested as data. */
export interface RuntimePolicyScope {
    /** The Cortex bucket, `arn:aws:s3:::BUCKET`. */
    bucketArn: string;
    /** The Cortex log group's ARN, without the `:*` suffix. */
    logGroupArn: string;
    /** Buckets with exported models, read-only. */
    modelBucketArns: string[];
    region: string;
    accountId: string;
    partition: string;
}

/**
 * The runtime (Cortex operator) policy: Cortex's operator policy from its security page, scoped
 * to the Cortex bucket and log group, read-only on the model buckets, image pulls from this
 * account's repositories in this region, and metrics. No IAM actions and no wildcard actions.
 */
export function runtimePolicy(scope: RuntimePolicyScope): PolicyDocument {
    const { bucketArn, logGroupArn, partition, region, accountId } = scope;
    const modelBucketArns = [...new Set(scope.modelBucketArns)];
    const document: PolicyDocument = {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "CallerIdentityAndRegistryLogin",
                Effect: "Allow",
                Action: ["sts:GetCallerIdentity", "ecr:GetAuthorizationToken"],
                Resource: "*",
            },
            {
                Sid: "PullImagesOfThisAccount",
                Effect: "Allow",
                Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                Resource: `arn:${partition}:ecr:${region}:${accountId}:repository/*`,
            },
            {
                Sid: "CortexBucket",
                Effect: "Allow",
                Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
                Resource: bucketArn,
            },
            {
                // No s3:DeleteObjectVersion: with versioning on, a delete stays recoverable.
                Sid: "CortexBucketObjects",
                Effect: "Allow",
                Action: ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
                Resource: `${bucketArn}/*`,
            },
            {
                Sid: "CortexLogGroup",
                Effect: "Allow",
                Action: [
                    "logs:CreateLogStream",
                    "logs:DescribeLogStreams",
                    "logs:FilterLogEvents",
                    "logs:GetLogEvents",
                    "logs:PutLogEvents",
                ],
                Resource: [logGroupArn, `${logGroupArn}:*`],
            },
            {
                Sid: "Metrics",
                Effect: "Allow",
                Action: [
                    "cloudwatch:GetMetricData",
                    "cloudwatch:GetMetricStatistics",
                    "cloudwatch:ListMetrics",
                    "cloudwatch:PutMetricData",
                ],
                Resource: "*",
            },
        ],
    };
    if (modelBucketArns.length > 0) {
        document.Statement.push(
            { Sid: "ListModelBuckets", Effect: "Allow", Action: "s3:ListBucket", Resource: modelBucketArns },
            { Sid: "ReadModels", Effect: "Allow", Action: "s3:GetObject", Resource: modelBucketArns.map((arn) => `${arn}/*`) },
        );
    }
    return document;
}

/** The cluster's IAM OIDC identity provider, as the EKS cluster part exposes it. */
export interface OidcProvider {
    /** `arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID`. */
    arn: pulumi.Input<string>;
    /** The issuer without its scheme, `oidc.eks.REGION.amazonaws.com/id/ID` (an `https://` prefix is tolerated). */
    issuerHost: pulumi.Input<string>;
}

/** The one Kubernetes service account allowed to assume the runtime role. */
export interface ServiceAccountRef {
    namespace: string;
    serviceAccount: string;
}

const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/;

/**
 * The runtime role's trust policy: only the cluster's OIDC provider, only for tokens issued to
 * the one service account with the STS audience. Throws if the ARN and issuer name different
 * providers (the role would trust one provider and match claims of another).
 */
export function serviceAccountTrustPolicy(provider: { arn: string; issuerHost: string }, account: ServiceAccountRef): PolicyDocument {
    const issuer = provider.issuerHost.replace(/^https:\/\//, "").replace(/\/+$/, "");
    const providerPath = OIDC_PROVIDER_ARN.exec(provider.arn)?.[1];
    if (providerPath === undefined) {
        throw new Error(`the OIDC provider ARN ${JSON.stringify(provider.arn)} is not arn:aws:iam::ACCOUNT:oidc-provider/ISSUER`);
    }
    if (providerPath !== issuer) {
        throw new Error(`the OIDC provider ARN names ${JSON.stringify(providerPath)} but the issuer is ${JSON.stringify(issuer)}`);
    }
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "OperatorServiceAccount",
                Effect: "Allow",
                Principal: { Federated: provider.arn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: `system:serviceaccount:${account.namespace}:${account.serviceAccount}`,
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    };
}

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
}

/**
 * Builds the runtime identity per `runtimeCredentials` with {@link runtimePolicy}, and the CLI
 * user when `cliUser` is on. The identity that runs `pulumi up` is never one of them.
 */
export function createIdentity(
    name: string,
    args: ResolvedArgs,
    dependencies: IdentityDependencies,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): Identity {
    const credentials = args.runtimeCredentials;
    // Checked before anything is registered.
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
    const modelBucketArns = args.modelBucketArns.map((arn, index) =>
        checkWhenResolved<string>(`modelBucketArns[${index}]`, valueRules.s3BucketArn, arn, parent),
    );
    const policyDocument = pulumi
        .all([
            dependencies.storage.bucketArn,
            dependencies.storage.logGroupArn,
            pulumi.all(modelBucketArns),
            aws.getRegionOutput({}, { parent }).region,
            aws.getCallerIdentityOutput({}, { parent }).accountId,
            aws.getPartitionOutput({}, { parent }).partition,
        ])
        .apply(([bucketArn, logGroupArn, models, region, accountId, partition]) =>
            JSON.stringify(runtimePolicy({ bucketArn, logGroupArn, modelBucketArns: models, region, accountId, partition })),
        );
    const policy = new aws.iam.Policy(
        `${name}-runtime`,
        { description: `What the Cortex cluster ${args.clusterName} may do at runtime (its operator)`, policy: policyDocument, tags },
        { parent },
    );

    const identity: Identity = { runtimePolicyArn: policy.arn };
    switch (credentials.mode) {
        case "iamUser": {
            // The policy sits on a group of one, so the user never carries permissions of its own.
            const group = new aws.iam.Group(`${name}-runtime`, {}, { parent });
            new aws.iam.GroupPolicyAttachment(`${name}-runtime`, { group: group.name, policyArn: policy.arn }, { parent });
            const user = new aws.iam.User(`${name}-runtime`, { tags }, { parent });
            // Exclusive membership: a member added outside Pulumi is removed on the next update.
            new aws.iam.GroupMembership(`${name}-runtime`, { group: group.name, users: [user.name] }, { parent });
            const key = new aws.iam.AccessKey(`${name}-runtime`, { user: user.name }, { parent });
            identity.runtimeAccessKeyId = key.id;
            identity.runtimeSecretAccessKey = pulumi.secret(key.secret);
            break;
        }
        case "provided":
            identity.runtimeAccessKeyId = pulumi.secret(
                checkWhenResolved<string>("runtimeCredentials.accessKeyId", valueRules.accessKeyId, credentials.accessKeyId, parent),
            );
            identity.runtimeSecretAccessKey = pulumi.secret(
                checkWhenResolved<string>(
                    "runtimeCredentials.secretAccessKey",
                    valueRules.secretAccessKey,
                    credentials.secretAccessKey,
                    parent,
                ),
            );
            break;
        case "serviceAccountRole": {
            const oidcProvider = dependencies.oidcProvider!;
            const serviceAccount = {
                namespace: credentials.namespace ?? "default",
                serviceAccount: credentials.serviceAccount ?? "operator",
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
                    description: `Assumed by ${serviceAccount.namespace}/${serviceAccount.serviceAccount} of the Cortex cluster ${args.clusterName}`,
                    assumeRolePolicy: trustPolicy,
                    tags,
                },
                { parent },
            );
            new aws.iam.RolePolicyAttachment(`${name}-runtime`, { role: role.name, policyArn: policy.arn }, { parent });
            identity.runtimeRoleArn = role.arn;
            break;
        }
    }

    if (args.cliUser) {
        // The operator only checks who calls it (sts:GetCallerIdentity needs no permission): no policy at all.
        const cliUser = new aws.iam.User(`${name}-cli`, { tags }, { parent });
        const cliKey = new aws.iam.AccessKey(`${name}-cli`, { user: cliUser.name }, { parent });
        identity.cliAccessKeyId = cliKey.id;
        identity.cliSecretAccessKey = pulumi.secret(cliKey.secret);
    }
    return identity;
}
