// The policy pack: `pulumi preview --policy-pack policy` (or node_modules/cortex-secure-cluster/dist/policy)
// checks any stack against the posture CortexSecureCluster builds.
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./pack";

new PolicyPack("cortex-secure-cluster", { policies: POLICIES });
