import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "./settings";
import { Within } from "./parts";

/** The EKS add-ons the component manages: the ones every node needs. */
export type AddonName = "vpc-cni" | "kube-proxy" | "coredns";

/**
 * The add-on versions pinned per Kubernetes version, so an update never picks up an untested
 * release on its own. From AWS's add-on version tables (`aws eks describe-addon-versions
 * --kubernetes-version X --addon-name Y`); a Kubernetes version not listed here is refused.
 */
export const EKS_ADDON_VERSIONS: Record<string, Record<AddonName, string>> = {
    "1.30": { "vpc-cni": "v1.20.1-eksbuild.3", "kube-proxy": "v1.30.14-eksbuild.8", coredns: "v1.11.4-eksbuild.22" },
    "1.31": { "vpc-cni": "v1.20.1-eksbuild.3", "kube-proxy": "v1.31.10-eksbuild.12", coredns: "v1.11.4-eksbuild.22" },
    "1.32": { "vpc-cni": "v1.20.1-eksbuild.3", "kube-proxy": "v1.32.6-eksbuild.12", coredns: "v1.11.4-eksbuild.22" },
    "1.33": { "vpc-cni": "v1.20.1-eksbuild.3", "kube-proxy": "v1.33.3-eksbuild.4", coredns: "v1.12.3-eksbuild.1" },
    "1.34": { "vpc-cni": "v1.20.4-eksbuild.2", "kube-proxy": "v1.34.0-eksbuild.2", coredns: "v1.12.3-eksbuild.1" },
};

/** The Kubernetes versions with pinned add-ons, oldest first. */
export const SUPPORTED_KUBERNETES_VERSIONS = Object.keys(EKS_ADDON_VERSIONS);

/** The VPC CNI's settings: Kubernetes NetworkPolicy enforced (its network policy agent on). */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" };

/**
 * The VPC CNI, kube-proxy and CoreDNS as EKS managed add-ons at the pinned versions, taking over
 * the self-managed copies EKS installs. CoreDNS waits for the nodes: it is a Deployment that
 * stays degraded, and its creation times out, with nowhere to run.
 */
export function createAddons(part: {
    name: string;
    settings: Pick<Settings, "kubernetesVersion">;
    clusterName: pulumi.Output<string>;
    nodeGroups: pulumi.Resource[];
    tags: Record<string, string>;
    within: Within;
}): aws.eks.Addon[] {
    const { name, settings, clusterName, nodeGroups, tags, within } = part;
    const versions = EKS_ADDON_VERSIONS[settings.kubernetesVersion];
    const addon = (addonName: AddonName, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[]) =>
        new aws.eks.Addon(
            `${name}-addon-${addonName}`,
            {
                clusterName,
                addonName,
                addonVersion: versions[addonName],
                // Take over the self-managed copy EKS installed; keep the pinned settings on update.
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags,
                ...extra,
            },
            { ...within, dependsOn },
        );
    return [
        addon("vpc-cni", { configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION) }, []),
        addon("kube-proxy", {}, []),
        addon("coredns", {}, nodeGroups),
    ];
}
