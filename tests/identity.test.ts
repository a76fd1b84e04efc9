import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_NAME_TAG, CortexSecureClusterArgs, CortexVersion } from "../components";
import { ACTIONS_ONLY_ON_ANY_RESOURCE } from "../components/constants";
import { createIdentity, Identity } from "../components/identity";
import { OidcProvider, runtimePolicy, serviceAccountTrustPolicy } from "../components/runtimePolicy";
import { PolicyDocument } from "../components/policyDocument";
import { createStorage } from "../components/storage";
import { Within } from "../components/parts";
import { resolveSettings } from "../components/settings";
import { build as buildAny, Built, isSecret, plainText, TEST_KEY_ARN, valueOf, withAdmins } from "./harness";

/** The keys modes are those of Cortex's keys releases: these tests build for v0.25 unless they say. */
const build = (args: CortexSecureClusterArgs = {}) => buildAny({ cortexVersion: "0.25", ...args });
import { ACCOUNT_ID, mockCloud, quiescence, RecordedResource } from "../tools/mockCloud";
import { allows, grants } from "./policyEvaluation";

const USER = "aws:iam/user:User";
const GROUP = "aws:iam/group:Group";
const GROUP_MEMBERSHIP = "aws:iam/groupMembership:GroupMembership";
const GROUP_POLICY_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const POLICY = "aws:iam/policy:Policy";
const ACCESS_KEY = "aws:iam/accessKey:AccessKey";
const LOGIN_PROFILE = "aws:iam/userLoginProfile:UserLoginProfile";
/** Every way IAM gives a user permissions or groups. */
const USER_PERMISSION_TYPES = [
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    "aws:iam/userGroupMembership:UserGroupMembership",
    GROUP_MEMBERSHIP,
];

const BUCKET_ARN = "arn:aws:s3:::cortex-bucket-0123";
const LOG_GROUP_ARN = "arn:aws:logs:us-west-2:123456789012:log-group:cortex";
const MODEL_BUCKET_ARN = "arn:aws:s3:::exported-models";
const SCOPE = {
    bucketArn: BUCKET_ARN,
    logGroupArn: LOG_GROUP_ARN,
    modelBucketArns: [MODEL_BUCKET_ARN],
    region: "us-west-2",
    accountId: "123456789012",
    partition: "aws",
};

/** Actions that only read, by IAM's naming. */
const isReadOnly = (action: string) => /^[a-z0-9-]+:(Get|List|Describe|Filter|BatchGet|BatchCheck)/.test(action);

/** The runtime policy of each release, for a cluster named `cortex` (with an API Gateway on v0.18). */
const RELEASE_POLICIES: Record<CortexVersion, PolicyDocument> = {
    "0.18": runtimePolicy({ ...SCOPE, cortexVersion: "0.18", clusterName: "cortex", apiGatewayId: "a1b2c3d4e5" }),
    "0.25": runtimePolicy({ ...SCOPE, cortexVersion: "0.25", clusterName: "cortex" }),
    "0.42": runtimePolicy({ ...SCOPE, cortexVersion: "0.42", clusterName: "cortex" }),
};

