// The npm package: packed once, then used the way a consumer would use it.
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, posix, sep } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as typescript from "typescript";
import { mockCloud, quiescence } from "../tools/mockCloud";
import { withoutPulumiStackTraces } from "./harness";
import { linkInstalled, PackedPackage, packageJson, packIntoConsumer, PEERS, root, run } from "./packedPackage";

// The tsconfig.json of Pulumi's own TypeScript project templates (`pulumi new typescript`), which
// many consumer programs keep: node10 resolution, no esModuleInterop, no skipLibCheck.
const PULUMI_TEMPLATE_COMPILER_OPTIONS = {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: false,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
};

/**
 * A consumer project compiled by one TypeScript: the errors `tsc -p` would report (library checking
 * on) in the consumer's code and in this package's declarations, the packages whose types the program
 * drew in, and the emitted JavaScript. Node's and Pulumi's own declarations are parsed but not
 * re-checked: a consumer has them whether or not it uses this package, and checking them is most
 * of a `tsc` run's time.
 */
function compileConsumer(ts: typeof typescript, project: string, installed: string): { errors: string[]; packages: Set<string> } {
    const config = ts.readConfigFile(join(project, "tsconfig.json"), ts.sys.readFile.bind(ts.sys));
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, project);
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const ours = (file: typescript.SourceFile) =>
        file.fileName.startsWith(project + sep) || realpathSync(file.fileName).startsWith(realpathSync(installed) + sep);
    const diagnostics = [
        ...parsed.errors,
        ...program.getOptionsDiagnostics(),
        ...program.getGlobalDiagnostics(),
        ...program.getSyntacticDiagnostics(),
        ...program
            .getSourceFiles()
            .filter(ours)
            .flatMap((file) => program.getSemanticDiagnostics(file)),
    ];
    // One file at a time: an emit of the whole program would first check every declaration file.
    const emitted = program
        .getSourceFiles()
        .filter((file) => file.fileName.startsWith(project + sep))
        .map((file) => program.emit(file));
    const packages = new Set(
        program
            .getSourceFiles()
            // The package a file is in: what follows its path's last node_modules.
            .map((file) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(realpathSync(file.fileName))?.[1])
            .filter((name): name is string => name !== undefined),
    );
    const errors = [...diagnostics, ...emitted.flatMap((result) => result.diagnostics)].map((diagnostic) =>
        ts.formatDiagnostic(diagnostic, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => project, getNewLine: () => "\n" }),
    );
    return { errors, packages };
}

