// What `npm run build` compiles, as one hash: the build records it in dist/, so a test can tell
// whether dist/ (built by `prepare` at `npm ci`) still matches the sources or must be rebuilt.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Where the build records the hash of the inputs it was built from. */
export const BUILD_STAMP = join("dist", ".build-inputs");

const INPUT_DIRECTORIES = ["components", "bin", "policy"];
const INPUT_FILES = ["index.ts", "package.json", "tsconfig.json", "tsconfig.build.json", "tools/finishBuild.ts", "tools/buildInputs.ts"];

function filesUnder(directory: string): string[] {
    return readdirSync(directory, { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name));
}

/** The hash of every build input under `root`, and of the compiler's version. */
export function buildInputsHash(root: string): string {
    const hash = createHash("sha256");
    const files = [
        ...INPUT_DIRECTORIES.flatMap((directory) => filesUnder(join(root, directory))),
        ...INPUT_FILES.map((file) => join(root, file)),
    ];
    for (const file of files.sort()) {
        hash.update(`${relative(root, file)}\0`)
            .update(readFileSync(file))
            .update("\0");
    }
    hash.update(JSON.parse(readFileSync(join(root, "node_modules", "typescript", "package.json"), "utf8")).version);
    return hash.digest("hex");
}
