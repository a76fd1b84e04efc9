import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { Network } from "./network";
import { checkWhenResolved, ResolvedArgs, ResolvedNodeGroup, valueRules } from "./validation";

/** A node group as the other parts see it: its spec and the autoscaling groups behind it. */
export interface BuiltNodeGroup {
    spec: ResolvedNodeGroup;
    role: "operator" | "worker";
    nodeGroup: eks.ManagedNodeGroup;
    autoscalingGroupNames: pulumi.Output<string[]>;
}

/** What the other parts need to know of the cluster. */
export interface Cluster {
    eksCluster: eks.Cluster;
    clusterName: pulumi.Output<string>;
    /** Secret: it names the cluster endpoint and its certificate. */
    kubeconfig: pulumi.Output<string>;
    oidcProviderArn: pulumi.Output<string>;
    /** The OIDC issuer without `https://`, as IAM trust policies name it. */
    oidcProviderUrl: pulumi.Output<string>;
    /** The security group of this component's own on every node; load balancer rules go here. */
    nodeSecurityGroupId: pulumi.Output<string>;
    operatorNodeGroup: BuiltNodeGroup;
    workerNodeGroups: BuiltNodeGroup[];
}

/**
 * The instance metadata hop limit. 1 keeps pods (one hop further) away from the node role's
 * credentials; none of the runtime credential modes needs pods to reach it (keys are passed in,
 * and service-account roles use the OIDC web identity), so it is 1 in every mode.
 */
export const METADATA_HOP_LIMIT = 1;

/** The EKS AMI type an instance type needs: Graviton, NVIDIA GPU, Inferentia/Trainium, or standard x86. */
export function amiTypeFor(instanceType: string): string {
    const family = instanceType.split(".")[0];
    if (/^(inf|trn)\d/.test(family)) return "AL2023_x86_64_NEURON";
    if (/^(g\d|p\d)/.test(family) && !/^g\d+g/.test(family)) return "AL2023_x86_64_NVIDIA";
    if (/^a1$/.test(family) || /^[a-z]+\d+g[a-z]*$/.test(family)) return "AL2023_ARM_64_STANDARD";
    return "AL2023_x86_64_STANDARD";
}

/** The log group EKS writes control-plane logs to; made first so it has a retention. */
export function controlPlaneLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

const MANAGED_NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];

