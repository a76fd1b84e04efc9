// The EKS control plane: who can reach the API endpoint, secrets encryption, control-plane logs,
// the authentication mode, and who is cluster admin through access entries.
import {
    DescribeAccessEntryCommand,
    DescribeClusterCommand,
    paginateListAccessEntries,
    paginateListAssociatedAccessPolicies,
    Cluster,
} from "@aws-sdk/client-eks";
import { Audit, setText } from "./context";

const ADMIN_POLICIES = new Set([
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
]);

/** Whether an access entry makes its principal an admin of the cluster. */
async function isAdmin(audit: Audit, principalArn: string): Promise<boolean> {
    const { eks } = audit.aws;
    const clusterName = audit.inputs.clusterName;
    const policies: { policyArn?: string; accessScope?: { type?: string } }[] = [];
    await audit.read("eks:ListAssociatedAccessPolicies", async () => {
        for await (const page of paginateListAssociatedAccessPolicies({ client: eks }, { clusterName, principalArn })) {
            policies.push(...(page.associatedAccessPolicies ?? []));
        }
    });
    if (policies.some((policy) => ADMIN_POLICIES.has(policy.policyArn ?? "") && policy.accessScope?.type === "cluster")) return true;
    const entry = await audit.read("eks:DescribeAccessEntry", () =>
        eks.send(new DescribeAccessEntryCommand({ clusterName, principalArn })),
    );
    return (entry?.accessEntry?.kubernetesGroups ?? []).includes("system:masters");
}

async function auditAccessEntries(audit: Audit): Promise<void> {
    const { inputs } = audit;
    const resource = `EKS cluster ${inputs.clusterName}`;
    const section = "Identities and what they may do";
    await audit.area(section, resource, "cluster admins (access entries)", async () => {
        const principals: string[] = [];
        await audit.read("eks:ListAccessEntries", async () => {
            for await (const page of paginateListAccessEntries({ client: audit.aws.eks }, { clusterName: inputs.clusterName })) {
                principals.push(...(page.accessEntries ?? []));
            }
        });
        const admins: string[] = [];
        for (const principal of principals) if (await isAdmin(audit, principal)) admins.push(principal);
        const declared = new Set(inputs.cluster.admins);
        const extra = admins.filter((admin) => !declared.has(admin));
        const missing = inputs.cluster.admins.filter((admin) => !admins.includes(admin));
        for (const admin of extra) {
            audit.drift(section, resource, `an admin the stack did not declare: ${admin}`, {
                declared: `admins ${setText(declared)}`,
                actual: `also ${admin}`,
                fix: `aws eks delete-access-entry --cluster-name ${inputs.clusterName} --principal-arn ${admin}, or add it to the stack's clusterAdmins`,
            });
        }
        if (missing.length > 0) {
            audit.drift(section, resource, "declared admins are missing", {
                declared: `admins ${setText(declared)}`,
                actual: `admins ${setText(admins)}`,
                fix: "run `pulumi up --refresh` on the stack to put back its access entries",
            });
        }
        if (extra.length === 0 && missing.length === 0)
            audit.ok(section, resource, "cluster admins are exactly the declared ones", setText(admins));
    });
}

/** The checks of one described cluster; `cluster` is what DescribeCluster answered. */
function auditDescribedCluster(audit: Audit, cluster: Cluster): void {
    const { inputs } = audit;
    const declared = inputs.cluster;
    const resource = `EKS cluster ${inputs.clusterName}`;
    const vpc = cluster.resourcesVpcConfig ?? {};
    const reach = "Who can reach what";
    const endpointText = (publicAccess: boolean | undefined, cidrs: string[]) =>
        publicAccess ? `public from ${setText(cidrs)}` : "no public endpoint";
    const cidrFlag =
        declared.publicAccessCidrs.length > 0
            ? ` --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs="${declared.publicAccessCidrs.join(",")}"`
            : "";
    audit.compare(
        reach,
        resource,
        "API endpoint public access",
        endpointText(declared.endpointPublicAccess, declared.publicAccessCidrs),
        endpointText(vpc.endpointPublicAccess, vpc.publicAccessCidrs ?? []),
        declared.endpointPublicAccess
            ? `aws eks update-cluster-config --name ${inputs.clusterName}${cidrFlag}`
            : `aws eks update-cluster-config --name ${inputs.clusterName} --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true`,
    );
    audit.compare(
        reach,
        resource,
        "API endpoint private access",
        "on",
        vpc.endpointPrivateAccess ? "on" : "off",
        `aws eks update-cluster-config --name ${inputs.clusterName} --resources-vpc-config endpointPrivateAccess=true`,
    );

    const data = "Data and logs";
    const keys = (cluster.encryptionConfig ?? [])
        .filter((config) => config.resources?.includes("secrets"))
        .map((config) => config.provider?.keyArn);
    audit.compare(
        data,
        resource,
        "Kubernetes secrets encrypted with KMS",
        declared.secretsKeyArn,
        setText(keys),
        `aws eks associate-encryption-config --cluster-name ${inputs.clusterName} --encryption-config '[{"resources":["secrets"],"provider":{"keyArn":"${declared.secretsKeyArn}"}}]'`,
    );
    const enabled = (cluster.logging?.clusterLogging ?? []).filter((setting) => setting.enabled).flatMap((setting) => setting.types ?? []);
    audit.compare(
        data,
        resource,
        "control-plane log types",
        setText(declared.logTypes),
        setText(enabled),
        `aws eks update-cluster-config --name ${inputs.clusterName} --logging '{"clusterLogging":[{"types":${JSON.stringify(declared.logTypes)},"enabled":true}]}'`,
    );

    audit.compare(
        "Identities and what they may do",
        resource,
        "authentication mode",
        declared.authenticationMode,
        cluster.accessConfig?.authenticationMode ?? "not reported",
        declared.authenticationMode === "API"
            ? `aws eks update-cluster-config --name ${inputs.clusterName} --access-config authenticationMode=API (first move every aws-auth ConfigMap mapping to an access entry)`
            : "run `pulumi up --refresh` on the stack",
    );
}

export async function auditCluster(audit: Audit): Promise<void> {
    const { inputs } = audit;
    const resource = `EKS cluster ${inputs.clusterName}`;
    await Promise.all([
        audit.area("Who can reach what", resource, "EKS cluster settings", async () => {
            const described = await audit.read(
                "eks:DescribeCluster",
                () => audit.aws.eks.send(new DescribeClusterCommand({ name: inputs.clusterName })),
                ["ResourceNotFoundException"],
            );
            if (described?.cluster === undefined) {
                audit.drift("Who can reach what", resource, "the cluster exists", {
                    declared: "an EKS cluster",
                    actual: "it is gone",
                    fix: "run `pulumi up --refresh` on the stack",
                });
                return;
            }
            auditDescribedCluster(audit, described.cluster);
        }),
        auditAccessEntries(audit),
    ]);
}
