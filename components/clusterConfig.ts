// `cortexClusterConfig`: the Cortex cluster configuration (`cluster.yaml`) of the release, describing
// what the component built, in that release's keys and valid by its rules (pkg/types/clusterconfig
// at v0.18.0, v0.25.0 and v0.42.1).
import * as YAML from "yaml";
import { CLUSTER_NAME_TAG } from "./constants";
import { NodeGroupSettings, Settings } from "./settings";

/** What was built that the settings alone do not say: known once the resources exist. */
export interface BuiltFacts {
    region: string;
    bucketName: string;
    /** The zones of a new VPC's subnets. */
    availabilityZones?: string[];
    /** An existing VPC's node subnets with their zones (v0.42 describes them as `subnets`). */
    subnets?: { availability_zone: string; subnet_id: string }[];
    sslCertificateArn?: string;
}

export type ClusterConfigSettings = Pick<
    Settings,
    | "cortexVersion"
    | "clusterName"
    | "subnetVisibility"
    | "natGateway"
    | "apiLoadBalancerScheme"
    | "operatorLoadBalancerScheme"
    | "apiLoadBalancerCidrAllowList"
    | "operatorLoadBalancerCidrAllowList"
    | "apiGateway"
    | "existingVpc"
    | "vpcCidr"
    | "nodeGroups"
    | "tags"
>;

/** The cluster configuration as data, in the release's key names and order of its docs. */
export function clusterConfig(settings: ClusterConfigSettings, facts: BuiltFacts): Record<string, unknown> {
    const tags = { ...settings.tags, [CLUSTER_NAME_TAG]: settings.clusterName };
    const zones = facts.availabilityZones && facts.availabilityZones.length >= 2 ? { availability_zones: facts.availabilityZones } : {};
    const network = {
        subnet_visibility: settings.subnetVisibility,
        nat_gateway: settings.natGateway,
        api_load_balancer_scheme: settings.apiLoadBalancerScheme,
        operator_load_balancer_scheme: settings.operatorLoadBalancerScheme,
    };
    const certificate = facts.sslCertificateArn ? { ssl_certificate_arn: facts.sslCertificateArn } : {};
    if (settings.cortexVersion === "0.42") {
        // The bucket is the CLI's to name in v0.42 (a user file may not set it); node groups are a list.
        return {
            cluster_name: settings.clusterName,
            region: facts.region,
            node_groups: settings.nodeGroups.map(nodeGroupV042),
            ...(facts.subnets && facts.subnets.length >= 2 ? { subnets: facts.subnets } : zones),
            ...network,
            api_load_balancer_type: "nlb",
            api_load_balancer_cidr_white_list: settings.apiLoadBalancerCidrAllowList,
            operator_load_balancer_cidr_white_list: settings.operatorLoadBalancerCidrAllowList,
            ...certificate,
            ...(settings.existingVpc ? {} : { vpc_cidr: settings.vpcCidr }),
            // Not Cortex's default AmazonS3FullAccess: the nodes get the component's scoped runtime policy.
            iam_policy_arns: [],
            tags,
        };
    }
    // v0.18 and v0.25 describe one worker group with top-level keys.
    const [workers] = settings.nodeGroups;
    const common = {
        cluster_name: settings.clusterName,
        region: facts.region,
        ...zones,
        instance_type: workers.instanceType,
        min_instances: workers.minInstances,
        max_instances: workers.maxInstances,
        instance_volume_size: workers.instanceVolumeSize,
        instance_volume_type: workers.instanceVolumeType,
        spot: workers.spot,
        ...network,
        ...certificate,
        bucket: facts.bucketName,
    };
    if (settings.cortexVersion === "0.18") {
        return { ...common, log_group: settings.clusterName, tags };
    }
    return {
        provider: "aws",
        ...common,
        api_gateway: settings.apiGateway ? "public" : "none",
        ...(settings.existingVpc ? {} : { vpc_cidr: settings.vpcCidr }),
        tags,
    };
}

function nodeGroupV042(group: NodeGroupSettings): Record<string, unknown> {
    return {
        name: group.name,
        instance_type: group.instanceType,
        min_instances: group.minInstances,
        max_instances: group.maxInstances,
        instance_volume_size: group.instanceVolumeSize,
        instance_volume_type: group.instanceVolumeType,
        spot: group.spot,
    };
}

/** The cluster configuration as the YAML file Cortex reads. */
export function clusterConfigYaml(settings: ClusterConfigSettings, facts: BuiltFacts): string {
    return YAML.stringify(clusterConfig(settings, facts));
}
