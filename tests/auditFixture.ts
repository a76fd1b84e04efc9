// A deployed `prod` example stack (Pulumi.prod.yaml) made in moto_server through the SDK, and the
// `audit` output that stack would carry. EKS access entries and two DescribeCluster fields moto
// does not implement are answered from recorded EKS responses instead.
import { Readable } from "node:stream";
import { CloudWatchLogsClient, CreateLogGroupCommand, PutRetentionPolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
    AcceptVpcPeeringConnectionCommand,
    AuthorizeSecurityGroupEgressCommand,
    AuthorizeSecurityGroupIngressCommand,
    CreateFlowLogsCommand,
    CreateLaunchTemplateCommand,
    CreateRouteCommand,
    CreateRouteTableCommand,
    CreateSecurityGroupCommand,
    CreateSubnetCommand,
    CreateVpcCommand,
    CreateVpcPeeringConnectionCommand,
    DescribeSecurityGroupsCommand,
    EC2Client,
    RevokeSecurityGroupEgressCommand,
    RevokeSecurityGroupIngressCommand,
    RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { CreateClusterCommand, CreateNodegroupCommand, EKSClient } from "@aws-sdk/client-eks";
import {
    CreateListenerCommand,
    CreateLoadBalancerCommand,
    CreateTargetGroupCommand,
    ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
    AddUserToGroupCommand,
    AttachGroupPolicyCommand,
    AttachRolePolicyCommand,
    CreateAccessKeyCommand,
    CreateGroupCommand,
    CreatePolicyCommand,
    CreateRoleCommand,
    CreateUserCommand,
    IAMClient,
} from "@aws-sdk/client-iam";
import {
    CreateBucketCommand,
    PutBucketEncryptionCommand,
    PutBucketPolicyCommand,
    PutBucketVersioningCommand,
    PutPublicAccessBlockCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { AwsClients, createClients } from "../bin/audit/context";
import type { AuditInputs } from "../bin/audit/inputs";
import { CONTROL_PLANE_LOG_TYPES } from "../components/constants";
import { runtimePolicy } from "../components/runtimePolicy";
import { tlsOnlyBucketPolicy } from "../components/storage";

export const REGION = "us-west-2";
export const ACCOUNT = "123456789012";
export const CLUSTER = "cortex-prod";
export const DEPLOYER_ARN = `arn:aws:iam::${ACCOUNT}:role/deployer`;
const KMS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ZONES = ["us-west-2a", "us-west-2b", "us-west-2c"];
const NODE_PORTS = { apiHttp: 30080, apiHttps: 30443, operatorHttps: 31443 };
/** An Amazon Linux image moto knows. */
const IMAGE = "ami-12c6146b";

export type Credentials = { accessKeyId: string; secretAccessKey: string };
export const ADMIN: Credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

/**
 * What recorded EKS answers say: the cluster's access entries (principal → policies and groups)
 * and the DescribeCluster fields moto leaves out.
 */
export interface RecordedEks {
    accessEntries: Record<string, { policies: string[]; groups: string[] }>;
    authenticationMode: string;
    secretsKeyArn: string | undefined;
}

export const recordedEks = (): RecordedEks => ({
    // What EKS makes for the identity that ran `pulumi up` (bootstrapClusterCreatorAdminPermissions).
    accessEntries: { [DEPLOYER_ARN]: { policies: ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"], groups: [] } },
    authenticationMode: "API",
    secretsKeyArn: KMS_KEY,
});

function jsonResponse(body: unknown, statusCode = 200) {
    const text = JSON.stringify(body);
    return {
        response: {
            statusCode,
            reason: "OK",
            headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) },
            body: Readable.from([Buffer.from(text)]),
        },
    };
}

async function readBody(body: unknown): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString("utf8");
}

type RawRequest = { method: string; path: string };
type RawResponse = { response: { statusCode: number; headers: Record<string, string>; body: unknown } };

/**
 * Answers, in EKS's wire format (so the SDK's own deserializers read them), the calls moto lacks:
 * access entries, and the encryptionConfig and accessConfig of DescribeCluster.
 */
export function withRecordedEks(eks: EKSClient, recorded: () => RecordedEks): EKSClient {
    eks.middlewareStack.add(
        (next) => async (args) => {
            const request = (args as { request: RawRequest }).request;
            const path = decodeURIComponent(request.path);
            const match = /^\/clusters\/([^/]+)(\/access-entries(?:\/(.+?))?(\/access-policies)?)?$/.exec(path);
            if (match === null || request.method !== "GET") return next(args);
            const [, clusterName, entries, principalArn, policies] = match;
            const state = recorded();
            if (entries === undefined) {
                const answered = (await next(args)) as unknown as RawResponse;
                if (answered.response.statusCode !== 200) return answered as never;
                const body = JSON.parse(await readBody(answered.response.body));
                body.cluster.accessConfig = { authenticationMode: state.authenticationMode };
                body.cluster.encryptionConfig = state.secretsKeyArn
                    ? [{ resources: ["secrets"], provider: { keyArn: state.secretsKeyArn } }]
                    : undefined;
                return jsonResponse(body) as never;
            }
            if (principalArn === undefined) return jsonResponse({ accessEntries: Object.keys(state.accessEntries) }) as never;
            const entry = state.accessEntries[principalArn];
            if (entry === undefined) {
                return jsonResponse({ message: `The specified access entry resource is not found.` }, 404) as never;
            }
            if (policies !== undefined) {
                return jsonResponse({
                    clusterName,
                    principalArn,
                    associatedAccessPolicies: entry.policies.map((policyArn) => ({
                        policyArn,
                        accessScope: { type: "cluster", namespaces: [] },
                        associatedAt: 1700000000,
                        modifiedAt: 1700000000,
                    })),
                }) as never;
            }
            return jsonResponse({
                accessEntry: {
                    clusterName,
                    principalArn,
                    kubernetesGroups: entry.groups,
                    accessEntryArn: `arn:aws:eks:${REGION}:${ACCOUNT}:access-entry/${clusterName}/role/${ACCOUNT}/deployer/abcd`,
                    createdAt: 1700000000,
                    modifiedAt: 1700000000,
                    tags: {},
                    username: principalArn,
                    type: "STANDARD",
                },
            }) as never;
        },
        { step: "deserialize", priority: "low", name: "recordedEksResponses" },
    );
    return eks;
}

/** SDK clients on moto, one attempt each: a stuck emulator fails the test instead of hanging it. */
export function motoClients(endpoint: string, credentials: Credentials, recorded: () => RecordedEks): AwsClients {
    const clients = createClients({ endpoint, region: REGION, credentials, maxAttempts: 1 });
    withRecordedEks(clients.eks, recorded);
    return clients;
}

const tags = (extra: Record<string, string> = {}) =>
    Object.entries({ environment: "prod", owner: "ml-platform", "cortex.dev/cluster-name": CLUSTER, ...extra }).map(([Key, Value]) => ({
        Key,
        Value,
    }));

/** Makes, in moto, what `pulumi up` of the prod example makes, and returns the stack's audit output. */
export async function deployProdStack(endpoint: string): Promise<{ inputs: AuditInputs; runtimeUser: AuditInputs["runtime"] }> {
    const common = { endpoint, region: REGION, credentials: ADMIN, maxAttempts: 1 };
    const ec2 = new EC2Client(common);
    const elbv2 = new ElasticLoadBalancingV2Client(common);
    const eks = new EKSClient(common);
    const iam = new IAMClient(common);
    const s3 = new S3Client({ ...common, forcePathStyle: true });
    const logs = new CloudWatchLogsClient(common);

    const bucketName = `${CLUSTER}-20240101000000000000000001`;
    const logGroups = [CLUSTER, `/aws/eks/${CLUSTER}/cluster`, `/aws/vpc/${CLUSTER}/flow-logs`].map((name) => ({
        name,
        retentionInDays: 365,
    }));
    // Storage and the runtime identity need nothing from the network: made meanwhile.
    const storageAndIdentity = (async () => {
        // Storage: the Cortex bucket and the log groups.
        await s3.send(new CreateBucketCommand({ Bucket: bucketName, CreateBucketConfiguration: { LocationConstraint: REGION } }));
        await s3.send(
            new PutBucketEncryptionCommand({
                Bucket: bucketName,
                ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
            }),
        );
        await s3.send(new PutBucketVersioningCommand({ Bucket: bucketName, VersioningConfiguration: { Status: "Enabled" } }));
        await s3.send(
            new PutPublicAccessBlockCommand({
                Bucket: bucketName,
                PublicAccessBlockConfiguration: {
                    BlockPublicAcls: true,
                    IgnorePublicAcls: true,
                    BlockPublicPolicy: true,
                    RestrictPublicBuckets: true,
                },
            }),
        );
        await s3.send(
            new PutBucketPolicyCommand({ Bucket: bucketName, Policy: JSON.stringify(tlsOnlyBucketPolicy(`arn:aws:s3:::${bucketName}`)) }),
        );
        for (const { name, retentionInDays } of logGroups) {
            await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
            await logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays }));
        }
        // The runtime identity: prod's service-account role; and the iamUser mode's user, for the key checks.
        const policy = runtimePolicy({
            bucketArn: `arn:aws:s3:::${bucketName}`,
            logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${CLUSTER}`,
            modelBucketArns: ["arn:aws:s3:::example-prod-models"],
            region: REGION,
            accountId: ACCOUNT,
            partition: "aws",
        });
        const policyArn = (
            await iam.send(new CreatePolicyCommand({ PolicyName: `${CLUSTER}-runtime`, PolicyDocument: JSON.stringify(policy) }))
        ).Policy!.Arn!;
        const trust = {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Federated: "x" }, Action: "sts:AssumeRoleWithWebIdentity" }],
        };
        await iam.send(new CreateRoleCommand({ RoleName: `${CLUSTER}-runtime`, AssumeRolePolicyDocument: JSON.stringify(trust) }));
        await iam.send(new AttachRolePolicyCommand({ RoleName: `${CLUSTER}-runtime`, PolicyArn: policyArn }));
        await iam.send(new CreateGroupCommand({ GroupName: `${CLUSTER}-runtime` }));
        await iam.send(new AttachGroupPolicyCommand({ GroupName: `${CLUSTER}-runtime`, PolicyArn: policyArn }));
        await iam.send(new CreateUserCommand({ UserName: `${CLUSTER}-runtime` }));
        await iam.send(new AddUserToGroupCommand({ GroupName: `${CLUSTER}-runtime`, UserName: `${CLUSTER}-runtime` }));
        const key = await iam.send(new CreateAccessKeyCommand({ UserName: `${CLUSTER}-runtime` }));

        return { policyArn, key };
    })();

    const vpcCidr = "10.20.0.0/16";
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: vpcCidr }))).Vpc!.VpcId!;
    const subnet = async (index: number, zone: string) =>
        (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.20.${index * 32}.0/19`, AvailabilityZone: zone }))).Subnet!
            .SubnetId!;
    const publicSubnetIds = await Promise.all(ZONES.map((zone, index) => subnet(index, zone)));
    const privateSubnetIds = await Promise.all(ZONES.map((zone, index) => subnet(index + 3, zone)));
    // awsx: a route table per subnet.
    const routeTableIds = await Promise.all(
        [...publicSubnetIds, ...privateSubnetIds].map(
            async () => (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!,
        ),
    );

    // The default security group admits nothing (AWS fills it by default).
    const defaultGroup = (
        await ec2.send(
            new DescribeSecurityGroupsCommand({
                Filters: [
                    { Name: "vpc-id", Values: [vpcId] },
                    { Name: "group-name", Values: ["default"] },
                ],
            }),
        )
    ).SecurityGroups![0];
    if (defaultGroup.IpPermissions?.length) {
        await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: defaultGroup.GroupId, IpPermissions: defaultGroup.IpPermissions }));
    }
    if (defaultGroup.IpPermissionsEgress?.length) {
        await ec2.send(
            new RevokeSecurityGroupEgressCommand({ GroupId: defaultGroup.GroupId, IpPermissions: defaultGroup.IpPermissionsEgress }),
        );
    }

    // The peered VPC, accepted here, routed both ways.
    const peerCidr = "10.30.0.0/16";
    const peerVpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: peerCidr }))).Vpc!.VpcId!;
    const peerRouteTableIds = await Promise.all(
        [0, 1].map(async () => (await ec2.send(new CreateRouteTableCommand({ VpcId: peerVpcId }))).RouteTable!.RouteTableId!),
    );
    const connectionId = (await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpcId, PeerVpcId: peerVpcId })))
        .VpcPeeringConnection!.VpcPeeringConnectionId!;
    await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: connectionId }));
    await Promise.all([
        ...routeTableIds.map((id) =>
            ec2.send(new CreateRouteCommand({ RouteTableId: id, DestinationCidrBlock: peerCidr, VpcPeeringConnectionId: connectionId })),
        ),
        ...peerRouteTableIds.map((id) =>
            ec2.send(new CreateRouteCommand({ RouteTableId: id, DestinationCidrBlock: vpcCidr, VpcPeeringConnectionId: connectionId })),
        ),
    ]);

    // Security groups: the nodes', and one per load balancer with only its allow list.
    const group = async (name: string) => {
        const id = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: name }))).GroupId!;
        return id;
    };
    const [nodeSecurityGroupId, apiGroup, operatorGroup] = await Promise.all([group("nodes"), group("api-lb"), group("operator-lb")]);
    const apiAllowList = ["203.0.113.0/24", "198.51.100.7/32"];
    const operatorAllowList = [vpcCidr, peerCidr];
    const lbGroupRules = async (groupId: string, allowList: string[], ports: number[], nodePorts: number[]) => {
        // Pulumi removes the egress-all rule AWS adds to a new group.
        await ec2.send(
            new RevokeSecurityGroupEgressCommand({
                GroupId: groupId,
                IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
            }),
        );
        await ec2.send(
            new AuthorizeSecurityGroupIngressCommand({
                GroupId: groupId,
                IpPermissions: ports.map((port) => ({
                    IpProtocol: "tcp",
                    FromPort: port,
                    ToPort: port,
                    IpRanges: allowList.map((CidrIp) => ({ CidrIp })),
                })),
            }),
        );
        await ec2.send(
            new AuthorizeSecurityGroupEgressCommand({
                GroupId: groupId,
                IpPermissions: nodePorts.map((port) => ({
                    IpProtocol: "tcp",
                    FromPort: port,
                    ToPort: port,
                    UserIdGroupPairs: [{ GroupId: nodeSecurityGroupId }],
                })),
            }),
        );
        await ec2.send(
            new AuthorizeSecurityGroupIngressCommand({
                GroupId: nodeSecurityGroupId,
                IpPermissions: nodePorts.map((port) => ({
                    IpProtocol: "tcp",
                    FromPort: port,
                    ToPort: port,
                    UserIdGroupPairs: [{ GroupId: groupId }],
                })),
            }),
        );
    };
    await lbGroupRules(apiGroup, apiAllowList, [80, 443], [NODE_PORTS.apiHttp, NODE_PORTS.apiHttps]);
    await lbGroupRules(operatorGroup, operatorAllowList, [443], [NODE_PORTS.operatorHttps]);

    // The two network load balancers, tagged as Cortex's CLI finds them.
    const balancer = async (role: "api" | "operator", scheme: "internet-facing" | "internal", subnets: string[], groupId: string) =>
        (
            await elbv2.send(
                new CreateLoadBalancerCommand({
                    Name: `${CLUSTER}-${role}`,
                    Type: "network",
                    Scheme: scheme,
                    Subnets: subnets,
                    SecurityGroups: [groupId],
                    Tags: tags({ "cortex.dev/load-balancer": role }),
                }),
            )
        ).LoadBalancers![0].LoadBalancerArn!;
    const apiArn = await balancer("api", "internet-facing", publicSubnetIds, apiGroup);
    const operatorArn = await balancer("operator", "internal", privateSubnetIds, operatorGroup);
    const listener = async (arn: string, port: number, nodePort: number) => {
        const target = await elbv2.send(
            new CreateTargetGroupCommand({ Name: `tg-${nodePort}`, Protocol: "TCP", Port: nodePort, VpcId: vpcId, TargetType: "instance" }),
        );
        await elbv2.send(
            new CreateListenerCommand({
                LoadBalancerArn: arn,
                Port: port,
                Protocol: "TCP",
                DefaultActions: [{ Type: "forward", TargetGroupArn: target.TargetGroups![0].TargetGroupArn }],
            }),
        );
    };
    await listener(apiArn, 80, NODE_PORTS.apiHttp);
    await listener(apiArn, 443, NODE_PORTS.apiHttps);
    await listener(operatorArn, 443, NODE_PORTS.operatorHttps);

    // The EKS cluster, its launch templates, node groups and running nodes.
    await eks.send(
        new CreateClusterCommand({
            name: CLUSTER,
            roleArn: `arn:aws:iam::${ACCOUNT}:role/cortex-prod-eks`,
            resourcesVpcConfig: {
                subnetIds: privateSubnetIds,
                endpointPrivateAccess: true,
                endpointPublicAccess: true,
                publicAccessCidrs: ["203.0.113.0/24"],
            },
            encryptionConfig: [{ resources: ["secrets"], provider: { keyArn: KMS_KEY } }],
            logging: { clusterLogging: [{ types: [...CONTROL_PLANE_LOG_TYPES], enabled: true }] },
            accessConfig: { authenticationMode: "API" },
        }),
    );
    const running = { operator: 2, worker: 2, gpu: 0 };
    const nodeGroups: AuditInputs["nodeGroups"] = [];
    await Promise.all(
        Object.entries(running).map(async ([name, count]) => {
            const template = await ec2.send(
                new CreateLaunchTemplateCommand({
                    LaunchTemplateName: `${CLUSTER}-ng-${name}`,
                    LaunchTemplateData: {
                        MetadataOptions: { HttpEndpoint: "enabled", HttpTokens: "required", HttpPutResponseHopLimit: 1 },
                        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 50, VolumeType: "gp3", Encrypted: true } }],
                        NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: false, Groups: [nodeSecurityGroupId] }],
                    },
                }),
            );
            const launchTemplateId = template.LaunchTemplate!.LaunchTemplateId!;
            nodeGroups.push({ name, launchTemplateId, launchTemplateVersion: "1" });
            await eks.send(
                new CreateNodegroupCommand({
                    clusterName: CLUSTER,
                    nodegroupName: name,
                    nodeRole: `arn:aws:iam::${ACCOUNT}:role/cortex-prod-nodes`,
                    subnets: privateSubnetIds,
                    launchTemplate: { id: launchTemplateId, version: "1" },
                    scalingConfig: { minSize: count, maxSize: 10, desiredSize: count },
                }),
            );
            for (let index = 0; index < count; index++) {
                // moto does not apply a template's metadata options or volumes to an instance: they are given as EKS would launch them.
                await ec2.send(
                    new RunInstancesCommand({
                        MinCount: 1,
                        MaxCount: 1,
                        ImageId: IMAGE,
                        SubnetId: privateSubnetIds[index % 3],
                        LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: "1" },
                        MetadataOptions: { HttpEndpoint: "enabled", HttpTokens: "required", HttpPutResponseHopLimit: 1 },
                        BlockDeviceMappings: [{ DeviceName: "/dev/sda1", Ebs: { VolumeSize: 50, Encrypted: true } }],
                        TagSpecifications: [
                            { ResourceType: "instance", Tags: tags({ "eks:cluster-name": CLUSTER, "eks:nodegroup-name": name }) },
                        ],
                    }),
                );
            }
        }),
    );
    // In the order the stack lists them.
    nodeGroups.sort((a, b) => Object.keys(running).indexOf(a.name) - Object.keys(running).indexOf(b.name));

    const flowLogId = (
        await ec2.send(
            new CreateFlowLogsCommand({
                ResourceIds: [vpcId],
                ResourceType: "VPC",
                TrafficType: "ALL",
                LogDestinationType: "cloud-watch-logs",
                LogGroupName: `/aws/vpc/${CLUSTER}/flow-logs`,
                DeliverLogsPermissionArn: `arn:aws:iam::${ACCOUNT}:role/cortex-prod-flow-logs`,
            }),
        )
    ).FlowLogIds![0];

    const { policyArn, key } = await storageAndIdentity;
    const listeners = (entries: [number, number][]) => entries.map(([port, nodePort]) => ({ port, protocol: "TCP" as const, nodePort }));
    const inputs: AuditInputs = {
        version: 1,
        region: REGION,
        clusterName: CLUSTER,
        vpcId,
        vpcCidr,
        subnetVisibility: "private",
        publicSubnetIds,
        privateSubnetIds,
        routeTableIds,
        nodeSecurityGroupId,
        loadBalancers: {
            api: {
                arn: apiArn,
                scheme: "internet-facing",
                subnetIds: publicSubnetIds,
                securityGroupId: apiGroup,
                allowList: apiAllowList,
                listeners: listeners([
                    [80, NODE_PORTS.apiHttp],
                    [443, NODE_PORTS.apiHttps],
                ]),
            },
            operator: {
                arn: operatorArn,
                scheme: "internal",
                subnetIds: privateSubnetIds,
                securityGroupId: operatorGroup,
                allowList: operatorAllowList,
                listeners: listeners([[443, NODE_PORTS.operatorHttps]]),
            },
        },
        cluster: {
            endpointPublicAccess: true,
            publicAccessCidrs: ["203.0.113.0/24"],
            secretsKeyArn: KMS_KEY,
            logTypes: [...CONTROL_PLANE_LOG_TYPES],
            authenticationMode: "API",
            admins: [DEPLOYER_ARN],
        },
        nodeGroups,
        metadataHopLimit: 1,
        bucketName,
        logGroups,
        runtime: { kind: "role", roleName: `${CLUSTER}-runtime`, policyArn, alsoAttached: [] },
        flowLog: { id: flowLogId, logGroupName: `/aws/vpc/${CLUSTER}/flow-logs` },
        peering: [{ connectionId, peerVpcId, peerCidr, peerRouteTableIds, routeBackCidrs: [] }],
    };
    const runtimeUser: AuditInputs["runtime"] = {
        kind: "user",
        userName: `${CLUSTER}-runtime`,
        groupName: `${CLUSTER}-runtime`,
        policyArn,
        accessKeyId: key.AccessKey!.AccessKeyId!,
    };
    return { inputs, runtimeUser };
}
