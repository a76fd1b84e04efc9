// VPC flow logs: every packet's metadata into an encrypted log group, written by a role only the
// flow-logs service may assume, for this account only.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_GROUP_NAMES } from "./encryption";
import { NetworkSettings } from "./network";
import { Within } from "./parts";
import { PolicyDocument, policyJson } from "./policyDocument";

/** The flow-logs role's trust: only the flow-logs service, only on behalf of this account (no confused deputy). */
export function flowLogsTrustPolicy(accountId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
        ],
    };
}

/** What the flow-logs role may do: write to its one log group. */
export function flowLogsWritePolicy(logGroupArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [logGroupArn, `${logGroupArn}:*`],
            },
        ],
    };
}

export function createFlowLogs(
    name: string,
    settings: NetworkSettings,
    vpcId: pulumi.Output<string>,
    keyArn: pulumi.Output<string>,
    tags: Record<string, string>,
    within: Within,
): pulumi.Output<string> {
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-flow-logs`,
        {
            name: LOG_GROUP_NAMES.flowLogs(settings.clusterName),
            retentionInDays: settings.logRetentionDays,
            kmsKeyId: keyArn,
            tags,
        },
        { ...within, retainOnDelete: settings.protectData },
    );
    const account = aws.getCallerIdentityOutput({}, { parent: within.parent }).accountId;
    const role = new aws.iam.Role(
        `${name}-flow-logs`,
        {
            description: `Lets VPC flow logs of ${settings.clusterName} write to their log group`,
            assumeRolePolicy: policyJson(account.apply(flowLogsTrustPolicy)),
            tags,
        },
        within,
    );
    new aws.iam.RolePolicy(`${name}-flow-logs`, { role: role.id, policy: policyJson(logGroup.arn.apply(flowLogsWritePolicy)) }, within);
    const flowLog = new aws.ec2.FlowLog(
        `${name}-flow-logs`,
        {
            vpcId,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: logGroup.arn,
            iamRoleArn: role.arn,
            tags,
        },
        within,
    );
    return flowLog.id;
}
