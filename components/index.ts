// The library entry: importing it creates nothing.
export * from "./args";
export { CortexSecureCluster } from "./cortexSecureCluster";
export {
    CORTEX_SECURE_CLUSTER_TYPE,
    CLUSTER_NAME_TAG,
    LOAD_BALANCER_TAG,
    CONTROL_PLANE_LOG_TYPES,
    ACTIONS_ONLY_ON_ANY_RESOURCE,
} from "./constants";
export { DEFAULT_KUBERNETES_VERSION } from "./defaults";
export { ArgumentProblem, CortexSecureClusterArgsError } from "./problems";
export { findArgumentProblems } from "./validate";
export { Settings, NodeGroupSettings, resolveSettings } from "./settings";
export { CONFIG_NAMESPACE, parseStackConfig, readStackFile } from "./config";
export { CLI_KEY_SHELL_VARIABLES, CortexCliEnvironment, cliConfigProblems } from "./cliConfig";
export { CORTEX_RELEASES, CortexRelease, DEFAULT_CORTEX_VERSION } from "./cortexReleases";
export { tlsOnlyBucketPolicy } from "./storage";
export { RuntimePolicyScope, ServiceAccountRef, runtimePolicy, serviceAccountTrustPolicy } from "./runtimePolicy";
export { PolicyDocument, PolicyStatement } from "./policyDocument";
export { AUDITOR_ACTIONS, AUDITOR_POLICY } from "../bin/audit/auditorPolicy";
