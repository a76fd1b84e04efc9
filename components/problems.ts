// What is wrong with a user's input, and how it is told: one line per problem, secrets never shown.
// Shared by the arguments, the stack config, the CLI environment and the bin.
import * as pulumi from "@pulumi/pulumi";

/** One thing wrong with the arguments: which argument, what was given, what is allowed. */
export interface ArgumentProblem {
    argument: string;
    value: unknown;
    allowed: string;
    /** The value is a secret (e.g. a stack config key set with `--secret`): the message never shows it. */
    secret?: boolean;
}

const DEFAULT_SOURCE = "CortexSecureCluster arguments";

/** Thrown when the arguments break any rule; lists every problem at once. */
export class CortexSecureClusterArgsError extends Error {
    constructor(
        readonly problems: ArgumentProblem[],
        source = DEFAULT_SOURCE,
    ) {
        super(formatProblems(problems, source));
        this.name = "CortexSecureClusterArgsError";
    }
}

/**
 * Fields whose values are never printed, wherever they sit in a value. Key ids too: a caller who
 * swaps the two fields would otherwise see the secret printed as the "id".
 */
const SECRET_FIELD = /(secretAccessKey|accessKeyId|aws_secret_access_key|aws_access_key_id)$/i;
const HIDDEN_SECRET = "(a secret, not shown)";

/** The error text: one line per problem, `argument: got VALUE; allowed: ...`. */
export function formatProblems(problems: ArgumentProblem[], source = DEFAULT_SOURCE): string {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const lines = problems.map((p) => `  - ${p.argument}: got ${describeValue(p)}; allowed: ${p.allowed}`);
    return [`Invalid ${source} (${count}):`, ...lines].join("\n");
}

/** The value as a message shows it: secrets hidden, long values cut. */
export function describeValue(problem: ArgumentProblem): string {
    if (problem.value === undefined) {
        return "nothing";
    }
    if (problem.secret || SECRET_FIELD.test(problem.argument)) {
        return HIDDEN_SECRET;
    }
    const text = JSON.stringify(printable(problem.value, 0)) ?? String(problem.value);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** A copy of a value that is safe to print: secrets hidden, Outputs and other non-data named. */
function printable(value: unknown, depth: number): unknown {
    if (pulumi.Output.isInstance(value)) return "(an Output)";
    if (value instanceof Promise) return "(a Promise)";
    if (typeof value === "number" && !Number.isFinite(value)) return String(value);
    if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") return `(a ${typeof value})`;
    if (typeof value !== "object" || value === null) return value;
    // Deep or cyclic values (e.g. a resource passed by mistake) are cut short rather than walked.
    if (depth > 4) return "(…)";
    if (Array.isArray(value)) return value.map((item) => printable(item, depth + 1));
    return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, SECRET_FIELD.test(key) ? HIDDEN_SECRET : printable(item, depth + 1)]),
    );
}

/** The same problems without repeats (one value can break one rule through two paths). */
export function uniqueProblems(problems: ArgumentProblem[]): ArgumentProblem[] {
    const seen = new Set<string>();
    return problems.filter((problem) => {
        const key = `${problem.argument}\u0000${problem.allowed}\u0000${describeValue(problem)}`;
        return seen.has(key) ? false : (seen.add(key), true);
    });
}

/** Throws one {@link CortexSecureClusterArgsError} when there is any problem. */
export function throwIfAny(problems: ArgumentProblem[], source = DEFAULT_SOURCE): void {
    if (problems.length > 0) {
        throw new CortexSecureClusterArgsError(problems, source);
    }
}
