// Where the stack deploys: the region and partition of the AWS provider, as the engine resolves them.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The region and the partition (`aws`, `aws-cn`, `aws-us-gov`) the component's resources are made in. */
export function deployTarget(parent: pulumi.Resource): { region: pulumi.Output<string>; partition: pulumi.Output<string> } {
    return {
        region: aws.getRegionOutput({}, { parent }).region,
        partition: aws.getPartitionOutput({}, { parent }).partition,
    };
}
