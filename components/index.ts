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
export { ArgumentProblem, CortexSecureClusterArgsError, ResolvedArgs, findArgumentProblems, resolveArgs } from "./validation";
export { CONFIG_NAMESPACE, parseStackConfig, readStackFile } from "./config";
export { defaultAvailabilityZones } from "./network";
export { CLI_KEY_SHELL_VARIABLES, CortexCliEnvironment } from "./cliEnvironment";
export { tlsOnlyBucketPolicy } from "./storage";
export { RuntimePolicyScope, ServiceAccountRef, runtimePolicy, serviceAccountTrustPolicy } from "./identity";
export { PolicyDocument, PolicyStatement } from "./policyDocument";