describe("runtimePolicy: what the cluster's runtime identity may do", () => {
    const policy = runtimePolicy(SCOPE);

    it("uses the resource * only for actions IAM cannot scope: caller identity, registry login, metrics (and the queue list of v0.25 and v0.42, v0.42's spot prices)", () => {
        const onAnyResource = (document: PolicyDocument) =>
            [
                ...new Set(
                    grants(document)
                        .filter((grant) => grant.resource === "*")
                        .map((grant) => grant.action),
                ),
            ].sort();
        const common = [
            "cloudwatch:GetMetricData",
            "cloudwatch:GetMetricStatistics",
            "cloudwatch:ListMetrics",
            "cloudwatch:PutMetricData",
            "ecr:GetAuthorizationToken",
            "sts:GetCallerIdentity",
        ];
        assert.deepEqual(onAnyResource(policy), common);
        const v042 = [...common, "ec2:DescribeSpotPriceHistory", "sqs:ListQueues"].sort();
        assert.deepEqual(onAnyResource(runtimePolicy({ ...SCOPE, cortexVersion: "0.42" })), v042);
        assert.deepEqual(
            onAnyResource(runtimePolicy({ ...SCOPE, cortexVersion: "0.25", clusterName: "cortex" })),
            [...common, "sqs:ListQueues"].sort(),
        );
        assert.deepEqual([...ACTIONS_ONLY_ON_ANY_RESOURCE].sort(), v042);
    });

    it("names no wildcard action, no IAM action, no NotAction/NotResource, and only allows, in every release", () => {
        for (const document of [policy, ...Object.values(RELEASE_POLICIES)]) {
            for (const statement of document.Statement) {
                assert.equal(statement.Effect, "Allow");
                assert.deepEqual(Object.keys(statement).sort(), ["Action", "Effect", "Resource", "Sid"], statement.Sid);
            }
            for (const { action } of grants(document)) {
                assert.ok(!action.includes("*") && !action.includes("?"), action);
                assert.ok(!/^(iam:|sts:Assume|organizations:|kms:)/i.test(action), action);
            }
            for (const dangerous of [
                "iam:CreateUser",
                "iam:PassRole",
                "iam:CreateAccessKey",
                "sts:AssumeRole",
                "s3:PutBucketPolicy",
                "kms:Decrypt",
            ]) {
                assert.equal(allows(document, dangerous, "*"), false, dangerous);
            }
        }
    });

    it("v0.25: its batch queues, named after the cluster, and no other queue", () => {
        // SQSNamePrefix (pkg/types/clusterconfig/cluster_config_aws.go@v0.25.0): hash.String (pkg/lib/hash/hash.go,
        // SHA-256 in hex) of the cluster name, first 10 characters, then "-"; queues are <prefix><api>-<job id>.fifo
        // (pkg/operator/resources/batchapi/queue.go@v0.25.0).
        const prefix = `${createHash("sha256").update("cortex").digest("hex").slice(0, 10)}-`;
        assert.equal(prefix, "1ee11af4ed-");
        const v025 = RELEASE_POLICIES["0.25"];
        const queue = `arn:aws:sqs:us-west-2:123456789012:${prefix}image-classifier-69b93378fa5c0218.fifo`;
        // The operator: pkg/lib/aws/sqs.go, batchapi/queue.go, enqueue.go, batch_enqueuer.go@v0.25.0 (SendMessageBatch is
        // authorised as SendMessage; CreateQueue with tags also needs TagQueue). The workers: serve/start/batch.py@v0.25.0.
        const operator = [
            "sqs:CreateQueue",
            "sqs:TagQueue",
            "sqs:GetQueueUrl",
            "sqs:GetQueueAttributes",
            "sqs:SendMessage",
            "sqs:DeleteQueue",
        ];
        const workers = [
            "sqs:ReceiveMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:SendMessage",
        ];
        for (const action of [...operator, ...workers]) {
            assert.ok(allows(v025, action, queue), action);
            assert.equal(
                allows(v025, action, `arn:aws:sqs:us-west-2:123456789012:0123456789-other.fifo`),
                false,
                `${action} on another cluster's queue`,
            );
            assert.equal(allows(v025, action, `arn:aws:sqs:eu-west-1:123456789012:${prefix}x.fifo`), false, `${action} in another region`);
        }
        assert.ok(allows(v025, "sqs:ListQueues", "*"));
        for (const absent of ["sqs:AddPermission", "sqs:SetQueueAttributes", "sqs:PurgeQueue"])
            assert.equal(allows(v025, absent, queue), false, absent);
        // v0.18 has no queues; without the cluster's name v0.25's cannot be scoped.
        assert.ok(!grants(RELEASE_POLICIES["0.18"]).some((grant) => grant.action.startsWith("sqs:")));
        assert.throws(() => runtimePolicy({ ...SCOPE, cortexVersion: "0.25" }), /needs the cluster's name/);
    });

    it("writes only to the Cortex bucket and log group (and metrics, which IAM cannot scope)", () => {
        const cortexResources = new Set([BUCKET_ARN, `${BUCKET_ARN}/*`, LOG_GROUP_ARN, `${LOG_GROUP_ARN}:*`]);
        for (const grant of grants(policy).filter((g) => !isReadOnly(g.action))) {
            const metrics = grant.action === "cloudwatch:PutMetricData" && grant.resource === "*";
            assert.ok(cortexResources.has(grant.resource) || metrics, `${grant.action} on ${grant.resource}`);
        }
    });

    it("reads and writes the Cortex bucket's objects, but cannot purge versions or change the bucket", () => {
        for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]) {
            assert.ok(allows(policy, action, `${BUCKET_ARN}/apis/model/spec.json`), action);
        }
        assert.ok(allows(policy, "s3:ListBucket", BUCKET_ARN));
        for (const action of [
            "s3:DeleteObjectVersion",
            "s3:PutBucketPolicy",
            "s3:DeleteBucket",
            "s3:PutBucketVersioning",
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketPublicAccessBlock",
        ]) {
            assert.equal(allows(policy, action, BUCKET_ARN), false, action);
            assert.equal(allows(policy, action, `${BUCKET_ARN}/apis/x`), false, action);
        }
    });

    it("only reads the model buckets: GetObject on their objects, ListBucket on the buckets", () => {
        const modelGrants = grants(policy).filter((g) => g.resource.startsWith(MODEL_BUCKET_ARN));
        assert.deepEqual(modelGrants.map((g) => `${g.action} ${g.resource}`).sort(), [
            `s3:GetObject ${MODEL_BUCKET_ARN}/*`,
            `s3:ListBucket ${MODEL_BUCKET_ARN}`,
        ]);
        assert.ok(allows(policy, "s3:GetObject", `${MODEL_BUCKET_ARN}/resnet/1/saved_model.pb`));
        for (const action of ["s3:PutObject", "s3:DeleteObject"]) {
            assert.equal(allows(policy, action, `${MODEL_BUCKET_ARN}/resnet/1/saved_model.pb`), false, action);
        }
    });

    it("touches no other bucket, and no model bucket statement at all without model buckets", () => {
        for (const action of ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]) {
            assert.equal(allows(policy, action, "arn:aws:s3:::someone-elses-bucket/key"), false, action);
            assert.equal(allows(policy, action, "arn:aws:s3:::someone-elses-bucket"), false, action);
            // A bucket whose name merely starts like the Cortex bucket's.
            assert.equal(allows(policy, action, `${BUCKET_ARN}-backup/key`), false, action);
        }
        const withoutModels = runtimePolicy({ ...SCOPE, modelBucketArns: [] });
        assert.deepEqual(
            withoutModels.Statement.map((s) => s.Sid),
            [
                "CallerIdentityAndRegistryLogin",
                "PullImagesOfThisAccount",
                "CortexBucket",
                "CortexBucketObjects",
                "CortexLogGroup",
                "Metrics",
            ],
        );
        const twice = runtimePolicy({ ...SCOPE, modelBucketArns: [MODEL_BUCKET_ARN, MODEL_BUCKET_ARN, "arn:aws:s3:::more-models"] });
        assert.deepEqual(twice.Statement.find((s) => s.Sid === "ListModelBuckets")?.Resource, [
            MODEL_BUCKET_ARN,
            "arn:aws:s3:::more-models",
        ]);
    });

    it("writes logs only to the Cortex log group's streams", () => {
        assert.ok(allows(policy, "logs:PutLogEvents", `${LOG_GROUP_ARN}:log-stream:operator`));
        assert.ok(allows(policy, "logs:CreateLogStream", `${LOG_GROUP_ARN}:log-stream:api-1`));
        for (const other of ["cortex-other", "/aws/eks/cortex/cluster", "/aws/vpc/cortex/flow-logs"]) {
            const arn = `arn:aws:logs:us-west-2:123456789012:log-group:${other}`;
            assert.equal(allows(policy, "logs:PutLogEvents", `${arn}:log-stream:x`), false, other);
        }
        for (const action of ["logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:CreateLogGroup", "logs:DeleteLogStream"]) {
            assert.equal(allows(policy, action, `${LOG_GROUP_ARN}:*`), false, action);
        }
    });

    it("pulls images only from this account's repositories in this region", () => {
        const ownRepository = "arn:aws:ecr:us-west-2:123456789012:repository/my-api";
        assert.ok(allows(policy, "ecr:BatchGetImage", ownRepository));
        assert.ok(allows(policy, "ecr:GetDownloadUrlForLayer", ownRepository));
        assert.equal(allows(policy, "ecr:BatchGetImage", "arn:aws:ecr:us-west-2:999999999999:repository/my-api"), false);
        assert.equal(allows(policy, "ecr:PutImage", ownRepository), false);
        assert.equal(allows(policy, "ecr:DeleteRepository", ownRepository), false);
    });

    it("puts and reads metrics, but has no other CloudWatch power", () => {
        for (const action of ["cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics"]) {
            assert.ok(allows(policy, action, "*"), action);
        }
        for (const action of ["cloudwatch:DeleteAlarms", "cloudwatch:PutDashboard", "cloudwatch:DisableAlarmActions"]) {
            assert.equal(allows(policy, action, "*"), false, action);
        }
    });

    it("uses the partition it is given (GovCloud, China)", () => {
        const gov = runtimePolicy({ ...SCOPE, partition: "aws-us-gov", region: "us-gov-west-1" });
        assert.ok(allows(gov, "ecr:BatchGetImage", "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/x"));
    });
});