describe("npm package", function () {
    // Building (only when dist/ is stale) and type-checking a consumer take a while; both are done once.
    this.timeout(180_000);

    let packed: PackedPackage;
    let tarballFiles: string[];
    let consumer: string;
    let installed: string;
    let scratch: string;

    before(() => {
        packed = packIntoConsumer();
        ({ tarballFiles, consumer, installed, scratch } = packed);
    });

    after(() => packed?.remove());

    it("points main and types at the compiled library entry, and ships them", () => {
        assert.equal(packageJson.main, "dist/components/index.js");
        assert.equal(packageJson.types, "dist/components/index.d.ts");
        assert.ok(tarballFiles.includes("dist/components/index.js"), tarballFiles.join("\n"));
        assert.ok(tarballFiles.includes("dist/components/index.d.ts"), tarballFiles.join("\n"));
        for (const bin of Object.values(packageJson.bin ?? {})) {
            assert.ok(tarballFiles.includes(bin.replace(/^\.\//, "")), `bin ${bin} is not shipped`);
        }
    });

    it("ships compiled JavaScript, declarations, the README and the LICENSE, and what Pulumi infers the plugin's schema from", () => {
        for (const file of tarballFiles) {
            const shippable =
                /^(package\.json|README\.md|LICENSE)$/.test(file) ||
                // The plugin: its manifest, and the TypeScript the schema is inferred from (entry index.ts).
                /^(PulumiPlugin\.yaml|tsconfig\.json|index\.ts|components\/[A-Za-z]+\.ts)$/.test(file) ||
                /^dist\/(components|bin|policy)\/.+\.(js|d\.ts)$/.test(file) ||
                /^dist\/policy\/(PulumiPolicy\.yaml|package\.json)$/.test(file);
            assert.ok(shippable, `${file} should not be in the package`);
        }
        assert.ok(tarballFiles.includes("README.md"));
        assert.ok(!tarballFiles.some((file) => /(^|\/)tests?\//.test(file) || /^Pulumi\..*ya?ml$/.test(file) || file === "dist/index.js"));
    });

    it("ships every component source but those importing the providers, whose types would make schema inference slow", () => {
        // Pulumi parses the shipped sources and what they import at each plugin start: @pulumi/aws's
        // declarations alone are 30 MB. An import of a part not shipped stays unresolved, which the
        // inference does not need: the component's arguments and outputs are declared without them.
        const importsProviders = (file: string) =>
            /from "@pulumi\/(aws|awsx|eks|kubernetes)(\/[^"]*)?"/.test(readFileSync(join(root, file), "utf8"));
        const sources = readdirSync(join(root, "components"))
            .filter((file) => file.endsWith(".ts"))
            .map((file) => `components/${file}`);
        assert.deepEqual(
            tarballFiles.filter((file) => file.startsWith("components/")).sort(),
            sources.filter((file) => !importsProviders(file)).sort(),
        );
        assert.ok(!importsProviders("index.ts"));
    });

    it("ships the Apache-2.0 LICENSE that package.json names", () => {
        assert.equal(packageJson.license, "Apache-2.0");
        assert.ok(tarballFiles.includes("LICENSE"), "LICENSE is not in the package");
        const license = readFileSync(join(installed, "LICENSE"), "utf8");
        assert.match(license, /^\s*Apache License\s+Version 2\.0, January 2004/);
        assert.match(license, /END OF TERMS AND CONDITIONS/);
    });

    it("points no shipped file at a source map or source that is not shipped", () => {
        for (const file of tarballFiles.filter((path) => /\.(js|d\.ts)$/.test(path))) {
            for (const [, url] of readFileSync(join(installed, file), "utf8").matchAll(/^\/\/# sourceMappingURL=(.+)$/gm)) {
                const map = posix.join(posix.dirname(file), url.trim());
                assert.ok(tarballFiles.includes(map), `${file} points at ${map}, which is not shipped`);
                const { sources } = JSON.parse(readFileSync(join(installed, map), "utf8")) as { sources: string[] };
                for (const source of sources) {
                    const shipped = posix.join(posix.dirname(map), source);
                    assert.ok(tarballFiles.includes(shipped), `${map} points at ${shipped}, which is not shipped`);
                }
            }
        }
    });

    it("runs its bin, `cortex-secure-cluster cli-env`, with nothing but its dependencies installed", () => {
        const bin = join(consumer, "node_modules", ".bin", "cortex-secure-cluster");
        const help = spawnSync(bin, ["cli-env", "--help"], { cwd: consumer, encoding: "utf8" });
        assert.equal(help.status, 0, help.stderr);
        assert.match(help.stdout, /^Usage: cortex-secure-cluster cli-env/);

        const outputs = { cortexVersion: "0.42", cliEnvironment: { name: "dev", operator_endpoint: "https://operator.example.com" } };
        const merged = spawnSync(bin, ["cli-env", "--dry-run", "--config", join(scratch, "cli.yaml")], {
            cwd: consumer,
            input: JSON.stringify(outputs),
            encoding: "utf8",
        });
        assert.equal(merged.status, 0, merged.stderr);
        assert.match(merged.stdout, /operator_endpoint: https:\/\/operator\.example\.com/);
    });

    it("builds dist/ on `prepare` in a clone, its bin executable, and keeps the shipped dist/ in the unpacked package", () => {
        // npm runs the root package's prepare on `npm ci` and `npm install`, and before `npm pack`;
        // `pulumi package add` runs `npm install` in the package's folder, a clone or the unpacked package.
        assert.match(packageJson.scripts.prepare, /existsSync\('tsconfig\.build\.json'\) && .*execSync\('npm run build'/);
        assert.ok(existsSync(join(root, "tsconfig.build.json")), "a clone has what the build needs");
        assert.ok(!tarballFiles.includes("tsconfig.build.json"), "the package does not, and keeps its dist/");
        // What the build made in this clone: `npx cortex-secure-cluster` runs the bin file itself.
        for (const file of Object.values(packageJson.bin ?? {})) {
            assert.equal(statSync(join(root, file)).mode & 0o111, 0o111, `${file} is not executable`);
            assert.match(readFileSync(join(root, file), "utf8"), /^#!\/usr\/bin\/env node\n/);
        }
        run("npm", ["run", "prepare"], installed);
        assert.ok(existsSync(join(installed, "dist", "components", "index.js")));
        assert.equal(packageJson.scripts.prepack, undefined, "prepare already builds before packing; prepack would build twice");
        assert.match(packageJson.scripts.prebuild, /rmSync\('dist'/, "the build starts from an empty dist, so nothing stale is shipped");
    });

    it("ships a policy pack Pulumi can run from the installed package (dist/policy)", async () => {
        const packDir = join(installed, "dist", "policy");
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
        // The engine starts the pack in its folder and waits for the port it serves on; its SDK is the
        // consumer's (an optional peer).
        linkInstalled(join(consumer, "node_modules"), "@pulumi/policy");
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

    it("registers nothing when a program requires it by name, and registers through that program's engine when used", async () => {
        const before = mockCloud.resources.length;
        // Resolved from the consumer's folder, so the package finds nothing but the consumer's node_modules.
        const lib = createRequire(join(consumer, "index.js"))(packageJson.name) as typeof import("../components");
        await quiescence();
        assert.equal(mockCloud.resources.length, before);
        // The packaged class does register through this program's (mock) engine when used, so the
        // check above would have seen anything declared on import.
        await withoutPulumiStackTraces(async () => {
            new lib.CortexSecureCluster("packaged", { flowLogs: false, vpcEndpoints: "none", adminCidrAllowList: ["198.51.100.0/24"] });
            await quiescence();
        });
        assert.ok(mockCloud.resources.some((r) => r.type === lib.CORTEX_SECURE_CLUSTER_TYPE && r.name === "packaged"));
    });

    it("exports CortexSecureCluster as a component class, on the program's own @pulumi/pulumi (a peer)", () => {
        const lib = createRequire(join(consumer, "index.js"))(packageJson.name) as typeof import("../components");
        assert.equal(typeof lib.CortexSecureCluster, "function");
        assert.ok(lib.CortexSecureCluster.prototype instanceof pulumi.ComponentResource);
        assert.equal(lib.CORTEX_SECURE_CLUSTER_TYPE, "cortex-secure-cluster:index:CortexSecureCluster");
        const packagesPulumi = createRequire(join(installed, "package.json")).resolve("@pulumi/pulumi");
        assert.equal(realpathSync(packagesPulumi), realpathSync(require.resolve("@pulumi/pulumi")));
    });

    // Each TypeScript a consumer may compile with, as pinned devDependencies (no network at test time).
    const COMPILERS = [
        // TypeScript 6 refuses node10 resolution unless its deprecation is acknowledged.
        { label: "TypeScript 6", compiler: "typescript", options: { ignoreDeprecations: "6.0" } },
        // Pulumi's template projects still pin TypeScript 5: the package's .d.ts must not drag in zod's types.
        { label: "TypeScript 5", compiler: "typescript5", options: {} },
    ];
    for (const { label, compiler, options } of COMPILERS) {
        it(`type-checks and runs in a consumer with Pulumi's template tsconfig, exposing no dependency's types, ${label}`, () => {
            const project = join(consumer, label.replace(/\W+/g, "-"));
            mkdirSync(project);
            writeFileSync(
                join(project, "index.ts"),
                `import * as pulumi from "@pulumi/pulumi";
import { CortexSecureCluster, CortexSecureClusterArgs } from "cortex-secure-cluster";

const args: CortexSecureClusterArgs = { subnetVisibility: "private", natGateway: "highly_available", tags: { team: "ml" } };
// @ts-expect-error: a misspelt argument fails the consumer's type check
export const misspelt: CortexSecureClusterArgs = { subnet_visibility: "public" };
export function declare(): pulumi.Output<string> {
    return new CortexSecureCluster("cortex", args).vpcId;
}
export const kinds = [typeof CortexSecureCluster, typeof declare];
`,
            );
            writeFileSync(
                join(project, "tsconfig.json"),
                JSON.stringify({ compilerOptions: { ...PULUMI_TEMPLATE_COMPILER_OPTIONS, ...options } }),
            );
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const ts = require(join(root, "node_modules", compiler)) as typeof typescript;
            const { errors, packages } = compileConsumer(ts, project, installed);
            assert.deepEqual(errors, []);
            // The declarations reach the peers' types and nothing of the package's own dependencies.
            const dependencies = Object.keys(packageJson.dependencies ?? {});
            assert.deepEqual(
                [...packages].filter((name) => dependencies.includes(name)),
                [],
            );
            assert.ok(packages.has("@pulumi/pulumi"), [...packages].join(", "));
            // What the consumer's compiler emitted (its own interop, no esModuleInterop) loads and works.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const compiled = require(join(project, "bin", "index.js")) as { kinds: string[] };
            assert.deepEqual(compiled.kinds, ["function", "function"]);
        });
    }
});
