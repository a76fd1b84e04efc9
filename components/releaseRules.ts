// The rules a Cortex release line adds: what its CLI, operator and cluster.yaml can use.
import { CortexSecureClusterArgs, CortexVersion } from "./args";
import { CORTEX_RELEASES, instanceTypeProblem } from "./cortexReleases";
import { DEFAULTS } from "./defaults";
import { isRecord, WellFormed } from "./jointRules";
import { ArgumentProblem } from "./problems";

/** Why a credentials mode cannot work with a release, or undefined when it can. */
export function credentialsModeProblem(version: CortexVersion, mode: string): string | undefined {
    const { runtimeIdentity, tag } = CORTEX_RELEASES[version];
    if (runtimeIdentity === "keysSecret" && mode === "nodeRole") {
        return `"iamUser", "provided" or "serviceAccountRole": Cortex ${tag} reads its AWS keys from the Secret aws-credentials, not from the node role`;
    }
    if (runtimeIdentity === "nodeRole" && (mode === "iamUser" || mode === "provided")) {
        return `"nodeRole" or "serviceAccountRole": Cortex ${tag} reads no keys, it uses the nodes' role`;
    }
    return undefined;
}

/** The release's own rules over the arguments; each reads only values well formed on their own. */
export function releaseProblems(given: CortexSecureClusterArgs, wellFormed: WellFormed): ArgumentProblem[] {
    if (!wellFormed("cortexVersion")) return [];
    const version = given.cortexVersion ?? DEFAULTS.cortexVersion;
    const release = CORTEX_RELEASES[version];
    const problems: ArgumentProblem[] = [];

    const mode = isRecord(given.runtimeCredentials) && wellFormed("runtimeCredentials", "mode") ? given.runtimeCredentials.mode : undefined;
    const modeProblem = mode === undefined ? undefined : credentialsModeProblem(version, mode);
    if (modeProblem) problems.push({ argument: "runtimeCredentials.mode", value: mode, allowed: modeProblem });

    const groups: unknown[] = Array.isArray(given.nodeGroups) ? given.nodeGroups : [];
    if (groups.length > release.nodeGroups.maxWorkerGroups) {
        problems.push({
            argument: "nodeGroups",
            value: groups.map((group) => (isRecord(group) ? group.name : group)),
            allowed: `${release.nodeGroups.maxWorkerGroups} node group with Cortex ${release.tag}, whose cluster.yaml describes one worker group`,
        });
    }
    const typed: [string, unknown][] = [
        ...groups.map((group, index): [string, unknown] => [`nodeGroups[${index}]`, group]),
        ["operatorNodeGroup", given.operatorNodeGroup],
    ];
    for (const [argument, group] of typed) {
        if (!isRecord(group)) continue;
        const path = argument === "operatorNodeGroup" ? ["operatorNodeGroup"] : ["nodeGroups", Number(argument.slice(11, -1))];
        if (typeof group.instanceType === "string" && wellFormed(...path, "instanceType")) {
            const problem = instanceTypeProblem(version, group.instanceType);
            if (problem) problems.push({ argument: `${argument}.instanceType`, value: group.instanceType, allowed: problem });
        }
        const volumeType = group.instanceVolumeType;
        if (typeof volumeType === "string" && wellFormed(...path, "instanceVolumeType") && !release.knownVolumeTypes.includes(volumeType)) {
            problems.push({
                argument: `${argument}.instanceVolumeType`,
                value: volumeType,
                allowed: `one of ${release.knownVolumeTypes.join(", ")}: the volume types Cortex ${release.tag} knows`,
            });
        }
    }

    if (release.requiresApiGateway && given.apiGateway === false) {
        problems.push({
            argument: "apiGateway",
            value: false,
            allowed: `true with Cortex ${release.tag}: its operator refuses to start without an API Gateway tagged for the cluster`,
        });
    }
    return problems;
}
