import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "./cluster";
import { Network } from "./network";
import { RuntimeCredentialsMode } from "./args";
import { CORTEX_RELEASES, CortexVersion, isGpuInstance, isInferentiaInstance } from "./cortexReleases";
import { NodeGroupSettings, Settings } from "./settings";
import { Within } from "./parts";

/** A node group as the other parts see it: its settings and the autoscaling groups behind it. */
export interface BuiltNodeGroup {
    spec: NodeGroupSettings;
    role: "operator" | "worker";
    /** The managed node group's name: the one Cortex knows it by. */
    name: string;
    /** The launch template its nodes start from, and the version the group uses. */
    launchTemplate: { id: pulumi.Output<string>; version: pulumi.Output<string> };
    nodeGroup: eks.ManagedNodeGroup;
    autoscalingGroupNames: pulumi.Output<string[]>;
}

/** The node groups and what they share: the role the instances run as, and the security group the load balancers' rules go on. */
export interface NodeGroups {
    operator: BuiltNodeGroup;
    workers: BuiltNodeGroup[];
    /** The security group of this component's own on every node; load balancer rules go here. */
    nodeSecurityGroupId: pulumi.Output<string>;
    nodeRole: aws.iam.Role;
}

/**
 * The instance metadata hop limit. 1 keeps pods (one hop further) away from the node role's
 * credentials: keys are passed in and service-account roles use the OIDC web identity. Only
 * `nodeRole` needs 2, because there Cortex's pods take their permissions from the node role.
 */
export function metadataHopLimit(mode: RuntimeCredentialsMode): 1 | 2 {
    return mode === "nodeRole" ? 2 : 1;
}

/** A Kubernetes taint as a managed node group takes it. */
export interface Taint {
    key: string;
    value: string;
    effect: "NO_SCHEDULE";
}

/**
 * The labels and taints Cortex schedules by, for the release (manager/generate_eks.py and the
 * operator's pod specs at each tag): workers carry `workload=true` and its taint, GPU and
 * Inferentia nodes their device taints, spot nodes the release's spot labels; v0.42 finds a group
 * by the eksctl label `alpha.eksctl.io/nodegroup-name`.
 */
