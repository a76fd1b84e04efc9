// The rules of rules.ts as Pulumi stack policies. Importing this starts nothing; index.ts serves the pack.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { PlannedResource, Rule, RULES } from "./rules";

/** A preview's resource as the rules see it; a live preview hands secrets over unwrapped. */
export function fromPolicyResource(resource: PolicyResource): PlannedResource {
    return {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: resource.props,
        propertyDependencies: Object.fromEntries(
            Object.entries(resource.propertyDependencies ?? {}).map(([property, dependencies]) => [
                property,
                dependencies.map((dependency) => dependency.urn),
            ]),
        ),
        secretsVisible: false,
    };
}

export function toStackPolicy(rule: Rule): StackValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        validateStack: (args, reportViolation) => {
            for (const finding of rule.check(args.resources.map(fromPolicyResource))) {
                reportViolation(finding.message, finding.urn);
            }
        },
    };
}

/** Every rule as a stack policy, in report order. */
export const POLICIES: StackValidationPolicy[] = RULES.map(toStackPolicy);
