// The rules of rules.ts as Pulumi stack policies. Importing this starts nothing; index.ts serves the pack.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { plannedFrom, PlannedResource, Rule, RULES } from "./rules";

/**
 * @pulumi/policy hands props over behind a proxy that throws on the first unknown it is asked for,
 * and turns the whole policy into a "can't run during preview" advisory. The proxy gives its target
 * for this key: the deserialized props, unknowns still the engine's sentinels, which the rules read.
 */
const PROXY_TARGET = "__getSpecialProxyTarget";

function rawProps(props: unknown): Record<string, unknown> {
    const target = (props as Record<string, unknown> | undefined)?.[PROXY_TARGET];
    return (target ?? props ?? {}) as Record<string, unknown>;
}

/** A preview's resource as the rules see it; a live preview hands secrets over unwrapped. */
export function fromPolicyResource(resource: PolicyResource): PlannedResource {
    return plannedFrom({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        parent: resource.parent?.urn,
        props: rawProps(resource.props),
        propertyDependencies: Object.fromEntries(
            Object.entries(resource.propertyDependencies ?? {}).map(([property, dependencies]) => [
                property,
                dependencies.map((dependency) => dependency.urn),
            ]),
        ),
    });
}

/** The pack reports a finding whose deciding value is unknown as advisory, in the rule's own words. */
type ReportWithLevel = (args: { message: string; urn?: string; enforcementLevel?: "advisory" | "mandatory" }) => void;

export function toStackPolicy(rule: Rule): StackValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        validateStack: (args, reportViolation) => {
            // @pulumi/policy accepts an object with a level of its own; its type only declares the string form.
            const report = reportViolation as unknown as ReportWithLevel;
            for (const { message, urn, pending } of rule.check(args.resources.map(fromPolicyResource))) {
                report({ message, urn, enforcementLevel: pending ? "advisory" : rule.enforcementLevel });
            }
        },
    };
}

/** Every rule as a stack policy, in report order. */
export const POLICIES: StackValidationPolicy[] = RULES.map(toStackPolicy);