const OIDC_ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const OIDC_ARN = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${OIDC_ISSUER}`;

describe("serviceAccountTrustPolicy: who may assume the runtime role", () => {
    const trust = serviceAccountTrustPolicy(
        { arn: OIDC_ARN, issuerHost: OIDC_ISSUER },
        { namespace: "default", serviceAccount: "operator" },
    );

    it("trusts only the cluster's OIDC provider, for the one service account, with the STS audience", () => {
        assert.deepEqual(trust, {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "OperatorServiceAccount",
                    Effect: "Allow",
                    Principal: { Federated: OIDC_ARN },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${OIDC_ISSUER}:sub`]: "system:serviceaccount:default:operator",
                            [`${OIDC_ISSUER}:aud`]: "sts.amazonaws.com",
                        },
                    },
                },
            ],
        } satisfies PolicyDocument);
    });

    it("matches exactly (StringEquals, no wildcards), so no other service account or namespace qualifies", () => {
        const statement = trust.Statement[0];
        assert.deepEqual(Object.keys(statement.Condition ?? {}), ["StringEquals"]);
        assert.ok(!JSON.stringify(trust).includes("*"));
        assert.equal(trust.Statement.length, 1);
    });

    it("takes the namespace and service account given, and an issuer given as an https URL", () => {
        const custom = serviceAccountTrustPolicy(
            { arn: OIDC_ARN, issuerHost: `https://${OIDC_ISSUER}` },
            { namespace: "cortex", serviceAccount: "cortex-operator" },
        );
        assert.deepEqual(custom.Statement[0].Condition, {
            StringEquals: {
                [`${OIDC_ISSUER}:sub`]: "system:serviceaccount:cortex:cortex-operator",
                [`${OIDC_ISSUER}:aud`]: "sts.amazonaws.com",
            },
        });
    });

    it("refuses a provider ARN and issuer that name different providers", () => {
        assert.throws(
            () =>
                serviceAccountTrustPolicy(
                    { arn: OIDC_ARN, issuerHost: "oidc.eks.us-west-2.amazonaws.com/id/OTHER" },
                    { namespace: "default", serviceAccount: "operator" },
                ),
            /names "oidc\.eks\.us-west-2\.amazonaws\.com\/id\/EXAMPLE.*" but the issuer is ".*\/id\/OTHER"/,
        );
        assert.throws(
            () =>
                serviceAccountTrustPolicy(
                    { arn: "arn:aws:iam::123456789012:role/x", issuerHost: OIDC_ISSUER },
                    { namespace: "default", serviceAccount: "operator" },
                ),
            /is not arn:aws:iam::ACCOUNT:oidc-provider\/ISSUER/,
        );
    });
});

