// The generated policy documents, sent to a real IAM/S3 implementation: moto_server on loopback,
// through the AWS SDK for JavaScript v3, with dummy credentials. No AWS account is involved.
import { strict as assert } from "node:assert";
import {
    AddUserToGroupCommand,
    AttachGroupPolicyCommand,
    AttachRolePolicyCommand,
    CreateAccessKeyCommand,
    CreateGroupCommand,
    CreateOpenIDConnectProviderCommand,
    CreatePolicyCommand,
    CreateRoleCommand,
    CreateUserCommand,
    GetPolicyVersionCommand,
    GetRoleCommand,
    IAMClient,
    ListAttachedRolePoliciesCommand,
    ListUsersCommand,
} from "@aws-sdk/client-iam";
import {
    CreateBucketCommand,
    DeleteObjectCommand,
    GetBucketPolicyCommand,
    GetObjectCommand,
    ListObjectsV2Command,
    PutBucketPolicyCommand,
    PutObjectCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { runtimePolicy, serviceAccountTrustPolicy } from "../components/runtimePolicy";
import { PolicyDocument } from "../components/policyDocument";
import { tlsOnlyBucketPolicy } from "../components/storage";
import { findMotoServer, MotoServer } from "./motoServer";

const REGION = "us-east-1";
/** moto's default account. */
const ACCOUNT = "123456789012";
const OIDC_ISSUER = `oidc.eks.${REGION}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;

type Credentials = { accessKeyId: string; secretAccessKey: string };
const ADMIN: Credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

function clients(endpoint: string, credentials: Credentials) {
    // One attempt and short timeouts: a stuck emulator fails the test instead of hanging the suite.
    const common = {
        endpoint,
        region: REGION,
        credentials,
        maxAttempts: 1,
        requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 },
    };
    return {
        iam: new IAMClient(common),
        sts: new STSClient(common),
        s3: new S3Client({
            ...common,
            forcePathStyle: true,
            requestChecksumCalculation: "WHEN_REQUIRED",
            responseChecksumValidation: "WHEN_REQUIRED",
        }),
    };
}

const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

/** The runtime policy for buckets and a log group as they exist in moto. */
function policyFor(cortexBucket: string, modelBuckets: string[]): PolicyDocument {
    return runtimePolicy({
        bucketArn: bucketArn(cortexBucket),
        logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:cortex`,
        modelBucketArns: modelBuckets.map(bucketArn),
        region: REGION,
        accountId: ACCOUNT,
        partition: "aws",
    });
}

/** Whether a request was refused for lack of permission (and not for any other reason). */
async function deniedAccess(request: Promise<unknown>): Promise<boolean> {
    try {
        await request;
        return false;
    } catch (error) {
        const name = (error as { name?: string; Code?: string }).name ?? "";
        if (/AccessDenied/.test(name)) return true;
        throw error;
    }
}

