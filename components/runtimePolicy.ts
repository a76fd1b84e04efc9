// The IAM documents of the runtime identity, as data: built and tested without any resource.
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./policyDocument";

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