/** The runtime policy as the component registered it. */
function registeredRuntimePolicy(resources: RecordedResource[]): PolicyDocument {
    const policies = resources.filter((r) => r.type === POLICY && r.name.endsWith("-runtime"));
    assert.equal(policies.length, 1);
    return JSON.parse(policies[0].inputs.policy as string);
}

/** Resources that refer to the IAM user `userName` in any input. */
function referring(resources: RecordedResource[], userName: string): RecordedResource[] {
    return resources.filter((r) => r.inputs.user === userName || (Array.isArray(r.inputs.users) && r.inputs.users.includes(userName)));
}

describe("runtimeCredentials iamUser (the default)", () => {
    let built: Built;
    before(async () => {
        built = await build({
            clusterName: "ml-prod",
            tags: { team: "ml" },
            modelBucketArns: [MODEL_BUCKET_ARN, pulumi.output("arn:aws:s3:::late-models")],
        });
    });

    it("scopes the registered policy to this cluster's bucket, log group, model buckets, region and account", () => {
        const bucketArn = built.one("aws:s3/bucket:Bucket", "-bucket").state.arn as string;
        const logGroupArn = built.one("aws:cloudwatch/logGroup:LogGroup", "-cortex-logs").state.arn as string;
        assert.deepEqual(
            registeredRuntimePolicy(built.resources),
            runtimePolicy({
                bucketArn,
                logGroupArn,
                modelBucketArns: [MODEL_BUCKET_ARN, "arn:aws:s3:::late-models"],
                region: mockCloud.region,
                accountId: ACCOUNT_ID,
                partition: "aws",
                cortexVersion: "0.25",
                clusterName: "ml-prod",
            }),
        );
        assert.equal(logGroupArn, `arn:aws:logs:us-west-2:${ACCOUNT_ID}:log-group:ml-prod`);
    });

    it("puts the policy on a group of one user, never on the user", () => {
        const user = built.one(USER, "-runtime");
        const group = built.one(GROUP, "-runtime");
        assert.deepEqual(built.one(GROUP_POLICY_ATTACHMENT, "-runtime").inputs, {
            group: group.id,
            policyArn: built.one(POLICY, "-runtime").state.arn,
        });
        const membership = built.one(GROUP_MEMBERSHIP, "-runtime");
        assert.equal(membership.inputs.group, group.id);
        assert.deepEqual(membership.inputs.users, [user.id]);
        const onUser = built.resources.filter(
            (r) => USER_PERMISSION_TYPES.includes(r.type) && r.type !== GROUP_MEMBERSHIP && r.inputs.user === user.id,
        );
        assert.deepEqual(onUser, []);
    });

    it("gives the user one access key and no console login", () => {
        const user = built.one(USER, "-runtime");
        assert.deepEqual(
            built
                .ofType(ACCESS_KEY)
                .filter((k) => k.inputs.user === user.id)
                .map((k) => k.name),
            [built.one(ACCESS_KEY, "-runtime").name],
        );
        assert.deepEqual(built.ofType(LOGIN_PROFILE), []);
    });

    it("outputs the key id and its secret, the secret as a Pulumi secret", async () => {
        const key = built.one(ACCESS_KEY, "-runtime");
        assert.equal(await valueOf(built.cluster.runtimeAccessKeyId!), key.id);
        assert.equal(await valueOf(built.cluster.runtimeSecretAccessKey!), key.state.secret);
        assert.equal(await isSecret(built.cluster.runtimeSecretAccessKey!), true);
        assert.equal(built.cluster.runtimeRoleArn, undefined);
    });

    it("never puts the secret into any resource's inputs (tags, policies, names) but as a Pulumi secret", () => {
        const secret = built.one(ACCESS_KEY, "-runtime").state.secret as string;
        for (const resource of built.resources) {
            assert.ok(!plainText(resource).includes(secret), `${resource.type} ${resource.name}`);
        }
    });

    it("tags the user and the policy", () => {
        for (const resource of [built.one(USER, "-runtime"), built.one(POLICY, "-runtime")]) {
            assert.deepEqual(resource.inputs.tags, { team: "ml", [CLUSTER_NAME_TAG]: "ml-prod" }, resource.name);
        }
    });

    it("makes no CLI user unless asked", () => {
        assert.equal(built.resources.filter((r) => r.name.endsWith("-cli")).length, 0);
        assert.equal(built.cluster.cliAccessKeyId, undefined);
        assert.equal(built.cluster.cliSecretAccessKey, undefined);
    });
});

