// Pulumi.yaml: runs the stack program, and declares the same defaults as the code.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as YAML from "yaml";
import { CONFIG_NAMESPACE, parseStackConfig, resolveSettings } from "../components";
import { ARGUMENT_NAMES } from "../components/valueRules";
import { TEST_ADMIN_CIDRS, withAdmins } from "./harness";

interface ProjectConfigEntry {
    type: "string" | "integer" | "boolean" | "array";
    items?: { type: string };
    default: unknown;
}

const project = YAML.parse(readFileSync(join(__dirname, "..", "Pulumi.yaml"), "utf8")) as {
    name: string;
    main?: string;
    runtime: { name: string; options?: { typescript?: boolean } };
    config: Record<string, ProjectConfigEntry>;
};
const packageJson = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { main: string };

const codeDefaults = resolveSettings(withAdmins({})) as unknown as Record<string, unknown>;
const TYPE_CHECK: Record<ProjectConfigEntry["type"], (value: unknown) => boolean> = {
    string: (value) => typeof value === "string",
    integer: (value) => Number.isInteger(value),
    boolean: (value) => typeof value === "boolean",
    array: (value) => Array.isArray(value),
};

describe("Pulumi.yaml", () => {
    it("runs index.ts, not package.json's main (the library, which creates nothing)", () => {
        assert.equal(project.main, "index.ts");
        assert.notEqual(packageJson.main, "index.ts");
        assert.equal(project.runtime.name, "nodejs");
        assert.equal(project.runtime.options?.typescript, true);
    });

    // Running index.ts the way the host does: tests/hostedPrograms.test.ts.

    it("is named for the config namespace the stack program reads", () => {
        assert.equal(project.name, CONFIG_NAMESPACE);
    });

    it("declares only arguments of the component", () => {
        for (const key of Object.keys(project.config)) {
            assert.ok((ARGUMENT_NAMES as string[]).includes(key), `${key} is not an argument`);
        }
        assert.ok(Object.keys(project.config).length >= 10);
    });

    for (const [key, entry] of Object.entries(project.config)) {
        it(`declares ${key} with the code's default and a matching type`, () => {
            assert.deepEqual(entry.default, codeDefaults[key]);
            assert.ok(
                TYPE_CHECK[entry.type](entry.default),
                `${key}: default ${JSON.stringify(entry.default)} is not of type ${entry.type}`,
            );
            if (entry.type === "array") assert.ok((entry.default as unknown[]).every((item) => typeof item === entry.items?.type));
        });
    }

    it("hands the stack program defaults that resolve to the code's own", () => {
        // Pulumi passes every declared default to the program as config, scalars as text, lists as JSON.
        const config = Object.fromEntries(
            Object.entries(project.config).map(([key, entry]) => [
                `${CONFIG_NAMESPACE}:${key}`,
                typeof entry.default === "string" ? entry.default : JSON.stringify(entry.default),
            ]),
        );
        config[`${CONFIG_NAMESPACE}:adminCidrAllowList`] = JSON.stringify(TEST_ADMIN_CIDRS);
        assert.deepEqual(resolveSettings(parseStackConfig(config)), resolveSettings(withAdmins({})));
    });
});
