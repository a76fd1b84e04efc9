// After `tsc`: makes the bin executable, dist/policy a policy pack Pulumi can run from an installed package
// (`pulumi preview --policy-pack node_modules/cortex-secure-cluster/dist/policy`), and records
// what dist/ was built from.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUILD_STAMP, buildInputsHash } from "./buildInputs";

const root = join(__dirname, "..");
const packDir = join(root, "dist", "policy");
const { version, bin } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; bin: Record<string, string> };

// tsc writes plain files; `npx cortex-secure-cluster` in a clone runs the bin itself, so it must be
// executable (npm makes an installed package's bins executable, not the project's own).
for (const file of Object.values(bin)) chmodSync(join(root, file), 0o755);

// The compiled pack is JavaScript; the repository's PulumiPolicy.yaml runs the TypeScript sources.
const description = readFileSync(join(root, "policy", "PulumiPolicy.yaml"), "utf8").match(/^description: (.*)$/m)![1];
writeFileSync(join(packDir, "PulumiPolicy.yaml"), `runtime: nodejs\ndescription: ${description}\n`);
// PolicyPack reads its version from the package.json of the folder it runs in.
writeFileSync(
    join(packDir, "package.json"),
    `${JSON.stringify({ name: "cortex-secure-cluster-policy", version, private: true, main: "index.js" }, null, 2)}\n`,
);
writeFileSync(join(root, BUILD_STAMP), `${buildInputsHash(root)}\n`);
