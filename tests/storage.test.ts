import { strict as assert } from "node:assert";
import { CLUSTER_NAME_TAG } from "../components";
import { cortexBucketPrefix, tlsOnlyBucketPolicy } from "../components/storage";
import { build, Built, valueOf } from "./harness";
import { RecordedResource } from "../tools/mockCloud";

const BUCKET = "aws:s3/bucket:Bucket";
const ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

/** The bucket and every resource that configures it, and the Cortex log group. */
function dataResources(built: Built): RecordedResource[] {
    return [
        built.one(BUCKET, "-bucket"),
        built.one(ENCRYPTION, "-bucket-encryption"),
        built.one(VERSIONING, "-bucket-versioning"),
        built.one(PUBLIC_ACCESS, "-bucket-public-access"),
        built.one(OWNERSHIP, "-bucket-ownership"),
        built.one(BUCKET_POLICY, "-bucket-policy"),
        built.one(LOG_GROUP, "-cortex-logs"),
    ];
}

describe("storage: the Cortex bucket and log group", () => {
    let built: Built;
    before(async () => {
        built = await build({ clusterName: "ml-prod", tags: { team: "ml" } });
    });

    it("names the bucket after the cluster and outputs its name", async () => {
        const bucket = built.one(BUCKET, "-bucket");
        assert.equal(bucket.inputs.bucketPrefix, "ml-prod-");
        assert.equal(await valueOf(built.cluster.bucketName), bucket.state.bucket);
        assert.match(await valueOf(built.cluster.bucketName), /^ml-prod-\d{26}$/);
    });

    it("encrypts every object at rest by default (SSE-S3)", () => {
        const encryption = built.one(ENCRYPTION, "-bucket-encryption");
        assert.equal(encryption.inputs.bucket, built.one(BUCKET, "-bucket").id);
        assert.deepEqual(encryption.inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    });

    it("keeps every version of every object", () => {
        const versioning = built.one(VERSIONING, "-bucket-versioning");
        assert.equal(versioning.inputs.bucket, built.one(BUCKET, "-bucket").id);
        assert.deepEqual(versioning.inputs.versioningConfiguration, { status: "Enabled" });
    });

    it("blocks all public access and disables ACLs", () => {
        const block = built.one(PUBLIC_ACCESS, "-bucket-public-access");
        assert.equal(block.inputs.bucket, built.one(BUCKET, "-bucket").id);
        for (const setting of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
            assert.equal(block.inputs[setting], true, setting);
        }
        assert.deepEqual(built.one(OWNERSHIP, "-bucket-ownership").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
    });

    it("attaches a policy that denies every request without TLS, on the bucket and its objects", () => {
        const bucket = built.one(BUCKET, "-bucket");
        const policyResource = built.one(BUCKET_POLICY, "-bucket-policy");
        assert.equal(policyResource.inputs.bucket, bucket.id);
        const policy = JSON.parse(policyResource.inputs.policy as string);
        assert.deepEqual(policy, tlsOnlyBucketPolicy(bucket.state.arn as string));
        assert.deepEqual(policy.Statement, [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${bucket.id}`, `arn:aws:s3:::${bucket.id}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ]);
    });

    it("creates the log group Cortex expects (named after the cluster) with logRetentionDays", async () => {
        const logGroup = built.one(LOG_GROUP, "-cortex-logs");
        assert.equal(logGroup.inputs.name, "ml-prod");
        assert.equal(logGroup.inputs.retentionInDays, 365);
        assert.equal(await valueOf(built.cluster.logGroupName), "ml-prod");
        const shorter = await build({ clusterName: "ml-dev", logRetentionDays: 30 });
        assert.equal(shorter.one(LOG_GROUP, "-cortex-logs").inputs.retentionInDays, 30);
    });

    it("tags the bucket and log group with the cluster name and the user's tags", () => {
        for (const resource of [built.one(BUCKET, "-bucket"), built.one(LOG_GROUP, "-cortex-logs")]) {
            assert.deepEqual(resource.inputs.tags, { team: "ml", [CLUSTER_NAME_TAG]: "ml-prod" }, resource.name);
        }
    });

    it("puts everything in the Storage part", () => {
        for (const resource of dataResources(built)) assert.equal(built.partOf(resource), "Storage", resource.name);
    });
});

describe("protectData", () => {
    it("by default keeps the bucket, its protective settings and the log group on destroy", async () => {
        const built = await build({});
        for (const resource of dataResources(built)) {
            assert.equal(resource.options.retainOnDelete, true, `${resource.type} ${resource.name} is retained`);
        }
        assert.equal(built.one(BUCKET, "-bucket").inputs.forceDestroy, false);
    });

    it("false lets destroy delete them, the bucket with all its object versions", async () => {
        const built = await build({ protectData: false });
        for (const resource of dataResources(built)) {
            assert.equal(resource.options.retainOnDelete, false, `${resource.type} ${resource.name} is deleted`);
        }
        assert.equal(built.one(BUCKET, "-bucket").inputs.forceDestroy, true);
    });

    it("leaves the identities deletable either way (they must not outlive the cluster)", async () => {
        const built = await build({ cliUser: true });
        const identities = built.resources.filter((r) => r.type.startsWith("aws:iam/"));
        assert.ok(identities.length > 0);
        for (const resource of identities) {
            assert.equal(resource.options.retainOnDelete, false, `${resource.type} ${resource.name}`);
        }
    });
});

describe("cortexBucketPrefix", () => {
    it("fits S3's 37-character prefix limit and never ends in two dashes", () => {
        const longName = "a".repeat(30) + "-bbbbbbbbbbbbbbbbbbbbbbb";
        const prefix = cortexBucketPrefix(longName);
        assert.ok(prefix.length <= 37, prefix);
        assert.equal(prefix, `${"a".repeat(30)}-bbbbb-`);
        assert.equal(cortexBucketPrefix(`${"a".repeat(35)}-x`), `${"a".repeat(35)}-`);
    });
});
