import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, policyJson } from "./policyDocument";
import { Settings } from "./settings";
import { Within } from "./parts";

/** The names of the log groups the component creates, so its key's policy can name exactly these. */
export const LOG_GROUP_NAMES = {
    /** EKS writes control-plane logs here; the component creates it first, with a retention. */
    controlPlane: (clusterName: string) => `/aws/eks/${clusterName}/cluster`,
    flowLogs: (clusterName: string) => `/aws/vpc/${clusterName}/flow-logs`,
    /** Cortex expects its log group to be named after the cluster. */
    cortex: (clusterName: string) => clusterName,
    apiGatewayAccess: (clusterName: string) => `/aws/apigateway/${clusterName}`,
};

/** Every log group the settings make. */
export function logGroupNames(settings: Pick<Settings, "clusterName" | "flowLogs" | "apiGateway">): string[] {
    const { clusterName } = settings;
    return [
        LOG_GROUP_NAMES.controlPlane(clusterName),
        ...(settings.flowLogs ? [LOG_GROUP_NAMES.flowLogs(clusterName)] : []),
        LOG_GROUP_NAMES.cortex(clusterName),
        ...(settings.apiGateway ? [LOG_GROUP_NAMES.apiGatewayAccess(clusterName)] : []),
    ];
}

/**
 * The component key's policy, stated rather than left to AWS's default: the account administers
 * the key (IAM policies decide who uses it, as with the default policy), and CloudWatch Logs of
 * this region may use it only for the component's own log groups.
 */
export function componentKeyPolicy(context: { partition: string; region: string; accountId: string; logGroups: string[] }): PolicyDocument {
    const { partition, region, accountId, logGroups } = context;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "TheAccountAdministersTheKey",
                Effect: "Allow",
                Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchLogsEncryptsTheComponentsLogGroupsOnly",
                Effect: "Allow",
                Principal: { Service: `logs.${region}.amazonaws.com` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: {
                    ArnLike: {
                        "kms:EncryptionContext:aws:logs:arn": logGroups.map(
                            (logGroup) => `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroup}`,
                        ),
                    },
                },
            },
        ],
    };
}

/**
 * The component's KMS key, with rotation: it encrypts every log group the component creates, and
 * Kubernetes secrets unless `secretsEncryptionKeyArn` names another key. Retained with the data it
 * encrypts when `protectData`: a kept log group is unreadable without it.
 */
export function createComponentKey(part: {
    name: string;
    settings: Pick<Settings, "clusterName" | "flowLogs" | "apiGateway" | "protectData">;
    tags: Record<string, string>;
    within: Within;
}): aws.kms.Key {
    const { name, settings, tags, within } = part;
    const { parent } = within;
    const policy = pulumi
        .all([
            aws.getPartitionOutput({}, { parent }).partition,
            aws.getRegionOutput({}, { parent }).region,
            aws.getCallerIdentityOutput({}, { parent }).accountId,
        ])
        .apply(([partition, region, accountId]) =>
            componentKeyPolicy({ partition, region, accountId, logGroups: logGroupNames(settings) }),
        );
    return new aws.kms.Key(
        `${name}-key`,
        {
            description: `Log groups and Kubernetes secrets of the Cortex cluster ${settings.clusterName}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: policyJson(policy),
            tags,
        },
        { ...within, retainOnDelete: settings.protectData },
    );
}
