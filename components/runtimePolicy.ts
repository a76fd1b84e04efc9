// The IAM documents of the runtime identity, as data: built and tested without any resource.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { CortexVersion } from "./cortexReleases";
import { PolicyDocument, PolicyStatement } from "./policyDocument";

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
    /** The release line: v0.42 and v0.25 add their queues (v0.42 spot prices too), v0.18 its API Gateway. */
    cortexVersion?: CortexVersion;
    /** The cluster's name: v0.25 names its queues after it (required with `cortexVersion` 0.25). */
    clusterName?: string;
    /** v0.18: the id of the cluster's API Gateway, whose routes the operator manages. */
    apiGatewayId?: string;
}

/**
 * SQS actions Cortex v0.25 takes on its batch APIs' queues: the operator creates (with tags), finds,
 * reads, fills and deletes them (pkg/lib/aws/sqs.go, batchapi/queue.go, enqueue.go and
 * batch_enqueuer.go@v0.25.0); the batch workers receive, renew, delete and send
 * (pkg/cortex/serve/start/batch.py@v0.25.0). `SendMessageBatch` is authorised as `sqs:SendMessage`.
 */
const CORTEX_V025_QUEUE_ACTIONS = [
    "sqs:ChangeMessageVisibility",
    "sqs:CreateQueue",
    "sqs:DeleteMessage",
    "sqs:DeleteQueue",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ReceiveMessage",
    "sqs:SendMessage",
    "sqs:TagQueue",
];

/** SQS actions Cortex v0.42 takes on its own queues (async and batch APIs): v0.25's and three more, named rather than `sqs:*`. */
const CORTEX_V042_QUEUE_ACTIONS = [...CORTEX_V025_QUEUE_ACTIONS, "sqs:ListQueueTags", "sqs:PurgeQueue", "sqs:SetQueueAttributes"].sort();

/**
 * What Cortex v0.25 names a cluster's queues with: the first 10 hex digits of the SHA-256 of the
 * cluster name and a dash (SQSNamePrefix, pkg/types/clusterconfig/cluster_config_aws.go@v0.25.0;
 * pkg/lib/hash/hash.go), then `<api>-<job id>.fifo`.
 */
export function cortexV025QueuePrefix(clusterName: string): string {
    return `${createHash("sha256").update(clusterName).digest("hex").slice(0, 10)}-`;
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
    document.Statement.push(...releaseStatements(scope));
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

/** What a release's operator needs beyond the common policy. */
function releaseStatements(scope: RuntimePolicyScope): PolicyStatement[] {
    const { partition, region, accountId } = scope;
    if (scope.cortexVersion === "0.42") {
        // pkg/types/clusterconfig/aws_policy.go@v0.42.1: queue listing, spot prices, and its cx_* queues.
        return [
            { Sid: "ListQueuesAndSpotPrices", Effect: "Allow", Action: ["sqs:ListQueues", "ec2:DescribeSpotPriceHistory"], Resource: "*" },
            {
                Sid: "CortexQueues",
                Effect: "Allow",
                Action: CORTEX_V042_QUEUE_ACTIONS,
                Resource: `arn:${partition}:sqs:${region}:${accountId}:cx_*`,
            },
        ];
    }
    if (scope.cortexVersion === "0.25") {
        if (scope.clusterName === undefined)
            throw new Error("the v0.25 runtime policy needs the cluster's name: its queues are named after it");
        return [
            { Sid: "ListQueues", Effect: "Allow", Action: "sqs:ListQueues", Resource: "*" },
            {
                Sid: "CortexQueues",
                Effect: "Allow",
                Action: CORTEX_V025_QUEUE_ACTIONS,
                Resource: `arn:${partition}:sqs:${region}:${accountId}:${cortexV025QueuePrefix(scope.clusterName)}*`,
            },
        ];
    }
    if (scope.cortexVersion === "0.18" && scope.apiGatewayId) {
        // pkg/lib/aws/apigateway.go@v0.18.0: the operator finds the cluster's API Gateway and manages its routes.
        const apis = `arn:${partition}:apigateway:${region}::/apis`;
        return [
            {
                Sid: "FindApiGateway",
                Effect: "Allow",
                Action: "apigateway:GET",
                Resource: [
                    apis,
                    `${apis}/*`,
                    `arn:${partition}:apigateway:${region}::/vpclinks`,
                    `arn:${partition}:apigateway:${region}::/vpclinks/*`,
                ],
            },
            {
                Sid: "ManageApiGatewayRoutes",
                Effect: "Allow",
                Action: ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"],
                Resource: `${apis}/${scope.apiGatewayId}/*`,
            },
        ];
    }
    return [];
}