describe("runtimeCredentials provided", () => {
    const accessKeyId = "AKIAIOSFODNN7EXAMPLE";
    const secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    it("creates no user, key or role, and passes both keys through as Pulumi secrets", async () => {
        const built = await build({ runtimeCredentials: { mode: "provided", accessKeyId, secretAccessKey } });
        assert.deepEqual(
            [...built.ofType(USER), ...built.ofType(ACCESS_KEY), ...built.ofType(ROLE).filter((r) => r.name.endsWith("-runtime"))],
            [],
        );
        assert.equal(await valueOf(built.cluster.runtimeAccessKeyId!), accessKeyId);
        assert.equal(await valueOf(built.cluster.runtimeSecretAccessKey!), secretAccessKey);
        assert.equal(await isSecret(built.cluster.runtimeAccessKeyId!), true);
        assert.equal(await isSecret(built.cluster.runtimeSecretAccessKey!), true);
        assert.equal(built.cluster.runtimeRoleArn, undefined);
    });

    it("still creates the runtime policy, attached to nothing, for the keys' owner to attach", async () => {
        const built = await build({ runtimeCredentials: { mode: "provided", accessKeyId, secretAccessKey } });
        const policy = built.one(POLICY, "-runtime");
        assert.equal(await valueOf(built.cluster.runtimePolicyArn), policy.state.arn);
        const attachments = built.resources.filter((r) => /Attachment/.test(r.type) && r.inputs.policyArn === policy.state.arn);
        assert.deepEqual(attachments, []);
    });

    it("checks keys that arrive as Outputs when they resolve, naming the argument and never printing the secret", async () => {
        const settings = resolveSettings(
            withAdmins({
                cortexVersion: "0.25",
                runtimeCredentials: {
                    mode: "provided",
                    accessKeyId: pulumi.output(accessKeyId),
                    secretAccessKey: pulumi.secret("not-a-secret-key-but-a-password"),
                },
            }),
        );
        const { identity } = await buildParts("provided-bad", settings);
        await assert.rejects(settled(identity.runtimeSecretAccessKey!), (error: Error) => {
            assert.match(
                error.message,
                /runtimeCredentials\.secretAccessKey: got \(a secret, not shown\); allowed: an AWS secret access key/,
            );
            assert.ok(!error.message.includes("not-a-secret-key-but-a-password"));
            return true;
        });
        assert.equal(await valueOf(identity.runtimeAccessKeyId!), accessKeyId);
    });
});

