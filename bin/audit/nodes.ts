// The node groups as EKS runs them, the launch template version each uses, and every running
// instance: subnets, public IPs, IMDSv2 and hop limit, encrypted volumes, no key pair.
import {
    DescribeLaunchTemplateVersionsCommand,
    Instance,
    paginateDescribeInstances,
    paginateDescribeVolumes,
    ResponseLaunchTemplateData,
    Volume,
} from "@aws-sdk/client-ec2";
import { DescribeNodegroupCommand, paginateListNodegroups } from "@aws-sdk/client-eks";
import { Audit, setText } from "./context";
import { AuditInputs } from "./inputs";

const SECTION = "Nodes";
const REFRESH = "run `pulumi up --refresh` on the stack to put back what it declares";
const ROLL = "then replace the nodes (aws eks update-nodegroup-version --force, or cordon and terminate them) so they start from it";

const nodeSubnets = (inputs: AuditInputs) => (inputs.subnetVisibility === "private" ? inputs.privateSubnetIds : inputs.publicSubnetIds);

/** What a launch template version says about metadata, volumes, keys and addresses. */
function templateFindings(inputs: AuditInputs, data: ResponseLaunchTemplateData): { check: string; declared: string; actual: string }[] {
    const found = [];
    const metadata = data.MetadataOptions;
    found.push({ check: "IMDSv2 required", declared: "required", actual: metadata?.HttpTokens ?? "optional (not set)" });
    found.push({
        check: "metadata hop limit",
        declared: String(inputs.metadataHopLimit),
        actual: String(metadata?.HttpPutResponseHopLimit ?? "default (1)"),
    });
    const volumes = (data.BlockDeviceMappings ?? []).filter((mapping) => mapping.Ebs !== undefined);
    found.push({
        check: "volumes encrypted",
        declared: "every volume encrypted",
        actual: volumes.every((mapping) => mapping.Ebs!.Encrypted === true)
            ? "every volume encrypted"
            : `unencrypted: ${setText(volumes.filter((mapping) => mapping.Ebs!.Encrypted !== true).map((mapping) => mapping.DeviceName))}`,
    });
    found.push({ check: "no SSH key pair", declared: "none", actual: data.KeyName ?? "none" });
    if (inputs.subnetVisibility === "private") {
        const publicIp = data.NetworkInterfaces?.[0]?.AssociatePublicIpAddress;
        found.push({ check: "no public IP", declared: "never", actual: publicIp === false ? "never" : "per subnet" });
    }
    return found;
}

async function auditNodeGroup(audit: Audit, declared: AuditInputs["nodeGroups"][number], inUse: Map<string, string>): Promise<void> {
    const { inputs } = audit;
    const resource = `node group ${declared.name}`;
    await audit.area(SECTION, resource, `node group ${declared.name}: subnets and launch template`, async () => {
        const found = await audit.read(
            "eks:DescribeNodegroup",
            () => audit.aws.eks.send(new DescribeNodegroupCommand({ clusterName: inputs.clusterName, nodegroupName: declared.name })),
            ["ResourceNotFoundException"],
        );
        const group = found?.nodegroup;
        if (group === undefined) {
            audit.drift(SECTION, resource, "the node group exists", {
                declared: "a managed node group",
                actual: "it is gone",
                fix: REFRESH,
            });
            return;
        }
        audit.compare(
            SECTION,
            resource,
            "subnets",
            setText(nodeSubnets(inputs)),
            setText(group.subnets ?? []),
            `a node group's subnets cannot change in place: ${REFRESH} (it replaces the node group)`,
        );
        const template = group.launchTemplate;
        const version = template?.version ?? "none";
        inUse.set(declared.name, version);
        audit.compare(
            SECTION,
            resource,
            "launch template in use",
            `${declared.launchTemplateId} version ${declared.launchTemplateVersion}`,
            template?.id ? `${template.id} version ${version}` : "no launch template",
            `aws eks update-nodegroup-version --cluster-name ${inputs.clusterName} --nodegroup-name ${declared.name} --launch-template id=${declared.launchTemplateId},version=${declared.launchTemplateVersion}`,
        );
        if (!template?.id) return;
        const versions = await audit.read(
            "ec2:DescribeLaunchTemplateVersions",
            () => audit.aws.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: template.id, Versions: [version] })),
            ["InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateId.VersionNotFound"],
        );
        const data = versions?.LaunchTemplateVersions?.[0]?.LaunchTemplateData;
        if (data === undefined) {
            audit.drift(SECTION, `launch template ${template.id}`, `version ${version} exists`, {
                declared: `version ${declared.launchTemplateVersion}`,
                actual: "not found",
                fix: REFRESH,
            });
            return;
        }
        for (const finding of templateFindings(inputs, data)) {
            audit.compare(
                SECTION,
                `launch template ${template.id} version ${version}`,
                finding.check,
                finding.declared,
                finding.actual,
                `go back to the stack's version: aws eks update-nodegroup-version --cluster-name ${inputs.clusterName} --nodegroup-name ${declared.name} --launch-template id=${declared.launchTemplateId},version=${declared.launchTemplateVersion}; ${ROLL}`,
            );
        }
    });
}

