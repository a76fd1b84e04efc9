// Facts shared by the component, the policy pack, the bin and the tools. Plain data and pure
// functions only: the policy pack and the bin import this without loading any Pulumi SDK.

/** The component's Pulumi type token; its package part is the plugin's provider name. */
export const CORTEX_SECURE_CLUSTER_TYPE = "cortex-secure-cluster:index:CortexSecureCluster";

/** The tag every taggable resource carries; Cortex's CLI finds its resources by it. */
export const CLUSTER_NAME_TAG = "cortex.dev/cluster-name";

/** Which of Cortex's two load balancers a resource is: Cortex's CLI finds each by this tag. */
export const LOAD_BALANCER_TAG = "cortex.dev/load-balancer";

/** Every EKS control-plane log type, the default of `controlPlaneLogTypes`. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
export type ControlPlaneLogTypeName = (typeof CONTROL_PLANE_LOG_TYPES)[number];

/**
 * Actions that have no resource-level permissions in IAM, so `*` is the only resource they take.
 * Metrics are put and read by namespace, which IAM cannot scope by ARN.
 */
export const ACTIONS_ONLY_ON_ANY_RESOURCE = [
    "sts:GetCallerIdentity",
    "ecr:GetAuthorizationToken",
    "cloudwatch:PutMetricData",
    "cloudwatch:GetMetricData",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListMetrics",
    "sqs:ListQueues",
    "ec2:DescribeSpotPriceHistory",
] as const;

/** An AWS access key id: long-term (`AKIA`) or temporary (`ASIA`), 20 characters in all. */
export const ACCESS_KEY_ID_PATTERN = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
/** An AWS secret access key: 40 characters of base64. */
export const SECRET_ACCESS_KEY_PATTERN = /^[A-Za-z0-9/+=]{40}$/;