/** A stand-in parent for calling the parts directly, as the component does. */
class TestParent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Parent", name, {}, {});
    }
}

/** Builds storage and identity under a test parent; returns the identity and what was registered. */
async function buildParts(
    name: string,
    settings: ReturnType<typeof resolveSettings>,
    oidcProvider?: OidcProvider,
): Promise<{ identity: Identity; resources: RecordedResource[] }> {
    const parent = new TestParent(name);
    const within = new Within(parent, parent);
    const storage = createStorage({ name, settings, keyArn: pulumi.output(TEST_KEY_ARN), tags: {}, within });
    const identity = createIdentity({
        name,
        settings,
        dependencies: { storage, oidcProvider },
        tags: { [CLUSTER_NAME_TAG]: settings.clusterName },
        within,
    });
    await quiescence();
    return { identity, resources: mockCloud.resources.filter((r) => r.name.startsWith(`${name}-`)) };
}

/** An Output's value, or its error (the SDK's own promise, which rejects where `apply` would not). */
function settled<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as unknown as { promise(): Promise<T> }).promise();
}

describe("runtimeCredentials serviceAccountRole", () => {
    const cluster: OidcProvider = { arn: pulumi.output(OIDC_ARN), issuerHost: pulumi.output(OIDC_ISSUER) };

    it("makes a role only the cluster's OIDC provider can hand to default/operator, with the runtime policy", async () => {
        const settings = resolveSettings(withAdmins({ cortexVersion: "0.25", runtimeCredentials: { mode: "serviceAccountRole" } }));
        const { identity, resources } = await buildParts("sa-default", settings, cluster);
        const role = resources.find((r) => r.type === ROLE && r.name === "sa-default-runtime")!;
        assert.deepEqual(
            JSON.parse(role.inputs.assumeRolePolicy as string),
            serviceAccountTrustPolicy({ arn: OIDC_ARN, issuerHost: OIDC_ISSUER }, { namespace: "default", serviceAccount: "operator" }),
        );
        const policy = resources.find((r) => r.type === POLICY)!;
        assert.deepEqual(
            resources.filter((r) => r.type === ROLE_POLICY_ATTACHMENT).map((r) => r.inputs),
            [{ role: role.id, policyArn: policy.state.arn }],
        );
        assert.equal(await valueOf(identity.runtimeRoleArn!), role.state.arn);
        assert.deepEqual(role.inputs.tags, { [CLUSTER_NAME_TAG]: "cortex" });
    });

    it("creates no user and no long-lived keys", async () => {
        const settings = resolveSettings(withAdmins({ cortexVersion: "0.25", runtimeCredentials: { mode: "serviceAccountRole" } }));
        const { identity, resources } = await buildParts("sa-nokeys", settings, cluster);
        assert.deepEqual(
            resources.filter((r) => [USER, ACCESS_KEY, GROUP].includes(r.type)),
            [],
        );
        assert.equal(identity.runtimeAccessKeyId, undefined);
        assert.equal(identity.runtimeSecretAccessKey, undefined);
    });

    it("trusts the namespace and service account given", async () => {
        const settings = resolveSettings(
            withAdmins({
                cortexVersion: "0.25",
                runtimeCredentials: { mode: "serviceAccountRole", namespace: "cortex", serviceAccount: "cortex-operator" },
            }),
        );
        const { resources } = await buildParts("sa-custom", settings, cluster);
        const trust = JSON.parse(resources.find((r) => r.type === ROLE)!.inputs.assumeRolePolicy as string) as PolicyDocument;
        assert.equal(trust.Statement[0].Condition?.StringEquals[`${OIDC_ISSUER}:sub`], "system:serviceaccount:cortex:cortex-operator");
    });

    it("refuses to build without the cluster's OIDC provider, naming the argument", () => {
        const settings = resolveSettings(withAdmins({ cortexVersion: "0.25", runtimeCredentials: { mode: "serviceAccountRole" } }));
        const parent = new TestParent("sa-missing");
        const within = new Within(parent, parent);
        const storage = createStorage({ name: "sa-missing", settings, keyArn: pulumi.output(TEST_KEY_ARN), tags: {}, within });
        assert.throws(
            () => createIdentity({ name: "sa-missing", settings, dependencies: { storage, oidcProvider: undefined }, tags: {}, within }),
            /runtimeCredentials\.mode: got "serviceAccountRole"; allowed: "serviceAccountRole" only with the cluster's OIDC provider/,
        );
    });
});

