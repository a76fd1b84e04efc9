// The Cortex bucket (public access block, encryption, versioning, TLS-only policy) and the log
// groups (retention, KMS key).
import { DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
    GetBucketEncryptionCommand,
    GetBucketPolicyCommand,
    GetBucketVersioningCommand,
    GetPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import { Audit } from "./context";

const SECTION = "Data and logs";

interface Statement {
    Effect?: string;
    Action?: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

const asList = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Whether a bucket policy refuses every request made without TLS, on the bucket and its objects. */
export function deniesInsecureTransport(policy: string | undefined, bucket: string): boolean {
    if (policy === undefined) return false;
    let statements: Statement[];
    try {
        const parsed = JSON.parse(policy) as { Statement?: Statement | Statement[] };
        statements = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
    } catch {
        return false;
    }
    const arn = `arn:aws:s3:::${bucket}`;
    return statements.some((statement) => {
        const condition = statement.Condition?.Bool?.["aws:SecureTransport"];
        const resources = asList(statement.Resource);
        return (
            statement.Effect === "Deny" &&
            asList(statement.Action).some((action) => action === "s3:*" || action === "*") &&
            asList(condition).includes("false") &&
            (resources.includes("*") || (resources.includes(arn) && resources.some((resource) => resource === `${arn}/*`)))
        );
    });
}

async function auditBucket(audit: Audit): Promise<void> {
    const { s3 } = audit.aws;
    const bucket = audit.inputs.bucketName;
    const resource = `S3 bucket ${bucket}`;
    await audit.area(SECTION, resource, "Cortex bucket: public access block", async () => {
        const block = await audit.read(
            "s3:GetBucketPublicAccessBlock",
            () => s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })),
            ["NoSuchPublicAccessBlockConfiguration"],
        );
        const config = block?.PublicAccessBlockConfiguration ?? {};
        const off = (["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"] as const).filter(
            (key) => config[key] !== true,
        );
        audit.compare(
            SECTION,
            resource,
            "all public access blocked",
            "all four settings on",
            block === undefined ? "no public access block at all" : off.length === 0 ? "all four settings on" : `off: ${off.join(", ")}`,
            `aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
        );
    });
    await audit.area(SECTION, resource, "Cortex bucket: encryption", async () => {
        const encryption = await audit.read(
            "s3:GetEncryptionConfiguration",
            () => s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })),
            ["ServerSideEncryptionConfigurationNotFoundError"],
        );
        const algorithm = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
        audit.compare(
            SECTION,
            resource,
            "default encryption",
            "on",
            algorithm ? "on" : "off",
            `aws s3api put-bucket-encryption --bucket ${bucket} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'`,
        );
    });
    await audit.area(SECTION, resource, "Cortex bucket: versioning", async () => {
        const versioning = await audit.read("s3:GetBucketVersioning", () => s3.send(new GetBucketVersioningCommand({ Bucket: bucket })));
        audit.compare(
            SECTION,
            resource,
            "versioning",
            "Enabled",
            versioning?.Status ?? "never enabled",
            `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
        );
    });
    await audit.area(SECTION, resource, "Cortex bucket: TLS-only policy", async () => {
        const policy = await audit.read("s3:GetBucketPolicy", () => s3.send(new GetBucketPolicyCommand({ Bucket: bucket })), [
            "NoSuchBucketPolicy",
        ]);
        audit.compare(
            SECTION,
            resource,
            "bucket policy refuses requests without TLS",
            "a Deny of s3:* when aws:SecureTransport is false",
            policy === undefined
                ? "no bucket policy"
                : deniesInsecureTransport(policy.Policy, bucket)
                  ? "a Deny of s3:* when aws:SecureTransport is false"
                  : "a policy without that Deny",
            "run `pulumi up --refresh` on the stack to put back its TLS-only bucket policy",
        );
    });
}

async function auditLogGroups(audit: Audit): Promise<void> {
    for (const declared of audit.inputs.logGroups) {
        const resource = `log group ${declared.name}`;
        await audit.area(SECTION, resource, `log group ${declared.name}: retention and KMS key`, async () => {
            const described = await audit.read("logs:DescribeLogGroups", () =>
                audit.aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: declared.name })),
            );
            // A prefix matches others too (and at most 50 a page): the exact name is on the first page, sorted by name.
            const group = described?.logGroups?.find((candidate) => candidate.logGroupName === declared.name);
            if (group === undefined) {
                audit.drift(SECTION, resource, "the log group exists", {
                    declared: `retention ${declared.retentionInDays} days`,
                    actual: "it is gone",
                    fix: "run `pulumi up --refresh` on the stack",
                });
                return;
            }
            audit.compare(
                SECTION,
                resource,
                "retention",
                `${declared.retentionInDays} days`,
                group.retentionInDays === undefined ? "never expire" : `${group.retentionInDays} days`,
                `aws logs put-retention-policy --log-group-name ${declared.name} --retention-in-days ${declared.retentionInDays}`,
            );
            audit.compare(
                SECTION,
                resource,
                "KMS key",
                declared.kmsKeyArn ?? "none (CloudWatch's own encryption)",
                group.kmsKeyId ?? "none (CloudWatch's own encryption)",
                declared.kmsKeyArn
                    ? `aws logs associate-kms-key --log-group-name ${declared.name} --kms-key-id ${declared.kmsKeyArn}`
                    : `aws logs disassociate-kms-key --log-group-name ${declared.name}`,
            );
        });
    }
}

export async function auditStorage(audit: Audit): Promise<void> {
    await Promise.all([auditBucket(audit), auditLogGroups(audit)]);
}
