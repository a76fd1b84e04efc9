// Finds every problem with the arguments: each value against its own rule, then the joint rules.
// Pure: the same arguments always give the same problems.
import { z } from "zod";
import { isRecord, jointProblems, WellFormed } from "./jointRules";
import { ArgumentProblem, uniqueProblems } from "./problems";
import { ARGUMENT_NAMES, argsSchema } from "./valueRules";

type Path = readonly PropertyKey[];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `nodeGroups[0].name`, `tags["cost-center"]`: how a path into the arguments is written in messages. */
export function pathToArgument(path: Path): string {
    if (path.length === 0) return "(the arguments)";
    return path.reduce<string>((text, part) => {
        if (typeof part === "number") return `${text}[${part}]`;
        const key = String(part);
        if (!IDENTIFIER.test(key)) return `${text}[${JSON.stringify(key)}]`;
        return text === "" ? key : `${text}.${key}`;
    }, "");
}

function issueToProblems(issue: z.core.$ZodIssue): ArgumentProblem[] {
    const argument = pathToArgument(issue.path);
    if (issue.code === "unrecognized_keys") {
        const parent = (issue.input ?? {}) as Record<string, unknown>;
        const atTop = issue.path.length === 0;
        const known = atTop ? ARGUMENT_NAMES.join(", ") : "see the documented fields";
        return issue.keys.map((key) => ({
            argument: pathToArgument([...issue.path, key]),
            value: parent[key],
            allowed: `nothing: not a known ${atTop ? "argument" : "field"} (known: ${known})`,
        }));
    }
    if (issue.code === "invalid_union" && "discriminator" in issue && isRecord(issue.input)) {
        // A wrong `mode`: show the mode, not the whole object (which may hold keys).
        const options = (issue as { options?: unknown[] }).options ?? [];
        return [
            {
                argument,
                value: issue.input[String(issue.discriminator)],
                allowed: `one of ${options.map((o) => JSON.stringify(o)).join(", ")}`,
            },
        ];
    }
    if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input")) {
        return [{ argument, value: issue.input, allowed: `a ${issue.expected}` }];
    }
    return [{ argument, value: issue.input, allowed: issue.message }];
}

const startsWith = (path: Path, prefix: Path) => prefix.length <= path.length && prefix.every((part, i) => part === path[i]);

function wellFormedGiven(issues: readonly z.core.$ZodIssue[]): WellFormed {
    const reported: Path[] = issues.flatMap((issue) =>
        issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...issue.path, key]) : [issue.path],
    );
    return (...path) => !reported.some((bad) => startsWith(path, bad) || startsWith(bad, path));
}

/**
 * Every problem with the arguments, found without touching the cloud. Values that are Outputs are
 * left for when they resolve (see `settings.ts`).
 */
export function findArgumentProblems(args: unknown): ArgumentProblem[] {
    const given = args ?? {};
    const parsed = argsSchema.safeParse(given, { reportInput: true });
    const issues = parsed.success ? [] : parsed.error.issues;
    const problems = issues.flatMap(issueToProblems);
    // Joint rules run even when single values are wrong, so one run reports everything.
    if (isRecord(given)) {
        problems.push(...jointProblems(given, wellFormedGiven(issues)));
    }
    return uniqueProblems(problems);
}
