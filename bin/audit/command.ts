// `cortex-secure-cluster audit`: reads the stack's declared posture from its outputs and the live
// account through the AWS SDK (read-only calls), and reports every difference.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { AUDITOR_POLICY } from "./auditorPolicy";
import { auditCluster } from "./cluster";
import { Audit, AwsClients, CheckResult, createClients, errorName, SECTIONS } from "./context";
import { auditIdentity } from "./identity";
import { AuditInputs, auditInputsFromStackOutputs, InputsError } from "./inputs";
import { auditLoadBalancers } from "./loadBalancers";
import { auditNetwork } from "./network";
import { auditNodes } from "./nodes";
import { auditStorage } from "./storage";

/** What the exit status means: CI tells drift from a broken audit. */
export const AUDIT_EXIT_CODES = {
    /** The account matches the stack. */
    match: 0,
    /** Some check could not run: missing permission, no credentials, unusable outputs or options. */
    couldNotCheck: 1,
    /** The account differs from the stack (this wins over checks that could not run). */
    drift: 2,
} as const;

const HELP = `Usage: cortex-secure-cluster audit [--outputs FILE] [--json] [--max-key-age-days N]
       cortex-secure-cluster audit --print-policy

Compares a deployed stack with the live AWS account, read-only:

  pulumi stack output --json | npx cortex-secure-cluster audit

It reads the stack's audit output, then the account with the AWS SDK's standard credential chain
(AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, instance roles, ...) in the stack's region, and
AWS_ENDPOINT_URL where set. Every difference is reported with the resource, what the stack
declared, what is there, and how to fix it.

Options:
  --outputs FILE         read the stack outputs from FILE instead of stdin; "-" is stdin
  --json                 print the result as JSON (for CI) instead of the report
  --max-key-age-days N   report runtime access keys older than N days (default 90)
  --print-policy         print the read-only IAM policy the audit needs, and exit
  -h, --help             show this help

Exit status:
  0  the account matches the stack
  1  could not check: a read was refused (the report names the missing permission), no
     credentials, or the stack outputs or options are not usable
  2  drift: the account differs from the stack
`;

/** Where the command reads and writes, so tests can run it in-process. */
export interface AuditIo {
    readStdin(): string;
    stdinIsTerminal: boolean;
    /** A progress line is drawn only on a terminal. */
    stderrIsTerminal: boolean;
    stdout(text: string): void;
    stderr(text: string): void;
    cwd: string;
}

/** What tests replace: the AWS clients and the clock. */
export interface AuditDependencies {
    clients?: (region: string) => AwsClients;
    now?: () => Date;
}

/** The whole result, as `--json` prints it. */
export interface AuditReport {
    clusterName: string;
    region: string;
    account?: string;
    caller?: string;
    result: "match" | "drift" | "could not check";
    counts: { ok: number; drift: number; unchecked: number };
    checks: CheckResult[];
}

class UsageError extends Error {}

function readOutputs(path: string | undefined, io: AuditIo): { text: string; source: string } {
    if (path !== undefined && path !== "-") {
        try {
            return { text: readFileSync(resolve(io.cwd, path), "utf8"), source: path };
        } catch (error) {
            throw new UsageError(`cannot read the stack outputs: ${(error as Error).message}`);
        }
    }
    if (io.stdinIsTerminal)
        throw new UsageError("no stack outputs: pipe `pulumi stack output --json` into this command, or pass --outputs FILE");
    return { text: io.readStdin(), source: "stdin" };
}

/** Runs every area at once; the SDK's retry backs off on throttling. */
export async function auditAccount(
    inputs: AuditInputs,
    clients: AwsClients,
    options: { now: Date; maxKeyAgeDays: number; onProgress?: (done: number, last: string) => void },
): Promise<CheckResult[]> {
    let done = 0;
    const audit = new Audit(inputs, clients, (last) => options.onProgress?.(++done, last));
    await Promise.all([
        auditLoadBalancers(audit),
        auditNodes(audit),
        auditCluster(audit),
        auditIdentity(audit, options),
        auditStorage(audit),
        auditNetwork(audit),
    ]);
    const order = (result: CheckResult) => SECTIONS.indexOf(result.section);
    return [...audit.results].sort((a, b) => order(a) - order(b));
}

export function reportOf(inputs: AuditInputs, checks: CheckResult[], caller?: { account?: string; arn?: string }): AuditReport {
    const count = (status: CheckResult["status"]) => checks.filter((check) => check.status === status).length;
    const counts = { ok: count("ok"), drift: count("drift"), unchecked: count("unchecked") };
    return {
        clusterName: inputs.clusterName,
        region: inputs.region,
        account: caller?.account,
        caller: caller?.arn,
        result: counts.drift > 0 ? "drift" : counts.unchecked > 0 ? "could not check" : "match",
        counts,
        checks,
    };
}

