// The resource tree: the component's children grouped under one component per part. Each child
// keeps, as an alias, the URN it had when every child hung from the component itself, so a stack
// made before the parts existed keeps its resources instead of replacing them.
import * as pulumi from "@pulumi/pulumi";
import { CORTEX_SECURE_CLUSTER_TYPE } from "./constants";

/** The parts, by the name their component's type token ends with. */
export const CLUSTER_PARTS = {
    encryption: "Encryption",
    storage: "Storage",
    network: "Network",
    cluster: "Cluster",
    nodeGroups: "NodeGroups",
    loadBalancers: "LoadBalancers",
    identity: "Identity",
    // Only in clusters that have them: `apiGateway`, `vpcPeering`, `inClusterObjects`.
    apiGateway: "ApiGateway",
    peering: "Peering",
    inCluster: "InCluster",
} as const;
export type ClusterPartName = (typeof CLUSTER_PARTS)[keyof typeof CLUSTER_PARTS];

/** A part's type token: the component's package, module `parts`. */
export const clusterPartType = (part: ClusterPartName) => `${CORTEX_SECURE_CLUSTER_TYPE.split(":")[0]}:parts:${part}`;

/** Where a part declares its resources: under the part, aliased to their place under the component. */
export interface Within {
    parent: pulumi.Resource;
    aliases: pulumi.Alias[];
}

/** One part of the cluster in the resource tree; it has no outputs of its own. */
class ClusterPart extends pulumi.ComponentResource {
    constructor(part: ClusterPartName, name: string, component: pulumi.ComponentResource) {
        super(clusterPartType(part), name, {}, { parent: component });
        this.registerOutputs({});
    }
}

/** Makes the part `part` of `component` (named `name`) and returns where its resources go. */
export function withinPart(component: pulumi.ComponentResource, name: string, part: ClusterPartName): Within {
    const kebab = part.replace(/[A-Z]/g, (letter, index: number) => (index === 0 ? "" : "-") + letter.toLowerCase());
    return { parent: new ClusterPart(part, `${name}-${kebab}`, component), aliases: [{ parent: component }] };
}
