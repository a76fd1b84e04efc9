// Rule building blocks, and the rules of the values that may arrive as Outputs (ids and ARNs from other resources, keys from
// secrets): applied now when the value is plain, and by settings.ts when it resolves otherwise.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ACCESS_KEY_ID_PATTERN, SECRET_ACCESS_KEY_PATTERN } from "./constants";
import { ArgumentProblem } from "./problems";

// Building blocks every rule uses: each carries its "allowed" text as the message.
export const quoted = (values: readonly (string | number)[]) => values.map((v) => JSON.stringify(v)).join(", ");
export const oneOf = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]], { error: `one of ${quoted(values)}` });
/** The values of an `as const` choice object, e.g. `SubnetVisibility`. */
export const choice = <T extends Record<string, string>>(values: T) => oneOf(Object.values(values) as T[keyof T][]);

/** Rules for values that may arrive as Outputs: checked now when plain, when resolved otherwise. */
export const valueRules = {
    acmCertificateArn: z
        .string({ error: "an ACM certificate ARN" })
        .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, {
            error: "an ACM certificate ARN, arn:aws:acm:REGION:ACCOUNT:certificate/ID",
        }),
    kmsKeyArn: z.string({ error: "a KMS key ARN" }).regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, {
        error: "a KMS key ARN, arn:aws:kms:REGION:ACCOUNT:key/ID (not an alias)",
    }),
    s3BucketArn: z.string({ error: "an S3 bucket ARN" }).regex(/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
        error: "an S3 bucket ARN, arn:aws:s3:::BUCKET (no object path or wildcard)",
    }),
    vpcId: z.string({ error: "a VPC id" }).regex(/^vpc-[0-9a-f]{8,17}$/, { error: "a VPC id, vpc-…" }),
    subnetId: z.string({ error: "a subnet id" }).regex(/^subnet-[0-9a-f]{8,17}$/, { error: "a subnet id, subnet-…" }),
    routeTableId: z.string({ error: "a route table id" }).regex(/^rtb-[0-9a-f]{8,17}$/, { error: "a route table id, rtb-…" }),
    accessKeyId: z
        .string({ error: "an AWS access key id" })
        .regex(ACCESS_KEY_ID_PATTERN, { error: "an AWS access key id: AKIA or ASIA and 16 uppercase letters or digits" }),
    secretAccessKey: z
        .string({ error: "an AWS secret access key" })
        .regex(SECRET_ACCESS_KEY_PATTERN, { error: "an AWS secret access key: 40 characters of A–Z, a–z, 0–9, /, + and =" }),
};

/** A value that is still an Output or a Promise: its rule is applied when it resolves. */
export const isDeferred = (value: unknown): boolean => pulumi.Output.isInstance(value) || value instanceof Promise;

/** The rule of each value that arrived as an Output, by identity; read back when settings are resolved. */
export const deferredRules = new WeakMap<object, z.ZodType>();

/** A value that may be an Output or a Promise: its rule applies now only when it is plain. */
export const input = (rule: z.ZodType) =>
    z.unknown().superRefine((value, ctx) => {
        if (isDeferred(value)) {
            deferredRules.set(value as object, rule);
            return;
        }
        const result = rule.safeParse(value, { reportInput: true });
        for (const issue of result.error?.issues ?? []) {
            ctx.addIssue({ ...issue, code: "custom", message: issue.message, path: issue.path, input: issue.input } as never);
        }
    });

/** Checks one value against a rule: a problem, or undefined when it is fine. */
export function checkValue(argument: string, rule: z.ZodType, value: unknown): ArgumentProblem | undefined {
    const result = rule.safeParse(value, { reportInput: true });
    if (result.success) return undefined;
    return { argument, value, allowed: result.error.issues[0].message };
}
