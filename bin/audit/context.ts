// What every area of the audit shares: the AWS clients, the declared posture, and the record of
// what was checked, what drifted and what could not be read.
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { EKSClient } from "@aws-sdk/client-eks";
import { ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
import type { AuditInputs } from "./inputs";

/** The report's groups, in the order the offline plan uses. */
export const SECTIONS = ["Who can reach what", "Nodes", "Identities and what they may do", "Data and logs"] as const;
export type Section = (typeof SECTIONS)[number];

/** One check: it matched, it drifted (with what to do), or it could not be read (and why). */
export interface CheckResult {
    section: Section;
    /** The AWS resource, by id or name. */
    resource: string;
    /** What was checked, in a few words. */
    check: string;
    status: "ok" | "drift" | "unchecked";
    declared?: string;
    actual?: string;
    fix?: string;
    /** unchecked: the IAM action that was refused, when that is why. */
    missingPermission?: string;
    /** unchecked: the error AWS answered. */
    error?: string;
}

/** The SDK clients the audit reads with; tests may hand in their own. */
export interface AwsClients {
    ec2: EC2Client;
    elbv2: ElasticLoadBalancingV2Client;
    elb: ElasticLoadBalancingClient;
    eks: EKSClient;
    iam: IAMClient;
    s3: S3Client;
    logs: CloudWatchLogsClient;
    sts: STSClient;
}

/** Client settings on top of the SDK's own defaults (credential chain, AWS_ENDPOINT_URL, retries). */
export type ClientConfig = Partial<{
    region: string;
    endpoint: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    maxAttempts: number;
}>;

/** One client per service, in the stack's region; the SDK's standard retry mode backs off on throttling. */
export function createClients(config: ClientConfig): AwsClients {
    // The SDK tells Node 20 users that its releases after January 2027 will need Node 22. The audit
    // runs the releases this package pins, which support Node 20 (package.json engines): the notice
    // is for whoever upgrades them, not for the user, so it is off unless the user set the switch.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    return {
        ec2: new EC2Client(config),
        elbv2: new ElasticLoadBalancingV2Client(config),
        elb: new ElasticLoadBalancingClient(config),
        eks: new EKSClient(config),
        iam: new IAMClient(config),
        s3: new S3Client({ ...config, forcePathStyle: config.endpoint !== undefined }),
        logs: new CloudWatchLogsClient(config),
        sts: new STSClient(config),
    };
}

/** A read that could not be made; the area records it as "could not check". */
export class CouldNotRead extends Error {
    constructor(
        readonly action: string,
        readonly denied: boolean,
        message: string,
    ) {
        super(message);
    }
}

/** The error's name as the SDK reports it. */
export const errorName = (error: unknown): string => (error as { name?: string; Code?: string }).name ?? "";

const DENIED = /AccessDenied|UnauthorizedOperation|Unauthorized|Forbidden|AuthorizationError/i;

function isDenied(error: unknown): boolean {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return DENIED.test(errorName(error)) || status === 403;
}

/** An audit run: the declared posture, the clients, and the results so far. */
export class Audit {
    readonly results: CheckResult[] = [];

    constructor(
        readonly inputs: AuditInputs,
        readonly aws: AwsClients,
        private readonly onProgress: (done: string) => void = () => {},
    ) {}

    /**
     * Makes one read-only call, named by its IAM action. Errors named in `absentWhen` mean the
     * resource is not there (returned as undefined); any other error is a {@link CouldNotRead}.
     */
    async read<T>(action: string, call: () => Promise<T>, absentWhen: string[] = []): Promise<T | undefined> {
        try {
            return await call();
        } catch (error) {
            if (absentWhen.includes(errorName(error))) return undefined;
            const denied = isDenied(error);
            throw new CouldNotRead(action, denied, `${errorName(error) || "error"}: ${(error as Error).message}`);
        }
    }

    ok(section: Section, resource: string, check: string, declared?: string): void {
        this.results.push({ section, resource, check, status: "ok", declared });
    }

    drift(section: Section, resource: string, check: string, detail: { declared: string; actual: string; fix: string }): void {
        this.results.push({ section, resource, check, status: "drift", ...detail });
    }

    /** Records a check as ok when `actual` equals `declared`, else as drift with `fix`. */
    compare(section: Section, resource: string, check: string, declared: string, actual: string, fix: string): void {
        if (declared === actual) this.ok(section, resource, check, declared);
        else this.drift(section, resource, check, { declared, actual, fix });
    }

    /**
     * Runs one group of checks on one resource. A read that fails records the group as "could not
     * check" (with the refused permission) and the other groups go on.
     */
    async area(section: Section, resource: string, check: string, body: () => Promise<void>): Promise<void> {
        try {
            await body();
        } catch (error) {
            if (!(error instanceof CouldNotRead)) throw error;
            this.results.push({
                section,
                resource,
                check,
                status: "unchecked",
                missingPermission: error.denied ? error.action : undefined,
                error: error.message,
            });
        } finally {
            this.onProgress(check);
        }
    }
}

/** Sorted, comma-separated, or "none": how sets of ids and CIDRs are shown and compared. */
export function setText(values: Iterable<string | undefined>): string {
    const list = [...new Set([...values].filter((value): value is string => value !== undefined && value !== ""))].sort();
    return list.length > 0 ? list.join(", ") : "none";
}