function instanceFindings(
    inputs: AuditInputs,
    instance: Instance,
    volumes: Volume[],
): { check: string; declared: string; actual: string }[] {
    const findings = [
        { check: "IMDSv2 required", declared: "required", actual: instance.MetadataOptions?.HttpTokens ?? "?" },
        {
            check: "metadata hop limit",
            declared: String(inputs.metadataHopLimit),
            actual: String(instance.MetadataOptions?.HttpPutResponseHopLimit ?? "?"),
        },
        { check: "no SSH key pair", declared: "none", actual: instance.KeyName ?? "none" },
        {
            check: "in the node subnets",
            declared: `one of ${setText(nodeSubnets(inputs))}`,
            actual: nodeSubnets(inputs).includes(instance.SubnetId ?? "")
                ? `one of ${setText(nodeSubnets(inputs))}`
                : `${instance.SubnetId}`,
        },
        {
            check: "volumes encrypted",
            declared: "every volume encrypted",
            actual: volumes.every((volume) => volume.Encrypted === true)
                ? "every volume encrypted"
                : `unencrypted: ${setText(volumes.filter((volume) => volume.Encrypted !== true).map((volume) => volume.VolumeId))}`,
        },
    ];
    if (inputs.subnetVisibility === "private") {
        findings.push({ check: "no public IP", declared: "none", actual: instance.PublicIpAddress ?? "none" });
    }
    return findings;
}

/** Every running node of the cluster, found by the tags EKS puts on managed nodes. */
async function auditInstances(audit: Audit, inUse: Map<string, string>): Promise<void> {
    const { inputs } = audit;
    await audit.area(SECTION, `instances of ${inputs.clusterName}`, "running nodes", async () => {
        const instances: Instance[] = [];
        await audit.read("ec2:DescribeInstances", async () => {
            const pages = paginateDescribeInstances(
                { client: audit.aws.ec2 },
                {
                    Filters: [
                        { Name: "tag:eks:cluster-name", Values: [inputs.clusterName] },
                        { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
                    ],
                },
            );
            for await (const page of pages)
                instances.push(...(page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []));
        });
        const volumes: Volume[] = [];
        // A filter takes at most 200 values: ask in chunks.
        for (let at = 0; at < instances.length; at += 200) {
            const chunk = instances.slice(at, at + 200).map((instance) => instance.InstanceId!);
            await audit.read("ec2:DescribeVolumes", async () => {
                const pages = paginateDescribeVolumes(
                    { client: audit.aws.ec2 },
                    { Filters: [{ Name: "attachment.instance-id", Values: chunk }] },
                );
                for await (const page of pages) volumes.push(...(page.Volumes ?? []));
            });
        }
        const declaredGroups = new Set(inputs.nodeGroups.map((group) => group.name));
        let clean = true;
        for (const instance of instances) {
            const tag = (key: string) => instance.Tags?.find((candidate) => candidate.Key === key)?.Value;
            const group = tag("eks:nodegroup-name");
            const resource = `instance ${instance.InstanceId} (node group ${group ?? "none"})`;
            if (group === undefined || !declaredGroups.has(group)) {
                clean = false;
                audit.drift(SECTION, resource, "a node of a declared node group", {
                    declared: `nodes of ${setText(declaredGroups)}`,
                    actual: group ? `a node of node group ${group}, which the stack did not declare` : "a node of no managed node group",
                    fix: group
                        ? `aws eks delete-nodegroup --cluster-name ${inputs.clusterName} --nodegroup-name ${group}, if nobody needs it`
                        : `aws ec2 terminate-instances --instance-ids ${instance.InstanceId}, if nobody needs it`,
                });
                continue;
            }
            const attached = volumes.filter((volume) =>
                volume.Attachments?.some((attachment) => attachment.InstanceId === instance.InstanceId),
            );
            const findings = instanceFindings(inputs, instance, attached);
            const expectedVersion = inUse.get(group);
            const liveVersion = tag("aws:ec2launchtemplate:version");
            if (expectedVersion !== undefined && liveVersion !== undefined) {
                findings.push({
                    check: "launch template version",
                    declared: `version ${expectedVersion}`,
                    actual: `version ${liveVersion}`,
                });
            }
            for (const finding of findings) {
                if (finding.declared === finding.actual) continue;
                clean = false;
                audit.drift(SECTION, resource, finding.check, {
                    ...finding,
                    fix: `the node does not run what its node group declares: replace it (aws ec2 terminate-instances --instance-ids ${instance.InstanceId}; the node group starts a new one from its launch template)`,
                });
            }
        }
        if (clean) {
            audit.ok(
                SECTION,
                `instances of ${inputs.clusterName}`,
                `${instances.length} running node(s): node subnets, IMDSv2, hop limit, encrypted volumes, no key pair${inputs.subnetVisibility === "private" ? ", no public IP" : ""}`,
            );
        }
    });
}

/** The node groups (none missing, none extra), their launch templates, and the running nodes. */
export async function auditNodes(audit: Audit): Promise<void> {
    const { inputs } = audit;
    const inUse = new Map<string, string>();
    await Promise.all([
        ...inputs.nodeGroups.map((group) => auditNodeGroup(audit, group, inUse)),
        audit.area(SECTION, `EKS cluster ${inputs.clusterName}`, "no node group the stack did not declare", async () => {
            const names: string[] = [];
            await audit.read("eks:ListNodegroups", async () => {
                for await (const page of paginateListNodegroups({ client: audit.aws.eks }, { clusterName: inputs.clusterName })) {
                    names.push(...(page.nodegroups ?? []));
                }
            });
            const declared = new Set(inputs.nodeGroups.map((group) => group.name));
            const extra = names.filter((name) => !declared.has(name));
            if (extra.length === 0) audit.ok(SECTION, `EKS cluster ${inputs.clusterName}`, "no node group the stack did not declare");
            for (const name of extra) {
                audit.drift(SECTION, `node group ${name}`, "a node group the stack did not declare", {
                    declared: `node groups ${setText(declared)}`,
                    actual: `also ${name}`,
                    fix: `aws eks delete-nodegroup --cluster-name ${inputs.clusterName} --nodegroup-name ${name}, or declare it in the stack's nodeGroups`,
                });
            }
        }),
    ]);
    // After the groups: each node is held to the launch template version its group uses.
    await auditInstances(audit, inUse);
}