describe("policy documents in moto_server, a real IAM and S3 implementation", function () {
    this.timeout(30_000);
    let moto: MotoServer | undefined;
    let admin: ReturnType<typeof clients>;

    before(async function () {
        const executable = findMotoServer();
        if (executable === undefined) {
            console.warn("    moto_server is not on PATH: the policy acceptance tests against a real IAM implementation are SKIPPED.");
            this.skip();
        }
        moto = await MotoServer.start(executable);
        admin = clients(moto.endpoint, ADMIN);
    });

    after(async () => {
        await moto?.stop();
    });

    it("IAM accepts the runtime policy and keeps it as written", async () => {
        const document = policyFor("cortex-accepts", ["exported-models"]);
        const created = await admin.iam.send(
            new CreatePolicyCommand({ PolicyName: "cortex-runtime-accepts", PolicyDocument: JSON.stringify(document) }),
        );
        const stored = await admin.iam.send(
            new GetPolicyVersionCommand({ PolicyArn: created.Policy!.Arn, VersionId: created.Policy!.DefaultVersionId }),
        );
        assert.deepEqual(JSON.parse(decodeURIComponent(stored.PolicyVersion!.Document!)), document);
    });

    it("IAM rejects a malformed document (the acceptance above is a real check)", async () => {
        const broken = policyFor("cortex-rejects", []);
        broken.Statement[0] = { ...broken.Statement[0], Action: "GetCallerIdentity" };
        await assert.rejects(
            admin.iam.send(new CreatePolicyCommand({ PolicyName: "cortex-runtime-broken", PolicyDocument: JSON.stringify(broken) })),
            (error: Error) => error.name === "MalformedPolicyDocument" || error.name === "MalformedPolicyDocumentException",
        );
    });

    it("IAM accepts the service-account trust policy on a role, with the runtime policy attached", async () => {
        const provider = await admin.iam.send(
            new CreateOpenIDConnectProviderCommand({
                Url: `https://${OIDC_ISSUER}`,
                ClientIDList: ["sts.amazonaws.com"],
                ThumbprintList: ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
            }),
        );
        const trust = serviceAccountTrustPolicy(
            { arn: provider.OpenIDConnectProviderArn!, issuerHost: OIDC_ISSUER },
            { namespace: "default", serviceAccount: "operator" },
        );
        await admin.iam.send(new CreateRoleCommand({ RoleName: "cortex-runtime", AssumeRolePolicyDocument: JSON.stringify(trust) }));
        const policy = await admin.iam.send(
            new CreatePolicyCommand({ PolicyName: "cortex-runtime-role", PolicyDocument: JSON.stringify(policyFor("cortex-role", [])) }),
        );
        await admin.iam.send(new AttachRolePolicyCommand({ RoleName: "cortex-runtime", PolicyArn: policy.Policy!.Arn }));

        const role = await admin.iam.send(new GetRoleCommand({ RoleName: "cortex-runtime" }));
        assert.deepEqual(JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)), trust);
        const attached = await admin.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "cortex-runtime" }));
        assert.deepEqual(
            attached.AttachedPolicies?.map((p) => p.PolicyArn),
            [policy.Policy!.Arn],
        );
    });

    it("S3 accepts the TLS-only bucket policy on a bucket", async () => {
        await admin.s3.send(new CreateBucketCommand({ Bucket: "cortex-tls-only" }));
        const document = tlsOnlyBucketPolicy(bucketArn("cortex-tls-only"));
        await admin.s3.send(new PutBucketPolicyCommand({ Bucket: "cortex-tls-only", Policy: JSON.stringify(document) }));
        const stored = await admin.s3.send(new GetBucketPolicyCommand({ Bucket: "cortex-tls-only" }));
        assert.deepEqual(JSON.parse(stored.Policy!), document);
    });

    describe("enforced: what the runtime and CLI users can do (moto evaluates identity policies)", () => {
        const cortexBucket = "cortex-enforced";
        const modelBucket = "exported-models-enforced";
        const otherBucket = "someone-elses-bucket";
        let runtime: ReturnType<typeof clients>;
        let cli: ReturnType<typeof clients>;

        before(async () => {
            for (const bucket of [cortexBucket, modelBucket, otherBucket]) {
                await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
            }
            await admin.s3.send(new PutObjectCommand({ Bucket: modelBucket, Key: "resnet/1/saved_model.pb", Body: "model" }));
            await admin.s3.send(new PutObjectCommand({ Bucket: otherBucket, Key: "secret.txt", Body: "not yours" }));

            // As the component builds it: the policy on a group, the user in the group, one key.
            const policy = await admin.iam.send(
                new CreatePolicyCommand({
                    PolicyName: "cortex-runtime-enforced",
                    PolicyDocument: JSON.stringify(policyFor(cortexBucket, [modelBucket])),
                }),
            );
            await admin.iam.send(new CreateGroupCommand({ GroupName: "cortex-runtime" }));
            await admin.iam.send(new AttachGroupPolicyCommand({ GroupName: "cortex-runtime", PolicyArn: policy.Policy!.Arn }));
            await admin.iam.send(new CreateUserCommand({ UserName: "cortex-runtime" }));
            await admin.iam.send(new AddUserToGroupCommand({ GroupName: "cortex-runtime", UserName: "cortex-runtime" }));
            const runtimeKey = await admin.iam.send(new CreateAccessKeyCommand({ UserName: "cortex-runtime" }));
            runtime = clients(moto!.endpoint, {
                accessKeyId: runtimeKey.AccessKey!.AccessKeyId!,
                secretAccessKey: runtimeKey.AccessKey!.SecretAccessKey!,
            });

            // The CLI user: a key and nothing else.
            await admin.iam.send(new CreateUserCommand({ UserName: "cortex-cli" }));
            const cliKey = await admin.iam.send(new CreateAccessKeyCommand({ UserName: "cortex-cli" }));
            cli = clients(moto!.endpoint, {
                accessKeyId: cliKey.AccessKey!.AccessKeyId!,
                secretAccessKey: cliKey.AccessKey!.SecretAccessKey!,
            });

            await moto!.enforceIam(true);
        });

        after(async () => {
            await moto?.enforceIam(false);
        });

        it("the runtime user is who its key says, not the deployer", async () => {
            const identity = await runtime.sts.send(new GetCallerIdentityCommand({}));
            assert.equal(identity.Arn, `arn:aws:iam::${ACCOUNT}:user/cortex-runtime`);
        });

        it("the runtime user writes, lists, reads and deletes objects in the Cortex bucket", async () => {
            await runtime.s3.send(new PutObjectCommand({ Bucket: cortexBucket, Key: "apis/iris/spec.json", Body: "{}" }));
            const listed = await runtime.s3.send(new ListObjectsV2Command({ Bucket: cortexBucket }));
            assert.deepEqual(
                listed.Contents?.map((object) => object.Key),
                ["apis/iris/spec.json"],
            );
            const object = await runtime.s3.send(new GetObjectCommand({ Bucket: cortexBucket, Key: "apis/iris/spec.json" }));
            assert.equal(await object.Body!.transformToString(), "{}");
            await runtime.s3.send(new DeleteObjectCommand({ Bucket: cortexBucket, Key: "apis/iris/spec.json" }));
        });

        it("the runtime user reads the model bucket but cannot write or delete there", async () => {
            const model = await runtime.s3.send(new GetObjectCommand({ Bucket: modelBucket, Key: "resnet/1/saved_model.pb" }));
            assert.equal(await model.Body!.transformToString(), "model");
            const listed = await runtime.s3.send(new ListObjectsV2Command({ Bucket: modelBucket }));
            assert.equal(listed.KeyCount, 1);
            assert.ok(
                await deniedAccess(
                    runtime.s3.send(new PutObjectCommand({ Bucket: modelBucket, Key: "resnet/2/saved_model.pb", Body: "x" })),
                ),
            );
            assert.ok(
                await deniedAccess(runtime.s3.send(new DeleteObjectCommand({ Bucket: modelBucket, Key: "resnet/1/saved_model.pb" }))),
            );
        });

        it("the runtime user cannot touch any other bucket, create one, or change the Cortex bucket's policy", async () => {
            assert.ok(await deniedAccess(runtime.s3.send(new GetObjectCommand({ Bucket: otherBucket, Key: "secret.txt" }))));
            assert.ok(await deniedAccess(runtime.s3.send(new ListObjectsV2Command({ Bucket: otherBucket }))));
            assert.ok(await deniedAccess(runtime.s3.send(new PutObjectCommand({ Bucket: otherBucket, Key: "x", Body: "x" }))));
            assert.ok(await deniedAccess(runtime.s3.send(new CreateBucketCommand({ Bucket: "cortex-new-bucket" }))));
            const openPolicy = {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${bucketArn(cortexBucket)}/*` }],
            };
            assert.ok(
                await deniedAccess(
                    runtime.s3.send(new PutBucketPolicyCommand({ Bucket: cortexBucket, Policy: JSON.stringify(openPolicy) })),
                ),
            );
        });

        it("the runtime user has no IAM power", async () => {
            assert.ok(await deniedAccess(runtime.iam.send(new ListUsersCommand({}))));
            assert.ok(await deniedAccess(runtime.iam.send(new CreateUserCommand({ UserName: "backdoor" }))));
            assert.ok(await deniedAccess(runtime.iam.send(new CreateAccessKeyCommand({ UserName: "cortex-runtime" }))));
        });

        it("the CLI user can prove who it is and do nothing else", async () => {
            const identity = await cli.sts.send(new GetCallerIdentityCommand({}));
            assert.equal(identity.Arn, `arn:aws:iam::${ACCOUNT}:user/cortex-cli`);
            assert.ok(await deniedAccess(cli.s3.send(new ListObjectsV2Command({ Bucket: cortexBucket }))));
            assert.ok(await deniedAccess(cli.s3.send(new GetObjectCommand({ Bucket: modelBucket, Key: "resnet/1/saved_model.pb" }))));
            assert.ok(await deniedAccess(cli.iam.send(new ListUsersCommand({}))));
        });
    });
});
