import * as pulumi from "@pulumi/pulumi";

/** One statement of an IAM policy document, in AWS's JSON shape. */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | Record<string, string | string[]>;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document (identity, trust or resource policy), as AWS reads it. */
export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** A policy document as the JSON string IAM and S3 resources take. */
export function policyJson(document: pulumi.Input<PolicyDocument>): pulumi.Output<string> {
    return pulumi.output(document).apply((resolved) => JSON.stringify(resolved));
}