export function exitCodeOf(report: AuditReport): number {
    return { match: AUDIT_EXIT_CODES.match, drift: AUDIT_EXIT_CODES.drift, "could not check": AUDIT_EXIT_CODES.couldNotCheck }[
        report.result
    ];
}

/** The report people read: grouped like the offline plan, every finding with its fix. */
export function renderReport(report: AuditReport): string {
    const lines = [
        `AUDIT of the Cortex cluster ${report.clusterName} in ${report.region}${report.account ? ` (account ${report.account}, read as ${report.caller})` : ""}`,
        `Result: ${report.result.toUpperCase()}: ${report.counts.drift} drifted, ${report.counts.unchecked} could not be checked, ${report.counts.ok} match.`,
    ];
    for (const section of SECTIONS) {
        const checks = report.checks.filter((check) => check.section === section);
        if (checks.length === 0) continue;
        lines.push("", `== ${section} ==`);
        for (const check of [...checks].sort((a, b) => rank(a) - rank(b))) {
            if (check.status === "ok") {
                lines.push(`  ok     ${check.resource}: ${check.check}${check.declared ? ` (${check.declared})` : ""}`);
            } else if (check.status === "drift") {
                lines.push(
                    `  DRIFT  ${check.resource}: ${check.check}`,
                    `         declared: ${check.declared}`,
                    `         actual:   ${check.actual}`,
                    `         fix:      ${check.fix}`,
                );
            } else {
                lines.push(
                    `  COULD NOT CHECK  ${check.resource}: ${check.check}`,
                    check.missingPermission
                        ? `         missing permission: ${check.missingPermission} (the policy from \`cortex-secure-cluster audit --print-policy\` has it)`
                        : `         error: ${check.error}`,
                );
            }
        }
    }
    return lines.join("\n") + "\n";
}

const rank = (check: CheckResult) => ({ drift: 0, unchecked: 1, ok: 2 })[check.status];

function parse(args: string[]) {
    try {
        return parseArgs({
            args,
            options: {
                outputs: { type: "string" },
                json: { type: "boolean", default: false },
                "max-key-age-days": { type: "string" },
                "print-policy": { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
            allowPositionals: false,
            strict: true,
        }).values;
    } catch (error) {
        throw new UsageError(`${(error as Error).message}\nRun \`cortex-secure-cluster audit --help\` for the options.`);
    }
}

/** Runs `audit` with `args` (after the subcommand) and resolves to the exit status. */
export async function runAudit(args: string[], io: AuditIo, dependencies: AuditDependencies = {}): Promise<number> {
    let progressShown = false;
    const clearProgress = () => {
        if (progressShown) io.stderr("\r\x1b[K");
        progressShown = false;
    };
    try {
        const values = parse(args);
        if (values.help) {
            io.stdout(HELP);
            return AUDIT_EXIT_CODES.match;
        }
        if (values["print-policy"]) {
            io.stdout(JSON.stringify(AUDITOR_POLICY, null, 4) + "\n");
            return AUDIT_EXIT_CODES.match;
        }
        const maxKeyAgeDays = values["max-key-age-days"] === undefined ? 90 : Number(values["max-key-age-days"]);
        if (!Number.isInteger(maxKeyAgeDays) || maxKeyAgeDays < 1) {
            throw new UsageError(`--max-key-age-days must be a whole number of days ≥ 1, got ${values["max-key-age-days"]}`);
        }
        const { text, source } = readOutputs(values.outputs, io);
        const inputs = auditInputsFromStackOutputs(text, source);
        const clients = dependencies.clients?.(inputs.region) ?? createClients({ region: inputs.region });

        let caller;
        try {
            caller = await clients.sts.send(new GetCallerIdentityCommand({}));
        } catch (error) {
            throw new UsageError(
                `could not check anything: AWS did not accept the credentials (${errorName(error) || "error"}: ${(error as Error).message}). ` +
                    "Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for an identity with the audit's policy (--print-policy).",
            );
        }
        const checks = await auditAccount(inputs, clients, {
            now: dependencies.now?.() ?? new Date(),
            maxKeyAgeDays,
            onProgress: io.stderrIsTerminal
                ? (done, last) => {
                      progressShown = true;
                      io.stderr(`\r\x1b[Kreading AWS: ${done} checked, last ${last}`.slice(0, 120));
                  }
                : undefined,
        });
        clearProgress();
        const report = reportOf(inputs, checks, { account: caller.Account, arn: caller.Arn });
        io.stdout(values.json ? JSON.stringify(report, null, 2) + "\n" : renderReport(report));
        return exitCodeOf(report);
    } catch (error) {
        clearProgress();
        if (error instanceof UsageError || error instanceof InputsError) {
            io.stderr(`cortex-secure-cluster audit: ${error.message}\n`);
            return AUDIT_EXIT_CODES.couldNotCheck;
        }
        io.stderr(`cortex-secure-cluster audit: could not check: ${(error as Error).stack ?? error}\n`);
        return AUDIT_EXIT_CODES.couldNotCheck;
    }
}
