// The runtime identity: the stack's policy and nothing else attached, its access keys (count, age,
// last use), no console login.
import {
    GetAccessKeyLastUsedCommand,
    GetLoginProfileCommand,
    paginateListAccessKeys,
    paginateListAttachedGroupPolicies,
    paginateListAttachedRolePolicies,
    paginateListAttachedUserPolicies,
    paginateListGroupPolicies,
    paginateListGroupsForUser,
    paginateListRolePolicies,
    paginateListUserPolicies,
} from "@aws-sdk/client-iam";
import { Audit, setText } from "./context";

const SECTION = "Identities and what they may do";
const DAY_MS = 24 * 60 * 60 * 1000;

/** Collects every page of an IAM list call, under its IAM action. */
async function all<P, T>(audit: Audit, action: string, pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
    const collected: T[] = [];
    await audit.read(action, async () => {
        for await (const page of pages) collected.push(...(items(page) ?? []));
    });
    return collected;
}

async function auditUser(
    audit: Audit,
    runtime: { userName: string; groupName: string; policyArn: string; accessKeyId: string },
    options: { now: Date; maxKeyAgeDays: number },
): Promise<void> {
    const { iam } = audit.aws;
    const { userName, groupName, policyArn } = runtime;
    const user = `IAM user ${userName}`;
    const group = `IAM group ${groupName}`;

    await audit.area(SECTION, user, "runtime user: policies and groups", async () => {
        const client = { client: iam };
        const [userAttached, userInline, groups, groupAttached, groupInline] = await Promise.all([
            all(
                audit,
                "iam:ListAttachedUserPolicies",
                paginateListAttachedUserPolicies(client, { UserName: userName }),
                (p) => p.AttachedPolicies,
            ),
            all(audit, "iam:ListUserPolicies", paginateListUserPolicies(client, { UserName: userName }), (p) => p.PolicyNames),
            all(audit, "iam:ListGroupsForUser", paginateListGroupsForUser(client, { UserName: userName }), (p) => p.Groups),
            all(
                audit,
                "iam:ListAttachedGroupPolicies",
                paginateListAttachedGroupPolicies(client, { GroupName: groupName }),
                (p) => p.AttachedPolicies,
            ),
            all(audit, "iam:ListGroupPolicies", paginateListGroupPolicies(client, { GroupName: groupName }), (p) => p.PolicyNames),
        ]);
        audit.compare(
            SECTION,
            user,
            "no policy on the user itself",
            "none",
            setText([...userAttached.map((policy) => policy.PolicyArn), ...userInline.map((name) => `inline ${name}`)]),
            `detach them: aws iam detach-user-policy --user-name ${userName} --policy-arn ARN (inline: aws iam delete-user-policy --user-name ${userName} --policy-name NAME)`,
        );
        audit.compare(
            SECTION,
            user,
            "only in its own group",
            groupName,
            setText(groups.map((entry) => entry.GroupName)),
            `aws iam remove-user-from-group --user-name ${userName} --group-name GROUP for every other group`,
        );
        audit.compare(
            SECTION,
            group,
            "the stack's runtime policy and no other",
            policyArn,
            setText([...groupAttached.map((policy) => policy.PolicyArn), ...groupInline.map((name) => `inline ${name}`)]),
            `aws iam detach-group-policy --group-name ${groupName} --policy-arn ARN for every other policy (inline: aws iam delete-group-policy); run \`pulumi up --refresh\` if the runtime policy is missing`,
        );
    });

    await audit.area(SECTION, user, "runtime user: no console login", async () => {
        const profile = await audit.read("iam:GetLoginProfile", () => iam.send(new GetLoginProfileCommand({ UserName: userName })), [
            "NoSuchEntityException",
            "NoSuchEntity",
        ]);
        audit.compare(
            SECTION,
            user,
            "no console login",
            "no password",
            profile?.LoginProfile ? `a password, set ${profile.LoginProfile.CreateDate?.toISOString().slice(0, 10)}` : "no password",
            `aws iam delete-login-profile --user-name ${userName}`,
        );
    });

    await audit.area(SECTION, user, "runtime user: access keys", async () => {
        const keys = await all(
            audit,
            "iam:ListAccessKeys",
            paginateListAccessKeys({ client: iam }, { UserName: userName }),
            (p) => p.AccessKeyMetadata,
        );
        const active = keys.filter((key) => key.Status === "Active");
        const others = keys.filter((key) => key.AccessKeyId !== runtime.accessKeyId);
        audit.compare(
            SECTION,
            user,
            "one access key, the stack's",
            `${runtime.accessKeyId} (Active)`,
            setText(keys.map((key) => `${key.AccessKeyId} (${key.Status})`)),
            others.length > 0
                ? `aws iam delete-access-key --user-name ${userName} --access-key-id ${others[0].AccessKeyId}${others.length > 1 ? " (and the others)" : ""}`
                : "run `pulumi up --refresh` on the stack to make its key again, then give the cluster the new key",
        );
        for (const key of active) {
            const age = Math.floor((options.now.getTime() - (key.CreateDate?.getTime() ?? options.now.getTime())) / DAY_MS);
            const used = await audit.read("iam:GetAccessKeyLastUsed", () =>
                iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId })),
            );
            const lastUsed = used?.AccessKeyLastUsed?.LastUsedDate;
            const usedText = lastUsed ? `last used ${lastUsed.toISOString().slice(0, 10)}` : "never used";
            const actual = `${age} days old, ${usedText}`;
            if (age > options.maxKeyAgeDays) {
                audit.drift(SECTION, `${user} key ${key.AccessKeyId}`, "access key age", {
                    declared: `rotated within ${options.maxKeyAgeDays} days`,
                    actual,
                    fix: "rotate it: `pulumi up --replace` on the stack's runtime access key, then give the cluster the new key (the aws-credentials Secret)",
                });
            } else {
                audit.ok(SECTION, `${user} key ${key.AccessKeyId}`, "access key age", actual);
            }
        }
    });
}

async function auditRole(audit: Audit, runtime: { roleName: string; policyArn: string; alsoAttached: string[] }): Promise<void> {
    const { iam } = audit.aws;
    const role = `IAM role ${runtime.roleName}`;
    await audit.area(SECTION, role, "runtime role: policies", async () => {
        const client = { client: iam };
        const [attached, inline] = await Promise.all([
            all(
                audit,
                "iam:ListAttachedRolePolicies",
                paginateListAttachedRolePolicies(client, { RoleName: runtime.roleName }),
                (p) => p.AttachedPolicies,
            ),
            all(audit, "iam:ListRolePolicies", paginateListRolePolicies(client, { RoleName: runtime.roleName }), (p) => p.PolicyNames),
        ]);
        audit.compare(
            SECTION,
            role,
            "the stack's runtime policy and no other",
            setText([runtime.policyArn, ...runtime.alsoAttached]),
            setText([...attached.map((policy) => policy.PolicyArn), ...inline.map((name) => `inline ${name}`)]),
            `aws iam detach-role-policy --role-name ${runtime.roleName} --policy-arn ARN for every other policy (inline: aws iam delete-role-policy); run \`pulumi up --refresh\` if the runtime policy is missing`,
        );
    });
}

export async function auditIdentity(audit: Audit, options: { now: Date; maxKeyAgeDays: number }): Promise<void> {
    const runtime = audit.inputs.runtime;
    if (runtime.kind === "user") await auditUser(audit, runtime, options);
    else if (runtime.kind === "role") await auditRole(audit, runtime);
    else audit.ok(SECTION, `policy ${runtime.policyArn}`, "runtime keys were made elsewhere: their owner is not the stack's to check");
}
