// The AWS shared credentials file (`~/.aws/credentials`, INI): one profile read or written, every
// other line kept as it was.
import { homedir } from "node:os";
import { join } from "node:path";
import type { CliAccessKey } from "../components/cliConfig";

/** Where the AWS CLI and SDKs read profiles: `$AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
export function credentialsFilePath(env: NodeJS.ProcessEnv): string {
    return env.AWS_SHARED_CREDENTIALS_FILE || join(env.HOME || homedir(), ".aws", "credentials");
}

const SECTION = /^\s*\[\s*([^\]]+?)\s*\]\s*$/;
const ENTRY = /^\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/;

/** The lines of `text` that belong to each profile: [start, end) line indexes of its body. */
function sections(lines: string[]): Map<string, { header: number; end: number }> {
    const found = new Map<string, { header: number; end: number }>();
    let current: string | undefined;
    lines.forEach((line, index) => {
        const section = SECTION.exec(line);
        if (section) {
            if (current !== undefined) found.get(current)!.end = index;
            current = section[1];
            found.set(current, { header: index, end: lines.length });
        }
    });
    return found;
}

/** A profile's access key, or undefined when the file has no such profile with both key fields. */
export function readProfileKey(text: string | undefined, profile: string): CliAccessKey | undefined {
    if (text === undefined) return undefined;
    const lines = text.split(/\r?\n/);
    const section = sections(lines).get(profile);
    if (!section) return undefined;
    const values: Record<string, string> = {};
    for (const line of lines.slice(section.header + 1, section.end)) {
        const entry = ENTRY.exec(line);
        if (entry) values[entry[1].toLowerCase()] = entry[2];
    }
    const accessKeyId = values.aws_access_key_id;
    const secretAccessKey = values.aws_secret_access_key;
    return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

/** `text` with the profile set to `key` (replaced where it was, else appended); every other line kept. */
export function withProfileKey(text: string | undefined, profile: string, key: CliAccessKey): string {
    const body = [`[${profile}]`, `aws_access_key_id = ${key.accessKeyId}`, `aws_secret_access_key = ${key.secretAccessKey}`];
    if (text === undefined || text.trim() === "") return `${body.join("\n")}\n`;
    const lines = text.split(/\r?\n/);
    const section = sections(lines).get(profile);
    if (!section) {
        const trimmed = text.replace(/\s*$/, "");
        return `${trimmed}\n\n${body.join("\n")}\n`;
    }
    // Keep the profile's other settings (region, output); replace only its keys and drop a session token.
    const settings = lines
        .slice(section.header + 1, section.end)
        .filter((line) => !/^\s*aws_(access_key_id|secret_access_key|session_token)\s*=/i.test(line));
    return [...lines.slice(0, section.header), ...body, ...settings, ...lines.slice(section.end)].join("\n").replace(/\n*$/, "\n");
}
