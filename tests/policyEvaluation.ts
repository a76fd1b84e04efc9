// A small IAM evaluator for identity policies without conditions: enough to ask what a policy
// document lets its holder do, the way IAM answers (explicit deny > allow > implicit deny).
import { PolicyDocument, PolicyStatement } from "../components/policyDocument";

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function iamWildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
    const source = pattern
        .split("")
        .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
        .join("");
    return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

function applies(statement: PolicyStatement, action: string, resource: string): boolean {
    if (statement.Condition !== undefined) {
        throw new Error(`this evaluator does not read conditions (statement ${statement.Sid ?? "?"})`);
    }
    const actionMatches = asList(statement.Action).some((pattern) => iamWildcardMatch(pattern, action, true));
    const resourceMatches = asList(statement.Resource).some((pattern) => iamWildcardMatch(pattern, resource));
    return actionMatches && resourceMatches;
}

/** Whether the identity policy allows `action` on `resource`. */
export function allows(document: PolicyDocument, action: string, resource: string): boolean {
    const matching = document.Statement.filter((statement) => applies(statement, action, resource));
    return matching.some((s) => s.Effect === "Allow") && !matching.some((s) => s.Effect === "Deny");
}

/** Every (action, resource) pair the document names, statement by statement. */
export function grants(document: PolicyDocument): { sid: string | undefined; effect: string; action: string; resource: string }[] {
    return document.Statement.flatMap((statement) =>
        asList(statement.Action).flatMap((action) =>
            asList(statement.Resource).map((resource) => ({ sid: statement.Sid, effect: statement.Effect, action, resource })),
        ),
    );
}
