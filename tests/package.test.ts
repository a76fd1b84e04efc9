// The npm package: built and packed once, then used the way a consumer would use it.
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mockCloud, quiescence } from "../tools/mockCloud";

const root = join(__dirname, "..");
const PEERS = ["@pulumi/aws", "@pulumi/awsx", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/pulumi"];

interface PackageJson {
    name: string;
    version: string;
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

/** Runs a command; a failure says what it printed. */
function run(command: string, args: string[], cwd: string): string {
    try {
        return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
    } catch (error) {
        const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
        throw Object.assign(new Error(`${command} ${args.join(" ")} failed:\n${stdout}${stderr}`), { stdout, stderr });
    }
}

describe("npm package", function () {
    // Building and type-checking against the Pulumi SDKs' types takes a while; it is done once.
    this.timeout(180_000);

    const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;
    let scratch: string;
    let tarballFiles: string[];
    let unpacked: string;

    before(() => {
        scratch = mkdtempSync(join(tmpdir(), "cortex-secure-cluster-pack-"));
        run("npm", ["run", "build"], root);
        const [packed] = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], root)) as {
            filename: string;
            files: { path: string }[];
        }[];
        tarballFiles = packed.files.map((file) => file.path);
        // A consumer's layout: the unpacked package, and the SDKs it peers with one level up.
        unpacked = join(scratch, "package");
        run("tar", ["-xzf", join(scratch, packed.filename), "-C", scratch], root);
        symlinkSync(join(root, "node_modules"), join(scratch, "node_modules"), "dir");
    });

    after(() => {
        if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    it("points main and types at the compiled library entry, and ships them", () => {
        assert.equal(packageJson.main, "dist/components/index.js");
        assert.equal(packageJson.types, "dist/components/index.d.ts");
        assert.ok(tarballFiles.includes("dist/components/index.js"), tarballFiles.join("\n"));
        assert.ok(tarballFiles.includes("dist/components/index.d.ts"), tarballFiles.join("\n"));
        for (const bin of Object.values(packageJson.bin ?? {})) {
            assert.ok(tarballFiles.includes(bin.replace(/^\.\//, "")), `bin ${bin} is not shipped`);
        }
    });

    it("ships compiled JavaScript, declarations and the README only", () => {
        for (const file of tarballFiles) {
            const shippable =
                /^(package\.json|README\.md|LICENSE)$/.test(file) ||
                /^dist\/(components|bin|policy)\/.+\.(js|d\.ts)$/.test(file) ||
                /^dist\/policy\/(PulumiPolicy\.yaml|package\.json)$/.test(file);
            assert.ok(shippable, `${file} should not be in the package`);
        }
        assert.ok(tarballFiles.includes("README.md"));
        assert.ok(!tarballFiles.some((file) => /(^|\/)tests?\//.test(file) || /^Pulumi\..*ya?ml$/.test(file) || file === "dist/index.js"));
    });

    it("ships a policy pack Pulumi can run from the installed package (dist/policy)", async () => {
        const packDir = join(unpacked, "dist", "policy");
        for (const file of ["index.js", "pack.js", "rules.js", "PulumiPolicy.yaml", "package.json"]) {
            assert.ok(tarballFiles.includes(`dist/policy/${file}`), `dist/policy/${file} is not shipped`);
        }
        assert.match(readFileSync(join(packDir, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs\ndescription: /);
        assert.equal(JSON.parse(readFileSync(join(packDir, "package.json"), "utf8")).version, packageJson.version);
        assert.equal(
            JSON.parse(readFileSync(join(root, "policy", "package.json"), "utf8")).version,
            packageJson.version,
            "the repository's pack says the same version",
        );
        // The engine starts the pack in its folder and waits for the port it serves on.
        const pack = spawn(process.execPath, ["index.js"], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
        try {
            const port = await new Promise<string>((resolve, reject) => {
                pack.stdout!.once("data", (data) => resolve(String(data).trim()));
                pack.once("exit", (code) => reject(new Error(`the packaged policy pack exited with ${code}`)));
            });
            assert.match(port, /^\d+$/);
        } finally {
            pack.kill();
        }
    });

    it("cleans dist before building, so nothing stale is shipped", () => {
        assert.match(packageJson.scripts.prebuild, /rmSync\('dist'/);
        assert.equal(packageJson.scripts.prepack, "npm run build");
    });

    it("peers with the Pulumi SDKs (one copy per program) and pins them for its own tests", () => {
        assert.deepEqual(
            Object.keys(packageJson.peerDependencies)
                .filter((peer) => !packageJson.peerDependenciesMeta?.[peer]?.optional)
                .sort(),
            PEERS,
        );
        // The policy pack's SDK is needed only by those who run the pack.
        assert.deepEqual(packageJson.peerDependenciesMeta, { "@pulumi/policy": { optional: true } });
        assert.match(packageJson.devDependencies["@pulumi/policy"], /^\d+\.\d+\.\d+$/);
        for (const peer of PEERS) {
            assert.equal(packageJson.dependencies?.[peer], undefined, `${peer} must not be a dependency`);
            assert.match(packageJson.devDependencies[peer], /^\d+\.\d+\.\d+$/, `${peer} is not pinned for the tests`);
        }
    });

    it("exports CortexSecureCluster as a component class from the unpacked package", () => {
        // A plain node process: the package loads with nothing but its dependencies and peers.
        const report = run(
            process.execPath,
            [
                "-e",
                `const pulumi = require("@pulumi/pulumi");
                 const lib = require(${JSON.stringify(unpacked)});
                 console.log(JSON.stringify({
                     type: typeof lib.CortexSecureCluster,
                     component: lib.CortexSecureCluster.prototype instanceof pulumi.ComponentResource,
                     token: lib.CORTEX_SECURE_CLUSTER_TYPE,
                 }));`,
            ],
            scratch,
        );
        assert.deepEqual(JSON.parse(report), {
            type: "function",
            component: true,
            token: "cortex-secure-cluster:index:CortexSecureCluster",
        });
    });

    it("registers nothing when the compiled entry is imported into a running program", async () => {
        const before = mockCloud.resources.length;
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const lib = require(join(unpacked, "dist/components/index.js")) as typeof import("../components");
        await quiescence();
        assert.equal(mockCloud.resources.length, before);
        // The packaged class does register through this program's (mock) engine when used, so the
        // check above would have seen anything declared on import.
        new lib.CortexSecureCluster("packaged", { flowLogs: false, vpcEndpoints: "none" });
        await quiescence();
        assert.ok(mockCloud.resources.some((r) => r.type === lib.CORTEX_SECURE_CLUSTER_TYPE && r.name === "packaged"));
    });

    it("type-checks and runs in a compiled consumer program importing it by name", () => {
        const consumer = join(scratch, "consumer");
        mkdirSync(join(consumer, "node_modules"), { recursive: true });
        symlinkSync(unpacked, join(consumer, "node_modules", packageJson.name), "dir");
        writeFileSync(
            join(consumer, "index.ts"),
            `import * as pulumi from "@pulumi/pulumi";
import { CortexSecureCluster, CortexSecureClusterArgs } from "cortex-secure-cluster";

const args: CortexSecureClusterArgs = { subnetVisibility: "private", natGateway: "highly_available", tags: { team: "ml" } };
export function declare(): pulumi.Output<string> {
    return new CortexSecureCluster("cortex", args).vpcId;
}
console.log(typeof CortexSecureCluster, typeof declare);
`,
        );
        writeFileSync(
            join(consumer, "tsconfig.json"),
            JSON.stringify({
                compilerOptions: {
                    strict: true,
                    target: "ES2022",
                    module: "node16",
                    moduleResolution: "node16",
                    outDir: "dist",
                    skipLibCheck: true,
                    types: [],
                },
                files: ["index.ts"],
            }),
        );
        run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", consumer], consumer);
        assert.equal(run(process.execPath, [join(consumer, "dist/index.js")], consumer).trim(), "function function");
    });

    it("fails a consumer's type check on an argument that does not exist", () => {
        const consumer = join(scratch, "consumer");
        writeFileSync(
            join(consumer, "bad.ts"),
            `import { CortexSecureClusterArgs } from "cortex-secure-cluster";\nexport const args: CortexSecureClusterArgs = { subnet_visibility: "public" };\n`,
        );
        writeFileSync(
            join(consumer, "tsconfig.bad.json"),
            JSON.stringify({
                compilerOptions: {
                    strict: true,
                    module: "node16",
                    moduleResolution: "node16",
                    noEmit: true,
                    skipLibCheck: true,
                    types: [],
                },
                files: ["bad.ts"],
            }),
        );
        assert.throws(
            () =>
                run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(consumer, "tsconfig.bad.json")], consumer),
            (error: { stdout?: string }) => /subnet_visibility/.test(error.stdout ?? ""),
        );
    });
});
