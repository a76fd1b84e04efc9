import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_GROUP_NAMES } from "./encryption";
import { PolicyDocument, policyJson } from "./policyDocument";
import { Settings } from "./settings";
import { Within } from "./parts";

/** The Cortex bucket and log group, as the other parts need them. */
export interface Storage {
    /** The Cortex S3 bucket's name. */
    bucketName: pulumi.Output<string>;
    /** `arn:aws:s3:::BUCKET`. */
    bucketArn: pulumi.Output<string>;
    /** The Cortex CloudWatch log group's name: the cluster name, as Cortex expects. */
    logGroupName: pulumi.Output<string>;
    /** The log group's ARN, without the `:*` suffix. */
    logGroupArn: pulumi.Output<string>;
}

/**
 * How `protectData` treats the Cortex bucket, its settings and the log group on `pulumi destroy`:
 * retained (Pulumi forgets them, AWS keeps them) or deleted, the bucket with every object version.
 */
export function dataLifecycle(protectData: boolean): { retainOnDelete: boolean; forceDestroy: boolean } {
    // forceDestroy only matters when Pulumi deletes the bucket: a versioned bucket is never empty.
    return { retainOnDelete: protectData, forceDestroy: !protectData };
}

/** The longest `bucketPrefix` S3 accepts; the provider appends 26 unique characters. */
const MAX_BUCKET_PREFIX = 37;

/** The Cortex bucket's name prefix: the cluster name (truncated to fit) and a dash. */
export function cortexBucketPrefix(clusterName: string): string {
    return `${clusterName.slice(0, MAX_BUCKET_PREFIX - 1).replace(/-+$/, "")}-`;
}

/** A bucket policy that refuses every request not made over TLS, whoever makes it. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/**
 * Builds the Cortex S3 bucket (encrypted, versioned, ACLs off, all public access blocked, TLS
 * only) and the Cortex log group (retention `logRetentionDays`). With `protectData` both, and the
 * bucket's protective settings, are retained on `pulumi destroy`.
 */
export function createStorage(part: {
    name: string;
    settings: Pick<Settings, "clusterName" | "logRetentionDays" | "protectData">;
    /** The component's KMS key, for the Cortex log group. */
    keyArn: pulumi.Output<string>;
    tags: Record<string, string>;
    within: Within;
}): Storage {
    const { name, settings, keyArn, tags, within } = part;
    const { retainOnDelete, forceDestroy } = dataLifecycle(settings.protectData);
    // The settings are retained with the bucket: a kept bucket must not lose its encryption,
    // public access block or TLS-only policy when the stack is destroyed.
    const opts = { ...within, retainOnDelete };

    const bucket = new aws.s3.Bucket(
        `${name}-bucket`,
        { bucketPrefix: cortexBucketPrefix(settings.clusterName), forceDestroy, tags },
        opts,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-bucket-encryption`,
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        opts,
    );
    // Deleting an object leaves a recoverable version; the runtime may not delete versions.
    new aws.s3.BucketVersioning(`${name}-bucket-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
    new aws.s3.BucketOwnershipControls(
        `${name}-bucket-ownership`,
        { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        opts,
    );
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        `${name}-bucket-public-access`,
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    new aws.s3.BucketPolicy(
        `${name}-bucket-policy`,
        { bucket: bucket.id, policy: policyJson(bucket.arn.apply(tlsOnlyBucketPolicy)) },
        // S3 rejects a bucket policy written while the public access block is being changed.
        { ...opts, dependsOn: [publicAccessBlock] },
    );

    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-cortex-logs`,
        { name: LOG_GROUP_NAMES.cortex(settings.clusterName), retentionInDays: settings.logRetentionDays, kmsKeyId: keyArn, tags },
        { ...within, retainOnDelete },
    );

    return { bucketName: bucket.bucket, bucketArn: bucket.arn, logGroupName: logGroup.name, logGroupArn: logGroup.arn };
}
