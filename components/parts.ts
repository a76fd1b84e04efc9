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

/**
 * Where a part declares its resources: under the part, each aliased to its place directly under
 * the component. Used as resource options as it is (`parent` and `aliases` are its only fields).
 */
export class Within {
    readonly aliases: pulumi.Alias[];
    readonly #component: pulumi.Resource;

    constructor(
        readonly parent: pulumi.Resource,
        component: pulumi.Resource,
    ) {
        this.aliases = [{ parent: component }];
        this.#component = component;
    }

    /**
     * Where a remote component (the awsx VPC, the EKS cluster and node groups) goes: directly under
     * the component, as before the parts. The engine does not carry aliases across Construct to the
     * plugin that builds it (pulumi/pulumi#18801, pulumi/pulumi-awsx#1030), so moving one would
     * replace it and everything in it.
     */
    get remote(): { parent: pulumi.Resource } {
        return { parent: this.#component };
    }
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
    return new Within(new ClusterPart(part, `${name}-${kebab}`, component), component);
}
