// After `tsc`: makes dist/policy a policy pack Pulumi can run from an installed package
// (`pulumi preview --policy-pack node_modules/cortex-secure-cluster/dist/policy`), and records
// what dist/ was built from.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUILD_STAMP, buildInputsHash } from "./buildInputs";

const root = join(__dirname, "..");
const packDir = join(root, "dist", "policy");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };

// The compiled pack is JavaScript; the repository's PulumiPolicy.yaml runs the TypeScript sources.
const description = readFileSync(join(root, "policy", "PulumiPolicy.yaml"), "utf8").match(/^description: (.*)$/m)![1];
writeFileSync(join(packDir, "PulumiPolicy.yaml"), `runtime: nodejs\ndescription: ${description}\n`);
// PolicyPack reads its version from the package.json of the folder it runs in.
writeFileSync(
    join(packDir, "package.json"),
    `${JSON.stringify({ name: "cortex-secure-cluster-policy", version, private: true, main: "index.js" }, null, 2)}\n`,
);
writeFileSync(join(root, BUILD_STAMP), `${buildInputsHash(root)}\n`);
