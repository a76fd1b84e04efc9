// The npm package as a consumer gets it: packed from this repository, unpacked into a consumer's
// node_modules beside its dependencies and the peers the consumer installs, and nothing else of ours.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { BUILD_STAMP, buildInputsHash } from "../tools/buildInputs";

export const root = join(__dirname, "..");
export const PEERS = ["@pulumi/aws", "@pulumi/awsx", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/pulumi"];

export interface PackageJson {
    name: string;
    version: string;
    license: string;
    main: string;
    types: string;
    files: string[];
    bin?: Record<string, string>;
    scripts: Record<string, string>;
    dependencies?: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    devDependencies: Record<string, string>;
}

export const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;

/** Runs a command; a failure says what it printed. */
export function run(command: string, args: string[], cwd: string): string {
    try {
        return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
    } catch (error) {
        const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
        throw Object.assign(new Error(`${command} ${args.join(" ")} failed:\n${stdout}${stderr}`), { stdout, stderr });
    }
}

/** Links a package of this repository's node_modules into a consumer's node_modules. */
export function linkInstalled(consumerModules: string, name: string): void {
    mkdirSync(dirname(join(consumerModules, name)), { recursive: true });
    symlinkSync(join(root, "node_modules", name), join(consumerModules, name), "dir");
}

export interface PackedPackage {
    /** A scratch folder holding the consumer; removed by `remove()`. */
    scratch: string;
    /** The files the tarball holds. */
    tarballFiles: string[];
    /** The consumer's folder, with node_modules. */
    consumer: string;
    /** The unpacked package in the consumer's node_modules. */
    installed: string;
    remove(): void;
}

/** Whether dist/ was built from the sources as they are now (`prepare` builds it at `npm ci`). */
export function distIsCurrent(): boolean {
    const stamp = join(root, BUILD_STAMP);
    return existsSync(stamp) && readFileSync(stamp, "utf8").trim() === buildInputsHash(root);
}

interface Packed {
    filename: string;
    files: { path: string }[];
}

/**
 * `npm pack`, once per test run: the test files of every worker unpack the same tarball, kept
 * where the global setup said (`CORTEX_TEST_PACKS`); without it, in `scratch`, removed with it.
 */
function packOnce(scratch: string): { tarball: string; packed: Packed } {
    const directory = process.env.CORTEX_TEST_PACKS ?? scratch;
    const record = join(directory, "pack.json");
    if (!existsSync(record)) {
        // Made aside and moved in whole (renames), the record last: a worker never reads a pack
        // another is still writing, and two that pack at once leave the same files.
        const own = join(directory, String(process.pid));
        mkdirSync(own, { recursive: true });
        const [packed] = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", own], root)) as Packed[];
        renameSync(join(own, packed.filename), join(directory, packed.filename));
        writeFileSync(join(own, "pack.json"), JSON.stringify(packed));
        renameSync(join(own, "pack.json"), record);
    }
    const packed = JSON.parse(readFileSync(record, "utf8")) as Packed;
    return { tarball: join(directory, packed.filename), packed };
}

/** Packs the package (dist/ as the tests' global setup left it) and installs it in a new consumer. */
export function packIntoConsumer(): PackedPackage {
    if (!distIsCurrent()) throw new Error("dist/ is older than the sources: run `npm run build` (the test suite's setup does)");
    const scratch = mkdtempSync(join(tmpdir(), "cortex-secure-cluster-pack-"));
    const { tarball, packed } = packOnce(scratch);

    // A consumer's node_modules as npm lays it out: the package (unpacked, bin executable and
    // linked), its dependencies and the peers the consumer installs, and nothing else of ours.
    const consumer = join(scratch, "consumer");
    const modules = join(consumer, "node_modules");
    const installed = join(modules, packageJson.name);
    mkdirSync(installed, { recursive: true });
    run("tar", ["-xzf", tarball, "-C", installed, "--strip-components", "1"], root);
    for (const dependency of [...Object.keys(packageJson.dependencies ?? {}), ...PEERS, "@types/node"]) {
        linkInstalled(modules, dependency);
    }
    mkdirSync(join(modules, ".bin"));
    for (const [name, target] of Object.entries(packageJson.bin ?? {})) {
        chmodSync(join(installed, target), 0o755);
        symlinkSync(posix.join("..", packageJson.name, target), join(modules, ".bin", name));
    }
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    return {
        scratch,
        tarballFiles: packed.files.map((file) => file.path),
        consumer,
        installed,
        remove: () => rmSync(scratch, { recursive: true, force: true }),
    };
}