describe("cliUser", () => {
    let built: Built;
    before(async () => {
        built = await build({ cliUser: true } satisfies CortexSecureClusterArgs);
    });

    it("is a user with one access key and no permissions at all: no policy, attachment or group", () => {
        const cli = built.one(USER, "-cli");
        assert.deepEqual(
            referring(built.resources, cli.id).map((r) => r.type),
            [ACCESS_KEY],
        );
        for (const type of USER_PERMISSION_TYPES) {
            assert.deepEqual(referring(built.ofType(type), cli.id), [], type);
        }
        assert.deepEqual(built.ofType(LOGIN_PROFILE), []);
    });

    it("is a different identity from the runtime user", () => {
        assert.notEqual(built.one(USER, "-cli").id, built.one(USER, "-runtime").id);
        assert.deepEqual(built.one(GROUP_MEMBERSHIP, "-runtime").inputs.users, [built.one(USER, "-runtime").id]);
    });

    it("hands its key to the component for the CLI environment, the secret as a Pulumi secret", async () => {
        const key = built.one(ACCESS_KEY, "-cli");
        assert.equal(await valueOf(built.cluster.cliAccessKeyId!), key.id);
        assert.equal(await valueOf(built.cluster.cliSecretAccessKey!), key.state.secret);
        assert.equal(await isSecret(built.cluster.cliSecretAccessKey!), true);
    });
});

describe("runtimeCredentials serviceAccountRole, through the component", () => {
    it("trusts the OIDC provider of the cluster the component built, for default/operator only", async () => {
        const b = await build({ runtimeCredentials: { mode: "serviceAccountRole" } });
        const eksCluster = b.one("eks:index:Cluster").state;
        const role = b.one(ROLE, "-runtime");
        assert.deepEqual(
            JSON.parse(role.inputs.assumeRolePolicy as string),
            serviceAccountTrustPolicy(
                { arn: eksCluster.oidcProviderArn as string, issuerHost: eksCluster.oidcProviderUrl as string },
                { namespace: "default", serviceAccount: "operator" },
            ),
        );
        assert.equal(await valueOf(b.cluster.oidcProviderArn), eksCluster.oidcProviderArn);
        assert.equal(await valueOf(b.cluster.runtimeRoleArn!), role.state.arn);
        assert.equal(b.cluster.runtimeAccessKeyId, undefined);
        assert.deepEqual(b.ofType(ACCESS_KEY), []);
    });
});