/** Builds the EKS control plane and the managed node groups. */
export function createCluster(
    name: string,
    args: ResolvedArgs,
    network: Network,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): Cluster {
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-control-plane-logs`,
        { name: controlPlaneLogGroupName(args.clusterName), retentionInDays: args.logRetentionDays, tags },
        { parent, retainOnDelete: args.protectData },
    );

    const secretsKeyArn = args.secretsEncryptionKeyArn
        ? checkWhenResolved("secretsEncryptionKeyArn", valueRules.kmsKeyArn, args.secretsEncryptionKeyArn, parent)
        : new aws.kms.Key(
              `${name}-secrets`,
              {
                  description: `Envelope encryption of Kubernetes secrets in EKS cluster ${args.clusterName}`,
                  enableKeyRotation: true,
                  deletionWindowInDays: 30,
                  tags,
              },
              { parent },
          ).arn;

    const eksCluster = new eks.Cluster(
        `${name}-eks`,
        {
            name: args.clusterName,
            version: args.kubernetesVersion,
            vpcId: network.vpcId,
            // The control plane's network interfaces live where the nodes do.
            subnetIds: network.nodeSubnetIds,
            skipDefaultNodeGroup: true,
            skipDefaultSecurityGroups: true,
            endpointPrivateAccess: true,
            endpointPublicAccess: args.clusterEndpointPublicAccess,
            publicAccessCidrs: args.clusterEndpointPublicAccess ? args.clusterEndpointPublicAccessCidrs : undefined,
            encryptionConfigKeyArn: secretsKeyArn,
            enabledClusterLogTypes: args.controlPlaneLogTypes,
            createOidcProvider: true,
            authenticationMode: "API",
            tags,
        },
        { parent, dependsOn: [logGroup] },
    );

    const nodeSecurityGroup = new aws.ec2.SecurityGroup(
        `${name}-nodes`,
        {
            vpcId: network.vpcId,
            description: `Nodes of ${args.clusterName}: load balancer traffic is admitted by separate rules`,
            egress: [
                {
                    protocol: "-1",
                    fromPort: 0,
                    toPort: 0,
                    cidrBlocks: ["0.0.0.0/0"],
                    description: "Nodes reach AWS APIs, images and models",
                },
            ],
            tags: { ...tags, Name: `${args.clusterName}-nodes` },
        },
        { parent },
    );

    const partition = aws.getPartitionOutput({}, { parent }).partition;
    const nodeRole = new aws.iam.Role(
        `${name}-nodes`,
        {
            description: `EC2 instances of EKS cluster ${args.clusterName}`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags,
        },
        { parent },
    );
    const nodeRolePolicies = MANAGED_NODE_POLICIES.map(
        (policy) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-nodes-${policy}`,
                { role: nodeRole.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` },
                { parent },
            ),
    );

    const buildNodeGroup = (spec: ResolvedNodeGroup, role: "operator" | "worker"): BuiltNodeGroup => {
        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-ng-${spec.name}`,
            {
                description: `Node group ${spec.name} of ${args.clusterName}: IMDSv2, encrypted root volume, no SSH key`,
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: METADATA_HOP_LIMIT },
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
                ...(args.subnetVisibility === "private"
                    ? {
                          networkInterfaces: [
                              {
                                  deviceIndex: 0,
                                  associatePublicIpAddress: "false",
                                  deleteOnTermination: "true",
                                  securityGroups: [eksCluster.clusterSecurityGroupId, nodeSecurityGroup.id],
                              },
                          ],
                      }
                    : { vpcSecurityGroupIds: [eksCluster.clusterSecurityGroupId, nodeSecurityGroup.id] }),
                tagSpecifications: [
                    { resourceType: "instance", tags },
                    { resourceType: "volume", tags },
                ],
                tags,
            },
            { parent },
        );
        const nodeGroup = new eks.ManagedNodeGroup(
            `${name}-ng-${spec.name}`,
            {
                cluster: eksCluster,
                nodeGroupName: spec.name,
                nodeRoleArn: nodeRole.arn,
                subnetIds: network.nodeSubnetIds,
                instanceTypes: [spec.instanceType],
                amiType: amiTypeFor(spec.instanceType),
                capacityType: spec.spot ? "SPOT" : "ON_DEMAND",
                scalingConfig: { minSize: spec.minInstances, maxSize: spec.maxInstances, desiredSize: spec.minInstances },
                // Cortex's cluster autoscaler owns the desired size once the group exists.
                ignoreScalingChanges: true,
                labels: {
                    "cortex.dev/node-group": spec.name,
                    ...(role === "operator" ? { operator: "true" } : { workload: "true", lifecycle: spec.spot ? "spot" : "on-demand" }),
                },
                launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
                tags,
            },
            { parent, dependsOn: nodeRolePolicies },
        );
        // A remote component hands back the node group as a resource (or, in a mock, a plain object).
        const autoscalingGroupNames = pulumi
            .output(nodeGroup.nodeGroup)
            .apply((group) => pulumi.output(group.resources))
            .apply((resources) => resources.flatMap((resource) => (resource.autoscalingGroups ?? []).map((asg) => asg.name!)));
        return { spec, role, nodeGroup, autoscalingGroupNames };
    };

    return {
        eksCluster,
        clusterName: pulumi.output(eksCluster.eksCluster).apply((cluster) => cluster.name),
        kubeconfig: pulumi.secret(eksCluster.kubeconfigJson),
        oidcProviderArn: eksCluster.oidcProviderArn,
        oidcProviderUrl: eksCluster.oidcProviderUrl,
        nodeSecurityGroupId: nodeSecurityGroup.id,
        operatorNodeGroup: buildNodeGroup(args.operatorNodeGroup, "operator"),
        workerNodeGroups: args.nodeGroups.map((spec) => buildNodeGroup(spec, "worker")),
    };
}
