// The offline plan cannot decrypt a stack file's secure: values: placeholders that pass validation
// stand in for the settings that may be secrets.
import * as YAML from "yaml";

/** Stand-ins for encrypted runtime keys, valid in form so the rules can still be checked. */
const PLACEHOLDER_KEY = { accessKeyId: "AKIAOFFLINEPLAN00000", secretAccessKey: "offline/plan/placeholder/secret/key/0000" };
// What an encrypted field of runtimeCredentials stands for (with --path, each field is its own secret).
const PLACEHOLDER_CREDENTIAL_FIELDS: Record<string, string> = { ...PLACEHOLDER_KEY, namespace: "default", serviceAccount: "operator" };

const isSecure = (value: unknown): value is { secure: string } =>
    typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;

/**
 * Replaces the stack file's encrypted (`secure:`) values of the settings that may be secrets with
 * placeholders that pass validation, since the plan cannot decrypt them; returns what stands in for
 * what, to say in the plan. Any other encrypted setting is left for validation to refuse.
 */
export function placeholdersForSecrets(
    stackFile: string,
    project: string,
    config: Record<string, string>,
    secretKeys: ReadonlySet<string>,
    place: { region: string; accountId: string },
): string[] {
    const { region, accountId } = place;
    const said: string[] = [];
    const arns: Record<string, string> = {
        sslCertificateArn: `arn:aws:acm:${region}:${accountId}:certificate/00000000-0000-0000-0000-000000000000`,
        secretsEncryptionKeyArn: `arn:aws:kms:${region}:${accountId}:key/00000000-0000-0000-0000-000000000000`,
    };
    for (const [setting, arn] of Object.entries(arns)) {
        if (!secretKeys.has(`${project}:${setting}`)) continue;
        config[`${project}:${setting}`] = arn;
        said.push(`${setting} (${arn})`);
    }

    const credentialsKey = `${project}:runtimeCredentials`;
    if (secretKeys.has(credentialsKey)) {
        const written = ((YAML.parse(stackFile) as { config?: Record<string, unknown> }).config ?? {})[credentialsKey] as
            Record<string, unknown> | undefined;
        if (isSecure(written)) {
            // Encrypted as a whole: its mode cannot be read either.
            config[credentialsKey] = JSON.stringify({ mode: "provided", ...PLACEHOLDER_KEY });
            said.push('runtimeCredentials (encrypted as a whole; planned as {mode: "provided"} with placeholder keys)');
        } else if (typeof written === "object" && written !== null) {
            const credentials: Record<string, unknown> = {};
            for (const [field, value] of Object.entries(written)) {
                if (!isSecure(value)) {
                    credentials[field] = value;
                } else if (field in PLACEHOLDER_CREDENTIAL_FIELDS) {
                    credentials[field] = PLACEHOLDER_CREDENTIAL_FIELDS[field];
                    said.push(
                        `runtimeCredentials.${field}${field === "secretAccessKey" ? "" : ` (${PLACEHOLDER_CREDENTIAL_FIELDS[field]})`}`,
                    );
                } else {
                    credentials[field] = value.secure;
                }
            }
            if (isSecure(written.mode)) {
                // The mode the other fields belong to.
                const mode =
                    "accessKeyId" in written
                        ? "provided"
                        : "namespace" in written || "serviceAccount" in written
                          ? "serviceAccountRole"
                          : "iamUser";
                credentials.mode = mode;
                said.push(`runtimeCredentials.mode (${mode}, from the fields beside it)`);
            }
            config[credentialsKey] = JSON.stringify(credentials);
        }
    }
    return said;
}
