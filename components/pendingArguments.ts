// Arguments that arrive as Outputs where the component must know the value to decide what to build
// (a whole `runtimeCredentials` sent as one secret, as Pulumi YAML and other languages may): the
// component waits for them, then checks and builds as usual.
import * as pulumi from "@pulumi/pulumi";
import { CortexSecureClusterArgs } from "./args";

/**
 * The places whose TypeScript type is `pulumi.Input`: an Output there is passed on to the resources
 * (its rule checked when it resolves). `[]` is any element of a list. The plugin test holds this list
 * to the schema's non-plain inputs.
 */
export const INPUT_PATHS: readonly string[] = [
    "sslCertificateArn",
    "secretsEncryptionKeyArn",
    "modelBucketArns[]",
    "existingVpc.vpcId",
    "existingVpc.publicSubnetIds[]",
    "existingVpc.privateSubnetIds[]",
    "existingVpc.routeTableIds[]",
    "runtimeCredentials.accessKeyId",
    "runtimeCredentials.secretAccessKey",
    "vpcPeering[].vpcId",
    "vpcPeering[].routeTableIds[]",
];

const isPending = (value: unknown): value is pulumi.Output<unknown> | Promise<unknown> =>
    pulumi.Output.isInstance(value) || value instanceof Promise;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value) && !pulumi.Resource.isInstance(value);

const child = (path: string, key: string | number) => (typeof key === "number" ? `${path}[]` : path ? `${path}.${key}` : key);

/** Whether some argument is an Output (or Promise) where its value decides what is built. */
export function hasPendingArguments(value: unknown, path = ""): boolean {
    if (INPUT_PATHS.includes(path)) return false;
    if (isPending(value)) return true;
    if (Array.isArray(value)) return value.some((item, index) => hasPendingArguments(item, child(path, index)));
    if (isPlainObject(value)) return Object.entries(value).some(([key, item]) => hasPendingArguments(item, child(path, key)));
    return false;
}

/** The arguments once every Output outside {@link INPUT_PATHS} has resolved, and where one was unknown. */
export interface ResolvedArguments {
    args: CortexSecureClusterArgs;
    /** Arguments not known yet (during a preview, values of resources still to be created). */
    unknown: string[];
}

/**
 * Waits for the Outputs that decide what is built and puts their values in place. A secret keeps its
 * secrecy where the value may stay an Output ({@link INPUT_PATHS}, e.g. the keys of a secret
 * `runtimeCredentials`); elsewhere (a mode, a namespace) it is used as a plain value.
 */
export async function resolvePendingArguments(args: CortexSecureClusterArgs): Promise<ResolvedArguments> {
    const unknown: string[] = [];
    const resolve = async (value: unknown, path: string, secret: boolean): Promise<unknown> => {
        const input = INPUT_PATHS.includes(path);
        if (pulumi.Output.isInstance(value)) {
            if (input) return secret ? pulumi.secret(value) : value;
            // The SDK's own record of the value and whether it is known; its types keep them internal.
            const internal = value as unknown as { isKnown: Promise<boolean>; promise(): Promise<unknown> };
            if (!(await internal.isKnown)) {
                unknown.push(path);
                return undefined;
            }
            const isSecret = await pulumi.isSecret(value);
            const resolved = await internal.promise();
            return resolve(resolved, path, secret || isSecret);
        }
        if (value instanceof Promise) return input ? value : resolve(await value, path, secret);
        if (Array.isArray(value)) return Promise.all(value.map((item, index) => resolve(item, child(path, index), secret)));
        if (isPlainObject(value)) {
            const entries = await Promise.all(
                Object.entries(value).map(async ([key, item]) => [key, await resolve(item, child(path, key), secret)]),
            );
            return Object.fromEntries(entries);
        }
        return input && secret && value !== undefined ? pulumi.secret(value) : value;
    };
    const resolved = (await resolve(args, "", false)) as CortexSecureClusterArgs;
    return { args: resolved, unknown };
}
