// The stack program: reads this stack's config, builds one CortexSecureCluster, exports its outputs.
import { runStackProgram } from "./components/stackProgram";

export = runStackProgram().outputs;
