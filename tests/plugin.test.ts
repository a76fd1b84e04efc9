// The component from any Pulumi language: the package as Pulumi serves it to `pulumi package add`
// consumers (run-plugin in the unpacked npm package, one process for the whole file: inferring the
// schema takes a while), its schema held to the TypeScript declarations, and Construct held to the
// TypeScript path.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";
import * as YAML from "yaml";
import * as components from "../components";
import { CORTEX_SECURE_CLUSTER_TYPE, CortexSecureClusterArgs, parseStackConfig, readStackFile } from "../components";
import { INPUT_PATHS } from "../components/pendingArguments";
import { mockCloud, quiescence, RecordedResource } from "../tools/mockCloud";
import { build, withAdmins } from "./harness";
import { PackedPackage, packageJson, packIntoConsumer } from "./packedPackage";
import { Constructed, PackageSchema, PluginHost, SchemaProperty, secretValue } from "./pluginHost";

const root = join(__dirname, "..");
const SECRET_KEY = "4dabf18193072939515e22adb298388d";

/** The TSDoc of a declaration: its prose, and its `@default` text. */
function tsDoc(node: ts.Node): { prose: string; default?: string } {
    const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
    const prose = docs.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "").join("\n");
    const tag = docs.flatMap((doc) => doc.tags ?? []).find((t) => t.tagName.text === "default");
    return { prose, default: tag ? ts.getTextOfJSDocComment(tag.comment)?.trim() : undefined };
}

/** The declarations of a source file, by name, parsed without type checking. */
function declarations(file: string): Map<string, ts.Node> {
    const source = ts.createSourceFile(file, readFileSync(join(root, file), "utf8"), ts.ScriptTarget.ES2022, true);
    const found = new Map<string, ts.Node>();
    source.forEachChild((node) => {
        if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name) found.set(node.name.text, node);
    });
    return found;
}

interface DeclaredProperty {
    name: string;
    optional: boolean;
    type: string;
    doc: { prose: string; default?: string };
}

function propertiesOf(node: ts.Node): DeclaredProperty[] {
    const members = ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node) ? node.members : ts.factory.createNodeArray();
    return members.flatMap((member) => {
        if (!(ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) || !ts.isIdentifier(member.name)) return [];
        const type = member.type!.getText();
        return [{ name: member.name.text, optional: !!member.questionToken || /\| undefined$/.test(type), type, doc: tsDoc(member) }];
    });
}

/** A value's shape: its keys and list lengths, leaves as their type (the mock cloud derives ids from names). */
function shape(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(shape);
    if (value !== null && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, shape(child)]));
    return typeof value;
}