export function cortexNodeLabels(
    version: CortexVersion,
    group: Pick<NodeGroupSettings, "name" | "instanceType" | "spot">,
    role: "operator" | "worker",
): { name: string; labels: Record<string, string>; taints: Taint[] } {
    const release = CORTEX_RELEASES[version].nodeGroups;
    const name = role === "operator" ? release.operatorName : release.workerName(group.name, group.spot);
    const labels: Record<string, string> = { "alpha.eksctl.io/nodegroup-name": name };
    const taints: Taint[] = [];
    if (role === "operator") return { name, labels: { ...labels, ...release.operatorLabels }, taints };
    labels.workload = "true";
    taints.push({ key: "workload", value: "true", effect: "NO_SCHEDULE" });
    if (group.spot) Object.assign(labels, release.spotLabels);
    if (isGpuInstance(group.instanceType)) {
        Object.assign(labels, { "nvidia.com/gpu": "true", "k8s.amazonaws.com/accelerator": "true" });
        taints.push({ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" });
    }
    if (isInferentiaInstance(group.instanceType)) {
        labels[release.inferentiaKey] = "true";
        taints.push({ key: release.inferentiaKey, value: "true", effect: "NO_SCHEDULE" });
    }
    return { name, labels, taints };
}

/**
 * The autoscaling group tags that let the cluster autoscaler scale a group up from zero: it cannot
 * read the labels and taints of a node that does not exist. EKS tags a managed group's ASG with
 * the discovery tags (`k8s.io/cluster-autoscaler/enabled` and `…/<cluster>`) itself, but not these.
 */
export function nodeTemplateTags(labels: Record<string, string>, taints: Taint[]): Record<string, string> {
    return {
        ...Object.fromEntries(
            Object.entries(labels).map(([key, value]) => [`k8s.io/cluster-autoscaler/node-template/label/${key}`, value]),
        ),
        ...Object.fromEntries(
            taints.map((taint) => [`k8s.io/cluster-autoscaler/node-template/taint/${taint.key}`, `${taint.value}:NoSchedule`]),
        ),
    };
}

/** The EKS AMI type an instance type needs: Graviton, NVIDIA GPU, Inferentia/Trainium, or standard x86. */
export function amiTypeFor(instanceType: string): string {
    const family = instanceType.split(".")[0];
    if (/^(inf|trn)\d/.test(family)) return "AL2023_x86_64_NEURON";
    if (/^(g\d|p\d)/.test(family) && !/^g\d+g/.test(family)) return "AL2023_x86_64_NVIDIA";
    if (/^a1$/.test(family) || /^[a-z]+\d+g[a-z]*$/.test(family)) return "AL2023_ARM_64_STANDARD";
    return "AL2023_x86_64_STANDARD";
}

/** The AWS managed policies every EKS node needs. */
export const MANAGED_NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];

/** The trust policy of the nodes' role: EC2 instances only. */
const NODE_TRUST_POLICY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** What the node groups part reads of the settings. */
export type NodeGroupsSettings = Pick<
    Settings,
    "cortexVersion" | "clusterName" | "subnetVisibility" | "operatorNodeGroup" | "nodeGroups" | "runtimeCredentials"
>;

/** Builds the nodes' security group and role, and a managed node group with its launch template per group. */
export function createNodeGroups(part: {
    name: string;
    settings: NodeGroupsSettings;
    network: Pick<Network, "vpcId" | "nodeSubnetIds">;
    cluster: Pick<Cluster, "eksCluster" | "clusterSecurityGroupId">;
    tags: Record<string, string>;
    within: Within;
}): NodeGroups {
    const { name, settings, network, cluster, tags, within } = part;
    const { parent } = within;
    const nodeSecurityGroup = new aws.ec2.SecurityGroup(
        `${name}-nodes`,
        {
            vpcId: network.vpcId,
            description: `Nodes of ${settings.clusterName}: load balancer traffic is admitted by separate rules`,
            egress: [
                {
                    protocol: "-1",
                    fromPort: 0,
                    toPort: 0,
                    cidrBlocks: ["0.0.0.0/0"],
                    description: "Nodes reach AWS APIs, images and models",
                },
            ],
            tags: { ...tags, Name: `${settings.clusterName}-nodes` },
        },
        within,
    );

    const partition = aws.getPartitionOutput({}, { parent }).partition;
    const nodeRole = new aws.iam.Role(
        `${name}-nodes`,
        { description: `EC2 instances of EKS cluster ${settings.clusterName}`, assumeRolePolicy: NODE_TRUST_POLICY, tags },
        within,
    );
    const nodeRolePolicies = MANAGED_NODE_POLICIES.map(
        (policy) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-nodes-${policy}`,
                { role: nodeRole.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` },
                within,
            ),
    );
    const securityGroups = [cluster.clusterSecurityGroupId, nodeSecurityGroup.id];

    const hopLimit = metadataHopLimit(settings.runtimeCredentials.mode);
    const buildNodeGroup = (spec: NodeGroupSettings, role: "operator" | "worker"): BuiltNodeGroup => {
        const cortex = cortexNodeLabels(settings.cortexVersion, spec, role);
        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-ng-${spec.name}`,
            {
                description: `Node group ${spec.name} of ${settings.clusterName}: IMDSv2, encrypted root volume, no SSH key`,
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: hopLimit },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: {
                            volumeSize: spec.instanceVolumeSize,
                            volumeType: spec.instanceVolumeType,
                            encrypted: "true",
                            deleteOnTermination: "true",
                        },
                    },
                ],
                // Private nodes get no public address even in a subnet that would hand one out.
                ...(settings.subnetVisibility === "private"
                    ? {
                          networkInterfaces: [
                              { deviceIndex: 0, associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups },
                          ],
                      }
                    : { vpcSecurityGroupIds: securityGroups }),
                tagSpecifications: [
                    { resourceType: "instance", tags },
                    { resourceType: "volume", tags },
                ],
                tags,
            },
            within,
        );
        const nodeGroup = new eks.ManagedNodeGroup(
            `${name}-ng-${spec.name}`,
            {
                cluster: cluster.eksCluster,
                // The name Cortex knows the group by (its eksctl node group name).
                nodeGroupName: cortex.name,
                nodeRoleArn: nodeRole.arn,
                subnetIds: network.nodeSubnetIds,
                instanceTypes: [spec.instanceType],
                amiType: amiTypeFor(spec.instanceType),
                capacityType: spec.spot ? "SPOT" : "ON_DEMAND",
                scalingConfig: { minSize: spec.minInstances, maxSize: spec.maxInstances, desiredSize: spec.minInstances },
                // Cortex's cluster autoscaler owns the desired size once the group exists.
                ignoreScalingChanges: true,
                labels: cortex.labels,
                taints: cortex.taints,
                launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
                tags,
            },
            { ...within.remote, dependsOn: nodeRolePolicies },
        );
        // A remote component hands back the node group as a resource (or, in a mock, a plain object).
        const autoscalingGroupNames = pulumi
            .output(nodeGroup.nodeGroup)
            .apply((group) => pulumi.output(group.resources))
            .apply((resources) => resources.flatMap((resource) => (resource.autoscalingGroups ?? []).map((asg) => asg.name!)));
        if (spec.minInstances === 0) {
            // One tag per resource: the ASG is made by EKS, so its tags are added beside it.
            const asgName = autoscalingGroupNames.apply((names) => names[0]);
            for (const [key, value] of Object.entries(nodeTemplateTags(cortex.labels, cortex.taints))) {
                new aws.autoscaling.Tag(
                    `${name}-ng-${spec.name}-${key.replace(/^k8s\.io\/cluster-autoscaler\/node-template\//, "").replace(/[^a-zA-Z0-9-]/g, "-")}`,
                    { autoscalingGroupName: asgName, tag: { key, value, propagateAtLaunch: false } },
                    within,
                );
            }
        }
        const launchTemplateRef = { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) };
        return { spec, role, name: cortex.name, launchTemplate: launchTemplateRef, nodeGroup, autoscalingGroupNames };
    };

    return {
        operator: buildNodeGroup(settings.operatorNodeGroup, "operator"),
        workers: settings.nodeGroups.map((spec) => buildNodeGroup(spec, "worker")),
        nodeSecurityGroupId: nodeSecurityGroup.id,
        nodeRole,
    };
}
