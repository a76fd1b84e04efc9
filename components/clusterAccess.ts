import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatProblems } from "./problems";
import { Settings } from "./settings";
import { Within } from "./parts";

/** The EKS access policy a cluster admin gets: everything, cluster-wide. */
export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

/**
 * The principal EKS records as a cluster's creator: the caller's own ARN, or for an assumed-role
 * session (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`) the role (its path is not in the
 * session ARN, so a role with a path shows without it).
 */
export function creatorPrincipal(callerArn: string): string {
    const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
    return session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : callerArn;
}

/** Who may administer the cluster: its creator (given admin by EKS) and `clusterAdmins`. */
export interface ClusterAccess {
    /** Whoever runs the first `pulumi up`: EKS makes the cluster's creator an admin through an access entry of its own. */
    creator: pulumi.Output<string>;
    /** `clusterAdmins`, each an access entry with the cluster admin policy. */
    admins: string[];
}

/**
 * An EKS access entry with the cluster admin policy for each of `clusterAdmins`. The identity that
 * runs `pulumi up` must not be among them: EKS already gave the cluster's creator an entry, and a
 * second one for the same principal fails. It is checked when the creator is known (at preview).
 */
export function createClusterAccess(part: {
    name: string;
    settings: Pick<Settings, "clusterAdmins">;
    clusterName: pulumi.Output<string>;
    tags: Record<string, string>;
    within: Within;
}): ClusterAccess {
    const { name, settings, clusterName, tags, within } = part;
    const { parent } = within;
    const creator = aws.getCallerIdentityOutput({}, { parent }).arn.apply(creatorPrincipal);
    const partition = aws.getPartitionOutput({}, { parent }).partition;
    settings.clusterAdmins.forEach((admin, index) => {
        const principalArn = creator.apply((creatorArn) => {
            if (creatorArn === admin) {
                throw new pulumi.ResourceError(
                    formatProblems([
                        {
                            argument: `clusterAdmins[${index}]`,
                            value: admin,
                            allowed:
                                "an identity other than the one running pulumi up, which EKS already made cluster admin as the cluster's creator",
                        },
                    ]),
                    parent,
                );
            }
            return admin;
        });
        const entry = new aws.eks.AccessEntry(`${name}-admin-${index}`, { clusterName, principalArn, type: "STANDARD", tags }, within);
        new aws.eks.AccessPolicyAssociation(
            `${name}-admin-${index}`,
            {
                clusterName,
                principalArn: entry.principalArn,
                policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`,
                accessScope: { type: "cluster" },
            },
            within,
        );
    });
    return { creator, admins: settings.clusterAdmins };
}
