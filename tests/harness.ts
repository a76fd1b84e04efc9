import * as pulumi from "@pulumi/pulumi";
import { CortexSecureCluster, CortexSecureClusterArgs } from "../components";
import { resolveSettings } from "../components/settings";
import { CLUSTER_PARTS, ClusterPartName, clusterPartType } from "../components/parts";
import { mockCloud, quiescence, RecordedResource } from "../tools/mockCloud";

let built = 0;

/** A KMS key for parts built on their own in a test. */
export const TEST_KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

/** Where the tests administer their clusters from, unless a test says otherwise. */
export const TEST_ADMIN_CIDRS = ["198.51.100.0/24"];

/**
 * The arguments with the tests' admin allow list, unless `adminCidrAllowList` is among them (even
 * as undefined, to build with none): an admin plane open to the internet needs one.
 */
export function withAdmins(args: CortexSecureClusterArgs = {}): CortexSecureClusterArgs {
    return "adminCidrAllowList" in args ? args : { adminCidrAllowList: TEST_ADMIN_CIDRS, ...args };
}

/** The value an Output resolves to. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/** Whether an Output is marked secret. */
export function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
    return pulumi.isSecret(output);
}

const SECRET_SIGNATURE = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };

/** A serialized value with every secret replaced by a marker: what a diff, the state or a log shows in plain text. */
export function withoutSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutSecrets);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIGNATURE.key] === SECRET_SIGNATURE.value) return "[secret]";
    return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, withoutSecrets(child)]));
}

/** A recorded value with every secret unwrapped: what the cloud receives. */
export function revealed(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(revealed);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIGNATURE.key] === SECRET_SIGNATURE.value) return revealed(record.value);
    return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, revealed(child)]));
}

/** The plain (non-secret) text of what a resource was registered with, and of a component's registered outputs. */
export function plainText(resource: RecordedResource): string {
    return JSON.stringify([withoutSecrets(resource.options.serializedInputs), withoutSecrets(resource.outputs ?? {})]);
}

/** What one build registered, and ways to find it. */
export class Built {
    constructor(
        readonly cluster: CortexSecureCluster,
        readonly name: string,
        readonly resources: RecordedResource[],
        /** What the component warned while it was built (`pulumi.log.warn`), kept out of the test output. */
        readonly warnings: string[] = [],
    ) {}

    /** Every resource of a type, e.g. `aws:lb/loadBalancer:LoadBalancer`. */
    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The one resource of a type whose name ends with `suffix`. */
    one(type: string, suffix = ""): RecordedResource {
        const matches = this.ofType(type).filter((r) => r.name.endsWith(suffix));
        if (matches.length !== 1) {
            throw new Error(`expected one ${type} named …${suffix}, found ${matches.map((r) => r.name).join(", ") || "none"}`);
        }
        return matches[0];
    }

    /** The part a resource hangs from (`Network`, `Identity`, ...), or undefined when its parent is no part. */
    partOf(resource: RecordedResource): ClusterPartName | undefined {
        const parent = this.resources.find((r) => r.urn === resource.options.parent);
        return Object.values(CLUSTER_PARTS).find((part) => parent?.type === clusterPartType(part));
    }
}

// What a component warns (pulumi.log.warn) while a test builds or plans it goes to that run's
// warnings, where the test can assert it, not to the test output; anything else is printed as usual.
const warn = pulumi.log.warn;
const collecting = new Set<string[]>();
pulumi.log.warn = (message, ...rest) => {
    if (collecting.size === 0) return warn(message, ...rest);
    for (const warnings of collecting) warnings.push(message);
    return Promise.resolve();
};

/** Runs `work`, collecting what is warned until it settles (also what runs beside it, if anything does). */
export async function withWarnings<T>(work: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
    const warnings: string[] = [];
    collecting.add(warnings);
    try {
        return { result: await work(), warnings };
    } finally {
        collecting.delete(warnings);
    }
}

/** Whether a value is plain data (no Output, no Promise, no class instance): the same data builds the same thing. */
function isPlainData(value: unknown): boolean {
    if (value === null || ["string", "number", "boolean", "undefined"].includes(typeof value)) return true;
    if (Array.isArray(value)) return value.every(isPlainData);
    return Object.getPrototypeOf(value) === Object.prototype && Object.values(value as object).every(isPlainData);
}

// Builds of plain arguments under the same mock cloud settings, shared by the tests of a process:
// a build is deterministic, only read, and most of a test's time.
const builds = new Map<string, Promise<Built>>();

/**
 * What plain arguments build: the settings they resolve to, so arguments that differ only by
 * stating a default share a build; undefined when they do not resolve (the build throws).
 */
function settingsKey(args: CortexSecureClusterArgs): string | undefined {
    try {
        return JSON.stringify(resolveSettings(withAdmins(args), { stackName: pulumi.getStack() }));
    } catch {
        return undefined;
    }
}

/**
 * Builds a component under the mock cloud (with {@link withAdmins}), waits until everything it declares is registered, and
 * returns what was registered (only this build's resources). Plain arguments that resolve to the
 * settings of an earlier build under the same mock cloud settings give that build; `fresh` builds again.
 */
export function build(args: CortexSecureClusterArgs = {}, { fresh = false } = {}): Promise<Built> {
    const settings = fresh || !isPlainData(args) ? undefined : settingsKey(args);
    if (settings === undefined) return buildNow(args);
    const { region, callerArn, subnetCidrs, existingRouteTableIds } = mockCloud;
    const key = JSON.stringify([settings, region, callerArn, subnetCidrs, existingRouteTableIds]);
    if (!builds.has(key)) {
        // A build that fails is not kept: a test of what a failure leaves behind builds again.
        const building = buildNow(args);
        builds.set(key, building);
        building.catch(() => builds.delete(key));
    }
    return builds.get(key)!;
}

async function buildNow(args: CortexSecureClusterArgs): Promise<Built> {
    built += 1;
    const name = `t${built}`;
    const { result: cluster, warnings } = await withWarnings(() =>
        withoutPulumiStackTraces(async () => {
            const declared = new CortexSecureCluster(name, withAdmins(args));
            await quiescence();
            return declared;
        }),
    );
    const resources = mockCloud.resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`));
    return new Built(cluster, name, resources, warnings);
}

/**
 * Runs a Pulumi program in this process without the stack trace Pulumi records for each of its
 * promises: capturing and source-mapping them is most of a build's time, and no test reads them.
 */
export async function withoutPulumiStackTraces<T>(work: () => Promise<T>): Promise<T> {
    // Counted: programs that overlap (two builds awaited together) restore the settings only when the last ends.
    if (quietPrograms++ === 0) {
        stackTraceLimit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        process.setSourceMapsEnabled(false);
    }
    try {
        return await work();
    } finally {
        if (--quietPrograms === 0) {
            process.setSourceMapsEnabled(true);
            Error.stackTraceLimit = stackTraceLimit;
        }
    }
}
let quietPrograms = 0;
let stackTraceLimit = Error.stackTraceLimit;
