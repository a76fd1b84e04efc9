// The IAM policy the audit needs: read-only calls only, one statement per service. The audit makes
// no call outside it (its tests run it under exactly this policy).
import type { PolicyDocument } from "../../components/policyDocument";

/** Every IAM action the audit uses, by service. `sts:GetCallerIdentity` needs no permission. */
export const AUDITOR_ACTIONS = {
    ec2: [
        "ec2:DescribeFlowLogs",
        "ec2:DescribeInstances",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroupRules",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeVolumes",
        "ec2:DescribeVpcPeeringConnections",
    ],
    elasticloadbalancing: [
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTargetGroups",
    ],
    eks: [
        "eks:DescribeAccessEntry",
        "eks:DescribeCluster",
        "eks:DescribeNodegroup",
        "eks:ListAccessEntries",
        "eks:ListAssociatedAccessPolicies",
        "eks:ListNodegroups",
    ],
    iam: [
        "iam:GetAccessKeyLastUsed",
        "iam:GetLoginProfile",
        "iam:ListAccessKeys",
        "iam:ListAttachedGroupPolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListAttachedUserPolicies",
        "iam:ListGroupPolicies",
        "iam:ListGroupsForUser",
        "iam:ListRolePolicies",
        "iam:ListUserPolicies",
    ],
    s3: ["s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock", "s3:GetBucketVersioning", "s3:GetEncryptionConfiguration"],
    logs: ["logs:DescribeLogGroups"],
} as const;

/**
 * The auditor's policy. Describe and List calls take no resource-level scoping in most of these
 * services, so each statement is on `*`; none of them can change anything.
 */
export const AUDITOR_POLICY: PolicyDocument = {
    Version: "2012-10-17",
    Statement: Object.entries(AUDITOR_ACTIONS).map(([service, actions]) => ({
        Sid: `ReadOnly${service.charAt(0).toUpperCase()}${service.slice(1).replace(/[^a-z0-9]/gi, "")}`,
        Effect: "Allow",
        Action: [...actions],
        Resource: "*",
    })),
};
