// Limits AWS (and Cortex) impose that the arguments must fit in, so a deployment never fails on them halfway.

/** Inbound rules a security group holds (AWS's default quota; IPv4 and referenced groups alike). */
export const SECURITY_GROUP_INBOUND_RULES = 60;

/** CIDRs the public Kubernetes API endpoint takes (EKS's `publicAccessCidrs`). */
export const EKS_PUBLIC_ACCESS_CIDRS = 40;

/** Nodes in one EKS managed node group (EKS's service quota). */
export const MAX_NODES_PER_MANAGED_NODE_GROUP = 450;

/** Tags AWS allows on one resource. */
export const TAGS_PER_RESOURCE = 50;

/**
 * Tags the component and EKS put on a resource beside the user's: `cortex.dev/cluster-name` everywhere;
 * on nodes EKS adds `eks:cluster-name`, `eks:nodegroup-name` and `kubernetes.io/cluster/NAME`; on
 * subnets awsx adds `Name` and `SubnetType` beside the load balancer role tag; `aws:` tags do not count.
 */
export const COMPONENT_TAGS_PER_RESOURCE = 5;

/** The user's tags that fit beside the component's on every resource. */
export const MAX_USER_TAGS = TAGS_PER_RESOURCE - COMPONENT_TAGS_PER_RESOURCE;
