// The rule of `runtimeCredentials`: one object whose mode decides which fields it takes.
import { z } from "zod";
import { RuntimeCredentialsMode } from "./args";
import { choice, input, valueRules } from "./inputRules";

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsSubdomain = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Which fields each credentials mode takes, and which of them it requires. */
const CREDENTIAL_FIELDS: Record<RuntimeCredentialsMode, { required: string[]; optional: string[] }> = {
    iamUser: { required: [], optional: [] },
    provided: { required: ["accessKeyId", "secretAccessKey"], optional: [] },
    serviceAccountRole: { required: [], optional: ["namespace", "serviceAccount"] },
    nodeRole: { required: [], optional: [] },
};

export const runtimeCredentials = z
    .strictObject(
        {
            mode: choice(RuntimeCredentialsMode),
            accessKeyId: input(valueRules.accessKeyId).optional(),
            secretAccessKey: input(valueRules.secretAccessKey).optional(),
            namespace: z
                .string({ error: "a Kubernetes namespace name (a DNS label)" })
                .regex(dnsLabel, { error: "a Kubernetes namespace name (a DNS label)" })
                .optional(),
            serviceAccount: z
                .string({ error: "a Kubernetes service account name (a DNS subdomain)" })
                .regex(dnsSubdomain, { error: "a Kubernetes service account name (a DNS subdomain)" })
                .optional(),
        },
        { error: 'an object whose mode is "iamUser", "provided" (with accessKeyId, secretAccessKey), "serviceAccountRole" or "nodeRole"' },
    )
    .superRefine((credentials, ctx) => {
        const fields = CREDENTIAL_FIELDS[credentials.mode];
        for (const field of fields.required) {
            if ((credentials as Record<string, unknown>)[field] === undefined) {
                ctx.addIssue({
                    code: "custom",
                    path: [field],
                    input: undefined,
                    message: `a value: mode "${credentials.mode}" requires it`,
                });
            }
        }
        for (const [field, value] of Object.entries(credentials)) {
            if (field !== "mode" && value !== undefined && ![...fields.required, ...fields.optional].includes(field)) {
                ctx.addIssue({
                    code: "custom",
                    path: [field],
                    input: value,
                    message: `nothing: mode "${credentials.mode}" takes no ${field}`,
                });
            }
        }
    });