/** Resources one build registered, named without the build's name, with the shape of their inputs. */
function byName(resources: RecordedResource[], name: string): Map<string, { type: string; inputs: string }> {
    const own = resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`));
    return new Map(
        own.map((r) => [`${r.type}::${r.name.replace(name, "NAME")}`, { type: r.type, inputs: JSON.stringify(shape(r.inputs)) }]),
    );
}

describe("plugin package (other Pulumi languages)", function () {
    this.timeout(120_000);
    let packed: PackedPackage;
    let host: PluginHost;
    let schema: PackageSchema;

    before(async () => {
        // `pulumi package add cortex-secure-cluster` runs the plugin in the installed package's folder.
        packed = packIntoConsumer();
        host = await PluginHost.start(packed.installed);
        schema = await host.schema();
    });

    after(() => {
        host?.stop();
        packed?.remove();
    });

    const component = () => schema.resources[CORTEX_SECURE_CLUSTER_TYPE];

    it("carries PulumiPlugin.yaml for the Node.js runtime, and serves the component (never the stack program) under its type token's package", () => {
        assert.deepEqual(YAML.parse(readFileSync(join(packed.installed, "PulumiPlugin.yaml"), "utf8")), { runtime: "nodejs" });
        assert.equal(schema.name, packageJson.name);
        assert.equal(schema.name, CORTEX_SECURE_CLUSTER_TYPE.split(":")[0]);
        assert.deepEqual(Object.keys(schema.resources), [CORTEX_SECURE_CLUSTER_TYPE]);
        assert.equal(component().isComponent, true);
    });

    it("declares every argument of CortexSecureClusterArgs and its types, with its rule and default in the description", () => {
        const args = declarations("components/args.ts");
        const checkObject = (interfaceName: string, properties: Record<string, SchemaProperty>, required: string[]) => {
            const declared = propertiesOf(args.get(interfaceName)!);
            assert.deepEqual(Object.keys(properties).sort(), declared.map((p) => p.name).sort(), interfaceName);
            assert.deepEqual(
                [...required].sort(),
                declared
                    .filter((p) => !p.optional)
                    .map((p) => p.name)
                    .sort(),
                interfaceName,
            );
            for (const property of declared) {
                const description = properties[property.name].description ?? "";
                // Inference renders a {@link} as "[object Object]".
                assert.doesNotMatch(description, /\[object Object\]/, `${interfaceName}.${property.name}`);
                assert.equal(description, property.doc.prose.trim(), `${interfaceName}.${property.name}`);
                if (property.doc.default !== undefined) {
                    // Generated SDKs drop TSDoc tags: the default is said in the prose as well.
                    assert.ok(
                        description.includes(`Default: ${property.doc.default}.`),
                        `${interfaceName}.${property.name}: ${description}`,
                    );
                }
            }
        };
        checkObject("CortexSecureClusterArgs", component().inputProperties, component().requiredInputs);
        for (const [token, type] of Object.entries(schema.types)) {
            const name = token.split(":")[2];
            if (type.properties && args.has(name)) checkObject(name, type.properties, type.required ?? []);
        }
        const described = Object.values(component().inputProperties).filter((p) => p.description?.includes("Default: "));
        assert.ok(described.length >= 30, `only ${described.length} arguments say their default`);
    });

    it("makes an enum of every choice, with the members of its `as const` object", () => {
        const enums = Object.entries(schema.types).filter(([, type]) => type.enum);
        const names = enums.map(([token]) => token.split(":")[2]).sort();
        assert.deepEqual(names, [
            "ApiGatewayAuthorization",
            "ControlPlaneLogType",
            "CortexVersion",
            "InstanceVolumeType",
            "LoadBalancerScheme",
            "NatGatewayStrategy",
            "RuntimeCredentialsMode",
            "S3EndpointAccess",
            "SubnetVisibility",
            "VpcEndpointsMode",
        ]);
        for (const [token, type] of enums) {
            const choices = (components as unknown as Record<string, Record<string, string>>)[token.split(":")[2]];
            assert.deepEqual(Object.fromEntries(type.enum!.map((member) => [member.name, member.value])), { ...choices }, token);
        }
        assert.equal(component().inputProperties.runtimeCredentials.$ref, "#/types/cortex-secure-cluster:index:RuntimeCredentials");
        assert.equal(
            schema.types["cortex-secure-cluster:index:RuntimeCredentials"].properties!.mode.$ref,
            "#/types/cortex-secure-cluster:index:RuntimeCredentialsMode",
        );
    });

    it("takes an Output exactly where the TypeScript type is pulumi.Input", () => {
        const inputs: string[] = [];
        const walk = (property: SchemaProperty, path: string, seen: Set<string>) => {
            if (property.type && !property.plain && property.type !== "array") inputs.push(path);
            if (property.items) walk(property.items, `${path}[]`, seen);
            const ref = property.$ref?.replace("#/types/", "");
            if (ref && !seen.has(ref)) {
                for (const [key, child] of Object.entries(schema.types[ref].properties ?? {}))
                    walk(child, `${path}.${key}`, new Set([...seen, ref]));
            }
        };
        for (const [key, property] of Object.entries(component().inputProperties)) walk(property, key, new Set());
        assert.deepEqual(inputs.sort(), [...INPUT_PATHS].sort());
    });

    it("infers a type for every argument and output: none is Any", () => {
        // The package leaves out the parts' sources (package.test.ts): a type taken from a part would
        // not resolve, and the inference would make it Any without a word.
        const anyTyped: string[] = [];
        const walk = (property: SchemaProperty, path: string): void => {
            if (property.$ref === "pulumi.json#/Any") anyTyped.push(path);
            if (property.items) walk(property.items, `${path}[]`);
            if (property.additionalProperties) walk(property.additionalProperties, `${path}{}`);
        };
        for (const [key, property] of Object.entries(component().inputProperties)) walk(property, `args.${key}`);
        for (const [key, property] of Object.entries(component().properties)) walk(property, `output ${key}`);
        for (const [token, type] of Object.entries(schema.types)) {
            for (const [key, property] of Object.entries(type.properties ?? {})) walk(property, `${token}.${key}`);
        }
        assert.deepEqual(anyTyped, []);
    });

    it("declares every output of the class, optional where a mode makes none, and not `settings`", () => {
        const declared = propertiesOf(declarations("components/cortexSecureCluster.ts").get("CortexSecureCluster")!);
        const outputs = component().properties;
        assert.deepEqual(Object.keys(outputs).sort(), declared.map((p) => p.name).sort());
        assert.ok(!("settings" in outputs));
        assert.deepEqual(
            [...component().required].sort(),
            declared
                .filter((p) => !p.optional)
                .map((p) => p.name)
                .sort(),
        );
        assert.equal(outputs.cortexVersion.$ref, "#/types/cortex-secure-cluster:index:CortexVersion");
        for (const property of declared) assert.equal(outputs[property.name].description, property.doc.prose.trim(), property.name);
    });

    /** Builds the same arguments through Construct and through TypeScript; returns both. */
    async function bothWays(name: string, args: CortexSecureClusterArgs, wire: Record<string, unknown> = args as Record<string, unknown>) {
        const constructed = await host.construct(CORTEX_SECURE_CLUSTER_TYPE, name, wire);
        await quiescence();
        const viaPlugin = byName(mockCloud.resources, name);
        const viaTypeScript = await build(args);
        return { constructed, viaPlugin, viaTypeScript: byName(viaTypeScript.resources, viaTypeScript.name), built: viaTypeScript };
    }

    const assertSameResources = (a: Map<string, { inputs: string }>, b: Map<string, { inputs: string }>) => {
        assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
        for (const [key, value] of a) assert.equal(value.inputs, b.get(key)!.inputs, key);
    };

    const isSecretWire = (value: unknown) => typeof value === "object" && value !== null && SECRET_KEY in value;

    it("builds the default cluster through Construct: the same resources as TypeScript, the kubeconfig a secret", async () => {
        const { constructed, viaPlugin, viaTypeScript } = await bothWays("plugin-default", withAdmins());
        assert.equal(constructed.error, undefined, constructed.error?.details);
        assert.ok(viaPlugin.size > 40, `${viaPlugin.size} resources`);
        assertSameResources(viaPlugin, viaTypeScript);
        const state = constructed.state!;
        assert.ok(isSecretWire(state.kubeconfig), "kubeconfig is sent as a secret");
        assert.equal(state.cortexVersion, "0.42");
        assert.match(String(state.operatorEndpoint), /^https:\/\//);
        assert.ok(!("settings" in state) && !("posture" in state));
    });

    it("builds Pulumi.prod.yaml's cluster through Construct as TypeScript does", async () => {
        const { config, secretKeys } = readStackFile(readFileSync(join(root, "Pulumi.prod.yaml"), "utf8"));
        const args = parseStackConfig(config, secretKeys);
        const { constructed, viaPlugin, viaTypeScript } = await bothWays("plugin-prod", args);
        assert.equal(constructed.error, undefined, constructed.error?.details);
        assertSameResources(viaPlugin, viaTypeScript);
        assert.ok([...viaPlugin.keys()].some((key) => key.startsWith("aws:ec2/vpcPeeringConnection:")));
    });

    it("answers bad input with the component's own error, and registers nothing of it", async () => {
        const args = { subnetVisibility: "privat", nodeGroups: [] } as unknown as CortexSecureClusterArgs;
        const constructed: Constructed = await host.construct(CORTEX_SECURE_CLUSTER_TYPE, "plugin-bad", args as Record<string, unknown>);
        assert.ok(constructed.error);
        const expected = (() => {
            try {
                new components.CortexSecureCluster("ts-bad", args);
            } catch (error) {
                return (error as Error).message;
            }
            return "no error";
        })();
        assert.match(expected, /^Invalid CortexSecureCluster arguments/);
        assert.equal(constructed.error.details, expected);
        assert.equal(byName(mockCloud.resources, "plugin-bad").size, 0);
    });

    it("accepts runtimeCredentials sent as one secret value: same resources, its keys kept secret", async () => {
        const credentials = { mode: "provided", accessKeyId: "AKIAABCDEFGHIJKLMNOP", secretAccessKey: "k".repeat(40) } as const;
        const args = withAdmins({ cortexVersion: "0.25", runtimeCredentials: credentials });
        const { constructed, viaPlugin, viaTypeScript } = await bothWays("plugin-secret", args, {
            ...args,
            runtimeCredentials: secretValue(credentials),
        });
        assert.equal(constructed.error, undefined, constructed.error?.details);
        assert.deepEqual([...viaPlugin.keys()].sort(), [...viaTypeScript.keys()].sort());
        assert.ok(isSecretWire(constructed.state!.runtimeSecretAccessKey));
        assert.ok(isSecretWire(constructed.state!.runtimeAccessKeyId));
        assert.ok(
            !JSON.stringify([...viaPlugin.values()]).includes(credentials.secretAccessKey),
            "the secret key is nowhere in plain text",
        );
    });

    it("checks a secret object when it resolves: a wrong mode is refused with the component's error", async () => {
        const constructed = await host.construct(CORTEX_SECURE_CLUSTER_TYPE, "plugin-secret-bad", {
            ...withAdmins(),
            runtimeCredentials: secretValue({ mode: "iamUser" }),
        });
        assert.ok(constructed.error);
        assert.match(constructed.error.details, /runtimeCredentials\.mode: got "iamUser"/);
    });

    it("the README's YAML program uses only arguments and enum values the schema declares", () => {
        const readme = readFileSync(join(root, "README.md"), "utf8");
        const block = readme.match(/## Use it from Python, Go, C#, Java or YAML[\s\S]*?```yaml\n([\s\S]*?)```/);
        assert.ok(block, "the README has a YAML example in its section");
        const program = YAML.parse(block[1]) as { resources: Record<string, { type: string; properties: Record<string, unknown> }> };
        const [resource] = Object.values(program.resources);
        assert.equal(resource.type, CORTEX_SECURE_CLUSTER_TYPE);
        const check = (value: unknown, property: SchemaProperty, path: string): void => {
            assert.ok(property, `${path} is not in the schema`);
            if (typeof value === "string" && value.startsWith("${")) return;
            const ref = property.$ref?.replace("#/types/", "");
            const type = ref ? schema.types[ref] : undefined;
            if (type?.enum)
                assert.ok(
                    type.enum.some((member) => member.value === value),
                    `${path}: ${value} is not one of ${ref}`,
                );
            else if (type?.properties)
                for (const [key, child] of Object.entries(value as object)) check(child, type.properties[key], `${path}.${key}`);
            else if (property.items) (value as unknown[]).forEach((item, index) => check(item, property.items!, `${path}[${index}]`));
            else if (property.type && property.type !== "object")
                assert.equal(typeof value, property.type === "integer" ? "number" : property.type, path);
        };
        for (const [key, value] of Object.entries(resource.properties)) check(value, component().inputProperties[key], key);
    });
});
