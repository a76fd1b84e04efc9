// `cortex-secure-cluster audit` against moto_server on loopback: a deployed prod example stack is
// made through the SDK, audited clean, then drifted: changes that do not interfere are made
// together and audited once (an audit is ~40 AWS calls), and every change is undone after its
// run, so each later run also proves the earlier ones left nothing behind.
import { strict as assert } from "node:assert";
import { ACMClient, RequestCertificateCommand } from "@aws-sdk/client-acm";
import {
    AuthorizeSecurityGroupIngressCommand,
    CreateKeyPairCommand,
    CreateLaunchTemplateVersionCommand,
    CreateRouteCommand,
    DeleteRouteCommand,
    DescribeSecurityGroupsCommand,
    CreateVpcCommand,
    CreateVpcPeeringConnectionCommand,
    DeleteFlowLogsCommand,
    DeleteKeyPairCommand,
    DeleteVpcPeeringConnectionCommand,
    EC2Client,
    RevokeSecurityGroupIngressCommand,
    RunInstancesCommand,
    TerminateInstancesCommand,
    CreateFlowLogsCommand,
} from "@aws-sdk/client-ec2";
import { CreateNodegroupCommand, DeleteNodegroupCommand, EKSClient, UpdateClusterConfigCommand } from "@aws-sdk/client-eks";
import {
    CreateListenerCommand,
    CreateLoadBalancerCommand,
    DeleteListenerCommand,
    DeleteLoadBalancerCommand,
    DescribeListenersCommand,
    ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
    CreateLoadBalancerCommand as CreateClassicLoadBalancerCommand,
    DeleteLoadBalancerCommand as DeleteClassicLoadBalancerCommand,
    ElasticLoadBalancingClient,
} from "@aws-sdk/client-elastic-load-balancing";
import {
    AttachRolePolicyCommand,
    AttachUserPolicyCommand,
    CreateAccessKeyCommand,
    CreateLoginProfileCommand,
    CreatePolicyCommand,
    CreateUserCommand,
    DeleteAccessKeyCommand,
    DeleteLoginProfileCommand,
    DetachUserPolicyCommand,
    DetachRolePolicyCommand,
    IAMClient,
} from "@aws-sdk/client-iam";
import { CloudWatchLogsClient, DeleteRetentionPolicyCommand, PutRetentionPolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DeletePublicAccessBlockCommand, PutPublicAccessBlockCommand, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { AUDITOR_ACTIONS, AUDITOR_POLICY } from "../bin/audit/auditorPolicy";
import { AUDIT_EXIT_CODES, AuditReport, renderReport, runAudit } from "../bin/audit/command";
import type { AuditInputs } from "../bin/audit/inputs";
import { CONTROL_PLANE_LOG_TYPES } from "../components/constants";
import { TLS_POLICY } from "../components/loadBalancers";
import { ACCOUNT, ADMIN, CLUSTER, Credentials, deployProdStack, motoClients, recordedEks, RecordedEks, REGION } from "./auditFixture";
import { findMotoServer, MotoServer } from "./motoServer";

interface Run {
    status: number;
    stdout: string;
    stderr: string;
    report?: AuditReport;
}

describe("cortex-secure-cluster audit against moto_server (a deployed prod stack)", function () {
    this.timeout(30_000);
    let moto: MotoServer | undefined;
    let deployed: Awaited<ReturnType<typeof deployProdStack>>;
    let declared: AuditInputs;
    let recorded: RecordedEks;
    let aws: {
        ec2: EC2Client;
        elbv2: ElasticLoadBalancingV2Client;
        elb: ElasticLoadBalancingClient;
        eks: EKSClient;
        iam: IAMClient;
        s3: S3Client;
        logs: CloudWatchLogsClient;
    };

    before(async function () {
        const executable = findMotoServer();
        // Not a skip: without moto_server nothing here proves the audit reads AWS correctly.
        if (executable === undefined) throw new Error("moto_server is not on PATH: the audit tests need it (pip install 'moto[server]')");
        moto = await MotoServer.start(executable);
        await moto.reset();
        deployed = await deployProdStack(moto.endpoint);
        declared = deployed.inputs;
        const common = { endpoint: moto.endpoint, region: REGION, credentials: ADMIN, maxAttempts: 1 };
        aws = {
            ec2: new EC2Client(common),
            elbv2: new ElasticLoadBalancingV2Client(common),
            elb: new ElasticLoadBalancingClient(common),
            eks: new EKSClient(common),
            iam: new IAMClient(common),
            s3: new S3Client({ ...common, forcePathStyle: true }),
            logs: new CloudWatchLogsClient(common),
        };
    });

    after(async () => {
        await moto?.stop();
    });

    beforeEach(() => {
        recorded = recordedEks();
    });

    type AuditOptions = { inputs?: AuditInputs; json?: boolean; credentials?: Credentials; now?: Date; terminal?: boolean };

    async function audit(options: AuditOptions = {}): Promise<Run> {
        let stdout = "";
        let stderr = "";
        const args = options.json === false ? [] : ["--json"];
        const status = await runAudit(
            args,
            {
                readStdin: () => JSON.stringify({ clusterName: CLUSTER, audit: options.inputs ?? declared }),
                stdinIsTerminal: false,
                stderrIsTerminal: options.terminal ?? false,
                stdout: (text) => (stdout += text),
                stderr: (text) => (stderr += text),
                cwd: process.cwd(),
            },
            {
                clients: () => motoClients(moto!.endpoint, options.credentials ?? ADMIN, () => recorded),
                now: () => options.now ?? new Date(),
            },
        );
        return { status, stdout, stderr, report: options.json === false ? undefined : JSON.parse(stdout || "null") };
    }

    type Drift = { resource: RegExp; check: RegExp; fix: RegExp };

    /** Asserts each expected drift is in the report, each on a finding of its own with a fix. */
    function assertFound(run: Run, expected: Drift[]): void {
        assert.equal(run.status, AUDIT_EXIT_CODES.drift, run.stderr || run.stdout);
        const drifted = run.report!.checks.filter((check) => check.status === "drift");
        const shown = drifted.map((check) => `${check.resource}: ${check.check} -> ${check.fix}`).join("\n");
        const unmatched = [...drifted];
        for (const want of expected) {
            const at = unmatched.findIndex((check) => want.resource.test(check.resource) && want.check.test(check.check));
            assert.ok(at >= 0, `no drift on ${want.resource} / ${want.check} in:\n${shown}`);
            const [match] = unmatched.splice(at, 1);
            assert.match(match.fix!, want.fix);
            assert.ok(match.declared && match.actual, "a finding says what was declared and what is there");
        }
    }

    /** Asserts the audit found exactly these drifts, each on its resource with a fix. */
    function assertDrift(run: Run, expected: Drift[]): void {
        assertFound(run, expected);
        const drifted = run.report!.checks.filter((check) => check.status === "drift");
        const shown = drifted.map((check) => `${check.resource}: ${check.check} -> ${check.fix}`).join("\n");
        assert.equal(drifted.length, expected.length, `expected ${expected.length} drift(s), got:\n${shown}`);
        assert.equal(run.report!.counts.unchecked, 0);
    }

    type Undo = () => Promise<unknown>;
    /** A change returns its undo, and how the stack's outputs differ when the scenario declares more. */
    type Change = () => Promise<Undo | { undo: Undo; declare: (inputs: AuditInputs) => AuditInputs }>;

    /** Makes a change, audits, and undoes the change whatever happened. */
    async function drifted(change: Change, check: (run: Run) => void, options: AuditOptions = {}) {
        const applied = await change();
        try {
            check(await audit(options));
        } finally {
            await (typeof applied === "function" ? applied : applied.undo)();
        }
    }

    /**
     * Changes that do not interfere, made together and audited once (an audit is ~40 AWS calls):
     * each scenario's it() reads that run for its own drifts, and one it() holds the report to
     * exactly their union. Every change made is undone after, in reverse order, whatever failed.
     */
    function auditedTogether(options: () => AuditOptions = () => ({})) {
        const scenarios: { name: string; change: Change; expected: () => Drift[] }[] = [];
        const undos: Undo[] = [];
        let run: Run;
        before(async () => {
            // The scenarios change recorded EKS responses too: fresh ones, set up before the run.
            recorded = recordedEks();
            let inputs = options().inputs ?? declared;
            for (const { name, change } of scenarios) {
                const applied = await change().catch((error: Error) => {
                    throw new Error(`could not make "${name}": ${error.message}`, { cause: error });
                });
                undos.push(typeof applied === "function" ? applied : applied.undo);
                if (typeof applied !== "function") inputs = applied.declare(inputs);
            }
            run = await audit({ ...options(), inputs });
        });
        after(async () => {
            const failed: unknown[] = [];
            for (const undo of undos.splice(0).reverse()) await undo().catch((error) => failed.push(error));
            recorded = recordedEks();
            if (failed.length > 0) throw failed[0];
        });
        return {
            scenario(name: string, change: Change, expected: () => Drift[], more: (run: Run) => void = () => {}) {
                scenarios.push({ name, change, expected });
                it(name, () => {
                    assertFound(run, expected());
                    more(run);
                });
            },
            /** Call after the scenarios: the it() that the report is exactly their drifts. */
            union() {
                it(`all ${scenarios.length} changes in one audit: exactly their drifts, nothing else, nothing unchecked`, () => {
                    const expected = scenarios.flatMap((scenario) => scenario.expected());
                    assertDrift(run, expected);
                    const text = renderReport(run.report!);
                    assert.match(text, new RegExp(`Result: DRIFT: ${expected.length} drifted, 0 could not be checked`));
                });
            },
        };
    }

    const withUser = () => ({ ...declared, runtime: deployed.runtimeUser });

    it("a stack that matches: exit 0 and a report grouped like the offline plan", async () => {
        const run = await audit({ json: false, terminal: true });
        assert.equal(run.status, AUDIT_EXIT_CODES.match, run.stdout);
        assert.match(run.stdout, /^AUDIT of the Cortex cluster cortex-prod in us-west-2 \(account 123456789012/);
        assert.match(run.stdout, /Result: MATCH: 0 drifted, 0 could not be checked, \d+ match/);
        const sections = [...run.stdout.matchAll(/^== (.+) ==$/gm)].map((match) => match[1]);
        assert.deepEqual(sections, ["Who can reach what", "Nodes", "Identities and what they may do", "Data and logs"]);
        assert.doesNotMatch(run.stdout, /DRIFT|COULD NOT/);
        // On a terminal a progress line is drawn, then cleared before the report.
        assert.match(run.stderr, /reading AWS: \d+ checked/);
        assert.ok(run.stderr.endsWith("\r\x1b[K"));
        const quiet = await audit({ json: true });
        assert.equal(quiet.stderr, "", "no progress line when stderr is not a terminal");
        assert.equal(quiet.report!.result, "match");
    });

    describe("drifts that do not interfere, made together and audited in one run", () => {
        const drifts = auditedTogether();

        describe("who can reach what", () => {
            drifts.scenario(
                "a security group rule opened 'for a minute' on the API load balancer",
                async () => {
                    const rule = {
                        GroupId: declared.loadBalancers.api.securityGroupId,
                        IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
                    };
                    await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand(rule));
                    return () => aws.ec2.send(new RevokeSecurityGroupIngressCommand(rule));
                },
                () => [
                    {
                        resource: new RegExp(`^API load balancer security group ${declared.loadBalancers.api.securityGroupId}$`),
                        check: /^a rule nobody declared: in tcp 22 from 0\.0\.0\.0\/0$/,
                        fix: /revoke-security-group-ingress/,
                    },
                ],
                (run) => {
                    const groupId = declared.loadBalancers.api.securityGroupId;
                    // What a person reads (the text report is this report rendered): the resource, what was declared, what is there, how to fix it.
                    const text = renderReport(run.report!);
                    assert.match(
                        text,
                        new RegExp(
                            `DRIFT  API load balancer security group ${groupId}: a rule nobody declared: in tcp 22 from 0\\.0\\.0\\.0/0`,
                        ),
                    );
                    assert.match(text, /declared: in tcp 80 from 203\.0\.113\.0\/24; in tcp 443 from 203\.0\.113\.0\/24/);
                    assert.match(text, /actual: {3}also in tcp 22 from 0\.0\.0\.0\/0 \(rule sgr-/);
                    assert.match(
                        text,
                        new RegExp(`fix: {6}aws ec2 revoke-security-group-ingress --group-id ${groupId} --security-group-rule-ids sgr-`),
                    );
                },
            );

            drifts.scenario(
                "a listener added to the operator load balancer",
                async () => {
                    const arn = declared.loadBalancers.operator.arn;
                    const existing = await aws.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: arn }));
                    const created = await aws.elbv2.send(
                        new CreateListenerCommand({
                            LoadBalancerArn: arn,
                            Port: 8443,
                            Protocol: "TCP",
                            DefaultActions: existing.Listeners![0].DefaultActions,
                        }),
                    );
                    return () => aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: created.Listeners![0].ListenerArn }));
                },
                () => [{ resource: /^Operator load balancer arn:/, check: /^listeners$/, fix: /delete-listener/ }],
            );

            drifts.scenario(
                "a weaker TLS policy on the API listener that terminates TLS",
                async () => {
                    const certificate = await new ACMClient({ endpoint: moto!.endpoint, region: REGION, credentials: ADMIN }).send(
                        new RequestCertificateCommand({ DomainName: "api.example.com" }),
                    );
                    const api = declared.loadBalancers.api;
                    const listeners = await aws.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: api.arn }));
                    const https = listeners.Listeners!.find((listener) => listener.Port === 443)!;
                    // moto cannot modify a listener to TLS: the TCP one is replaced by a TLS one with an old policy.
                    const tcp = { LoadBalancerArn: api.arn, Port: 443, Protocol: "TCP" as const, DefaultActions: https.DefaultActions };
                    await aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: https.ListenerArn }));
                    const tls = await aws.elbv2.send(
                        new CreateListenerCommand({
                            ...tcp,
                            Protocol: "TLS",
                            SslPolicy: "ELBSecurityPolicy-2016-08",
                            Certificates: [{ CertificateArn: certificate.CertificateArn }],
                        }),
                    );
                    return {
                        undo: async () => {
                            await aws.elbv2.send(new DeleteListenerCommand({ ListenerArn: tls.Listeners![0].ListenerArn }));
                            await aws.elbv2.send(new CreateListenerCommand(tcp));
                        },
                        // As the stack declares it with sslCertificateArn: TLS on 443 with the modern policy.
                        declare: (inputs) => ({
                            ...inputs,
                            loadBalancers: {
                                ...inputs.loadBalancers,
                                api: {
                                    ...inputs.loadBalancers.api,
                                    listeners: inputs.loadBalancers.api.listeners.map((listener) =>
                                        listener.port === 443
                                            ? {
                                                  ...listener,
                                                  protocol: "TLS",
                                                  certificateArn: certificate.CertificateArn,
                                                  sslPolicy: TLS_POLICY,
                                              }
                                            : listener,
                                    ),
                                },
                            },
                        }),
                    };
                },
                () => [
                    {
                        resource: /^API load balancer/,
                        check: /^TLS policy on 443$/,
                        fix: /modify-listener .* --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06/,
                    },
                ],
            );

            drifts.scenario(
                "a second door: a load balancer Kubernetes made for a Service of type LoadBalancer",
                async () => {
                    const created = await aws.elbv2.send(
                        new CreateLoadBalancerCommand({
                            Name: "k8s-default-web-0123456789",
                            Type: "network",
                            Scheme: "internet-facing",
                            Subnets: declared.publicSubnetIds,
                            Tags: [
                                { Key: "kubernetes.io/service-name", Value: "default/web" },
                                { Key: `kubernetes.io/cluster/${CLUSTER}`, Value: "owned" },
                            ],
                        }),
                    );
                    return () =>
                        aws.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: created.LoadBalancers![0].LoadBalancerArn }));
                },
                () => [
                    {
                        resource: /^load balancer arn:.*k8s-default-web/,
                        check: /did not create/,
                        fix: /Service default\/web.*kubectl -n default delete service web/,
                    },
                ],
            );

            drifts.scenario(
                "a second door: a classic load balancer in the VPC (Kubernetes' in-tree default)",
                async () => {
                    await aws.elb.send(
                        new CreateClassicLoadBalancerCommand({
                            LoadBalancerName: "a1b2c3d4e5f6",
                            Listeners: [{ Protocol: "TCP", LoadBalancerPort: 80, InstanceProtocol: "TCP", InstancePort: 31000 }],
                            Subnets: declared.publicSubnetIds,
                        }),
                    );
                    return () => aws.elb.send(new DeleteClassicLoadBalancerCommand({ LoadBalancerName: "a1b2c3d4e5f6" }));
                },
                () => [
                    {
                        resource: /^classic load balancer a1b2c3d4e5f6$/,
                        check: /did not create/,
                        fix: /aws elb delete-load-balancer --load-balancer-name a1b2c3d4e5f6/,
                    },
                ],
            );

            drifts.scenario(
                "the Kubernetes API endpoint opened to the internet",
                async () => {
                    const open = (cidrs: string[]) =>
                        aws.eks.send(
                            new UpdateClusterConfigCommand({
                                name: CLUSTER,
                                resourcesVpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: cidrs },
                            }),
                        );
                    await open(["0.0.0.0/0"]);
                    return () => open(["203.0.113.0/24"]);
                },
                () => [
                    {
                        resource: /^EKS cluster cortex-prod$/,
                        check: /public access/,
                        fix: /update-cluster-config .*publicAccessCidrs="203\.0\.113\.0\/24"/,
                    },
                ],
            );

            drifts.scenario(
                "a rule in the default security group",
                async () => {
                    const { SecurityGroups } = await aws.ec2.send(
                        new DescribeSecurityGroupsCommand({
                            Filters: [
                                { Name: "vpc-id", Values: [declared.vpcId] },
                                { Name: "group-name", Values: ["default"] },
                            ],
                        }),
                    );
                    const rule = {
                        GroupId: SecurityGroups![0].GroupId,
                        IpPermissions: [{ IpProtocol: "tcp", FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
                    };
                    await aws.ec2.send(new AuthorizeSecurityGroupIngressCommand(rule));
                    return () => aws.ec2.send(new RevokeSecurityGroupIngressCommand(rule));
                },
                () => [{ resource: /^default security group sg-/, check: /no rules/, fix: /revoke-security-group-ingress/ }],
            );

            drifts.scenario(
                "a peering connection nobody declared, routed from a cluster route table",
                async () => {
                    const stranger = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: "172.16.0.0/16" }));
                    const connection = await aws.ec2.send(
                        new CreateVpcPeeringConnectionCommand({ VpcId: declared.vpcId, PeerVpcId: stranger.Vpc!.VpcId }),
                    );
                    const id = connection.VpcPeeringConnection!.VpcPeeringConnectionId!;
                    const route = { RouteTableId: declared.routeTableIds[0], DestinationCidrBlock: "172.16.0.0/16" };
                    await aws.ec2.send(new CreateRouteCommand({ ...route, VpcPeeringConnectionId: id }));
                    return async () => {
                        await aws.ec2.send(new DeleteRouteCommand(route));
                        await aws.ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
                    };
                },
                () => [
                    { resource: /^peering connection pcx-/, check: /did not declare/, fix: /delete-vpc-peering-connection/ },
                    {
                        resource: new RegExp(`^route table ${declared.routeTableIds[0]}$`),
                        check: /routes through peering/,
                        fix: /delete-route/,
                    },
                ],
            );
        });

        describe("nodes", () => {
            drifts.scenario(
                "a node group edited by hand to a launch template version without IMDSv2",
                async () => {
                    const worker = declared.nodeGroups.find((group) => group.name === "worker")!;
                    await aws.ec2.send(
                        new CreateLaunchTemplateVersionCommand({
                            LaunchTemplateId: worker.launchTemplateId,
                            SourceVersion: "1",
                            LaunchTemplateData: {
                                MetadataOptions: { HttpTokens: "optional", HttpPutResponseHopLimit: 2 },
                                BlockDeviceMappings: [
                                    { DeviceName: "/dev/xvda", Ebs: { VolumeSize: 50, VolumeType: "gp3", Encrypted: true } },
                                ],
                                NetworkInterfaces: [
                                    { DeviceIndex: 0, AssociatePublicIpAddress: false, Groups: [declared.nodeSecurityGroupId] },
                                ],
                            },
                        }),
                    );
                    // moto has no UpdateNodegroupVersion: the group is made again on version 2.
                    const group = (version: string) =>
                        aws.eks.send(
                            new CreateNodegroupCommand({
                                clusterName: CLUSTER,
                                nodegroupName: "worker",
                                nodeRole: `arn:aws:iam::${ACCOUNT}:role/cortex-prod-nodes`,
                                subnets: declared.privateSubnetIds,
                                launchTemplate: { id: worker.launchTemplateId, version },
                            }),
                        );
                    await aws.eks.send(new DeleteNodegroupCommand({ clusterName: CLUSTER, nodegroupName: "worker" }));
                    await group("2");
                    return async () => {
                        await aws.eks.send(new DeleteNodegroupCommand({ clusterName: CLUSTER, nodegroupName: "worker" }));
                        await group("1");
                    };
                },
                () => {
                    const fix =
                        /update-nodegroup-version --cluster-name cortex-prod --nodegroup-name worker --launch-template id=lt-\w+,version=1/;
                    return [
                        { resource: /^node group worker$/, check: /^launch template in use$/, fix },
                        { resource: /^launch template lt-\w+ version 2$/, check: /^IMDSv2 required$/, fix },
                        { resource: /^launch template lt-\w+ version 2$/, check: /^metadata hop limit$/, fix },
                        // The running workers were started from version 1, not the version the group now uses.
                        {
                            resource: /^instance i-\w+ \(node group worker\)$/,
                            check: /^launch template version$/,
                            fix: /terminate-instances/,
                        },
                        {
                            resource: /^instance i-\w+ \(node group worker\)$/,
                            check: /^launch template version$/,
                            fix: /terminate-instances/,
                        },
                    ];
                },
            );

            drifts.scenario(
                "a node group added by hand",
                async () => {
                    await aws.eks.send(
                        new CreateNodegroupCommand({
                            clusterName: CLUSTER,
                            nodegroupName: "debug",
                            nodeRole: `arn:aws:iam::${ACCOUNT}:role/cortex-prod-nodes`,
                            subnets: declared.publicSubnetIds,
                        }),
                    );
                    return () => aws.eks.send(new DeleteNodegroupCommand({ clusterName: CLUSTER, nodegroupName: "debug" }));
                },
                () => [
                    {
                        resource: /^node group debug$/,
                        check: /did not declare/,
                        fix: /delete-nodegroup --cluster-name cortex-prod --nodegroup-name debug/,
                    },
                ],
            );
        });

        describe("identities", () => {
            drifts.scenario(
                "another policy attached to the runtime role",
                async () => {
                    const admin = await aws.iam.send(
                        new CreatePolicyCommand({
                            PolicyName: "everything",
                            PolicyDocument: JSON.stringify({
                                Version: "2012-10-17",
                                Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
                            }),
                        }),
                    );
                    const attachment = { RoleName: `${CLUSTER}-runtime`, PolicyArn: admin.Policy!.Arn };
                    await aws.iam.send(new AttachRolePolicyCommand(attachment));
                    return () => aws.iam.send(new DetachRolePolicyCommand(attachment));
                },
                () => [
                    {
                        resource: /^IAM role cortex-prod-runtime$/,
                        check: /runtime policy and no other/,
                        fix: /detach-role-policy --role-name cortex-prod-runtime/,
                    },
                ],
            );

            // Recorded EKS responses: the group's after hook puts fresh ones back.
            drifts.scenario(
                "an admin added to the cluster (access entries, recorded EKS responses)",
                async () => {
                    recorded.accessEntries["arn:aws:iam::123456789012:user/contractor"] = { policies: [], groups: ["system:masters"] };
                    return async () => {};
                },
                () => [
                    {
                        resource: /^EKS cluster cortex-prod$/,
                        check: /admin the stack did not declare: arn:aws:iam::123456789012:user\/contractor/,
                        fix: /delete-access-entry/,
                    },
                ],
            );

            drifts.scenario(
                "the aws-auth ConfigMap turned back on (authentication mode, recorded EKS responses)",
                async () => {
                    recorded.authenticationMode = "API_AND_CONFIG_MAP";
                    return async () => {};
                },
                () => [{ resource: /^EKS cluster cortex-prod$/, check: /^authentication mode$/, fix: /authenticationMode=API/ }],
            );
        });

        describe("data and logs", () => {
            drifts.scenario(
                "the bucket's public access block removed",
                async () => {
                    await aws.s3.send(new DeletePublicAccessBlockCommand({ Bucket: declared.bucketName }));
                    return () =>
                        aws.s3.send(
                            new PutPublicAccessBlockCommand({
                                Bucket: declared.bucketName,
                                PublicAccessBlockConfiguration: {
                                    BlockPublicAcls: true,
                                    IgnorePublicAcls: true,
                                    BlockPublicPolicy: true,
                                    RestrictPublicBuckets: true,
                                },
                            }),
                        );
                },
                () => [
                    {
                        resource: new RegExp(`^S3 bucket ${declared.bucketName}$`),
                        check: /public access blocked/,
                        fix: /put-public-access-block/,
                    },
                ],
            );

            drifts.scenario(
                "bucket versioning suspended",
                async () => {
                    const set = (Status: "Enabled" | "Suspended") =>
                        aws.s3.send(new PutBucketVersioningCommand({ Bucket: declared.bucketName, VersioningConfiguration: { Status } }));
                    await set("Suspended");
                    return () => set("Enabled");
                },
                () => [{ resource: /^S3 bucket/, check: /^versioning$/, fix: /put-bucket-versioning .* Status=Enabled/ }],
            );

            drifts.scenario(
                "secrets encryption gone and a control-plane log type off",
                async () => {
                    recorded.secretsKeyArn = undefined;
                    const logging = (types: string[], enabled: boolean) =>
                        aws.eks.send(
                            new UpdateClusterConfigCommand({
                                name: CLUSTER,
                                logging: { clusterLogging: [{ types: types as never, enabled }] },
                            }),
                        );
                    await logging(["audit"], false);
                    // moto replaces the whole logging setting: all five go back on.
                    return () => logging([...CONTROL_PLANE_LOG_TYPES], true);
                },
                () => [
                    { resource: /^EKS cluster cortex-prod$/, check: /secrets encrypted/, fix: /associate-encryption-config/ },
                    {
                        resource: /^EKS cluster cortex-prod$/,
                        check: /control-plane log types/,
                        fix: /update-cluster-config .*--logging/,
                    },
                ],
            );

            drifts.scenario(
                "a log group's retention removed",
                async () => {
                    await aws.logs.send(new DeleteRetentionPolicyCommand({ logGroupName: CLUSTER }));
                    return () => aws.logs.send(new PutRetentionPolicyCommand({ logGroupName: CLUSTER, retentionInDays: 365 }));
                },
                () => [
                    {
                        resource: /^log group cortex-prod$/,
                        check: /^retention$/,
                        fix: /put-retention-policy --log-group-name cortex-prod --retention-in-days 365/,
                    },
                ],
            );

            drifts.scenario(
                "flow logs turned off",
                async () => {
                    await aws.ec2.send(new DeleteFlowLogsCommand({ FlowLogIds: [declared.flowLog!.id] }));
                    return async () => {
                        const again = await aws.ec2.send(
                            new CreateFlowLogsCommand({
                                ResourceIds: [declared.vpcId],
                                ResourceType: "VPC",
                                TrafficType: "ALL",
                                LogDestinationType: "cloud-watch-logs",
                                LogGroupName: declared.flowLog!.logGroupName,
                                DeliverLogsPermissionArn: `arn:aws:iam::${ACCOUNT}:role/cortex-prod-flow-logs`,
                            }),
                        );
                        declared = { ...declared, flowLog: { ...declared.flowLog!, id: again.FlowLogIds![0] } };
                    };
                },
                () => [{ resource: /^VPC vpc-/, check: /flow logs/, fix: /pulumi up --refresh/ }],
            );
        });

        drifts.union();
    });

    // What would cross-talk with the first run: it audits the runtime role, not the IAM user, and
    // moves the worker group to template version 2, on which every node started from 1 drifts.
    describe("drifts that would interfere with the first run, audited together in a second (runtime as an IAM user)", () => {
        const drifts = auditedTogether(() => ({ inputs: withUser() }));

        drifts.scenario(
            "nodes: a node with a public IP, IMDSv1, a hop limit of 2 and an SSH key",
            async () => {
                await aws.ec2.send(new CreateKeyPairCommand({ KeyName: "debug" }));
                const worker = declared.nodeGroups.find((group) => group.name === "worker")!;
                const started = await aws.ec2.send(
                    new RunInstancesCommand({
                        MinCount: 1,
                        MaxCount: 1,
                        ImageId: "ami-12c6146b",
                        KeyName: "debug",
                        LaunchTemplate: { LaunchTemplateId: worker.launchTemplateId, Version: "1" },
                        MetadataOptions: { HttpTokens: "optional", HttpPutResponseHopLimit: 2 },
                        BlockDeviceMappings: [{ DeviceName: "/dev/sda1", Ebs: { VolumeSize: 50, Encrypted: true } }],
                        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: declared.privateSubnetIds[0], AssociatePublicIpAddress: true }],
                        TagSpecifications: [
                            {
                                ResourceType: "instance",
                                Tags: [
                                    { Key: "eks:cluster-name", Value: CLUSTER },
                                    { Key: "eks:nodegroup-name", Value: "worker" },
                                ],
                            },
                        ],
                    }),
                );
                return async () => {
                    await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [started.Instances![0].InstanceId!] }));
                    await aws.ec2.send(new DeleteKeyPairCommand({ KeyName: "debug" }));
                };
            },
            () => {
                const node = /^instance i-\w+ \(node group worker\)$/;
                const fix = /terminate-instances --instance-ids i-/;
                return [
                    { resource: node, check: /^IMDSv2 required$/, fix },
                    { resource: node, check: /^metadata hop limit$/, fix },
                    { resource: node, check: /^no SSH key pair$/, fix },
                    { resource: node, check: /^no public IP$/, fix },
                ];
            },
        );

        drifts.scenario(
            "a runtime IAM user (iamUser mode): a second access key and a console password",
            async () => {
                const key = await aws.iam.send(new CreateAccessKeyCommand({ UserName: `${CLUSTER}-runtime` }));
                await aws.iam.send(new CreateLoginProfileCommand({ UserName: `${CLUSTER}-runtime`, Password: "Correct-Horse-1" }));
                return async () => {
                    await aws.iam.send(
                        new DeleteAccessKeyCommand({ UserName: `${CLUSTER}-runtime`, AccessKeyId: key.AccessKey!.AccessKeyId }),
                    );
                    await aws.iam.send(new DeleteLoginProfileCommand({ UserName: `${CLUSTER}-runtime` }));
                };
            },
            () => [
                {
                    resource: /^IAM user cortex-prod-runtime$/,
                    check: /one access key/,
                    fix: /delete-access-key --user-name cortex-prod-runtime --access-key-id AKIA/,
                },
                {
                    resource: /^IAM user cortex-prod-runtime$/,
                    check: /no console login/,
                    fix: /delete-login-profile --user-name cortex-prod-runtime/,
                },
            ],
        );

        drifts.union();
    });

    describe("a runtime IAM user (iamUser mode), audited alone", () => {
        it("matches as made: its group's policy, one key, no password", async () => {
            const run = await audit({ inputs: withUser() });
            assert.equal(run.status, AUDIT_EXIT_CODES.match, run.stdout);
            assert.ok(
                run.report!.checks.some((check) => check.check === "access key age" && /0 days old, never used/.test(check.declared!)),
            );
        });

        // Alone: its clock ages every key, so a second key (above) would drift on age too.
        it("a policy on the user itself, and a key older than allowed", () =>
            drifted(
                async () => {
                    const readAll = await aws.iam.send(
                        new CreatePolicyCommand({
                            PolicyName: "read-everything",
                            PolicyDocument: JSON.stringify({
                                Version: "2012-10-17",
                                Statement: [{ Effect: "Allow", Action: "s3:Get*", Resource: "*" }],
                            }),
                        }),
                    );
                    const attachment = { UserName: `${CLUSTER}-runtime`, PolicyArn: readAll.Policy!.Arn };
                    await aws.iam.send(new AttachUserPolicyCommand(attachment));
                    return () => aws.iam.send(new DetachUserPolicyCommand(attachment));
                },
                (run) =>
                    assertDrift(run, [
                        { resource: /^IAM user cortex-prod-runtime$/, check: /no policy on the user/, fix: /detach-user-policy/ },
                        { resource: /^IAM user cortex-prod-runtime key AKIA/, check: /access key age/, fix: /rotate it/ },
                    ]),
                { inputs: withUser(), now: new Date(Date.now() + 120 * 24 * 60 * 60 * 1000) },
            ));
    });

    describe("least privilege for the auditor (moto enforcing IAM)", () => {
        let auditor: Credentials;
        let partial: Credentials;

        before(async () => {
            const user = async (name: string, policy: object) => {
                await aws.iam.send(new CreateUserCommand({ UserName: name }));
                const created = await aws.iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify(policy) }));
                await aws.iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: created.Policy!.Arn }));
                const key = await aws.iam.send(new CreateAccessKeyCommand({ UserName: name }));
                return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
            };
            // moto names two S3 reads by other actions than IAM does (s3:GetPublicAccessBlock for
            // s3:GetBucketPublicAccessBlock, s3:ListBucket for s3:GetEncryptionConfiguration): the
            // same reads, allowed under moto's names too.
            const motoNames = { Effect: "Allow", Action: ["s3:GetPublicAccessBlock", "s3:ListBucket"], Resource: "*" };
            auditor = await user("auditor", { ...AUDITOR_POLICY, Statement: [...AUDITOR_POLICY.Statement, motoNames] });
            // The same policy without one action.
            const withoutFlowLogs = {
                ...AUDITOR_POLICY,
                Statement: [
                    ...AUDITOR_POLICY.Statement.map((statement) => ({
                        ...statement,
                        Action: (statement.Action as string[]).filter((action) => action !== "ec2:DescribeFlowLogs"),
                    })),
                    motoNames,
                ],
            };
            partial = await user("auditor-partial", withoutFlowLogs);
            await moto!.enforceIam(true);
        });

        after(async () => {
            await moto?.enforceIam(false);
        });

        it("the exported policy is read-only and is all the audit needs", async () => {
            const actions = Object.values(AUDITOR_ACTIONS).flat();
            assert.ok(
                actions.every((action) => /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]+$/.test(action)),
                "only Describe, List and Get calls",
            );
            const run = await audit({ credentials: auditor });
            assert.equal(run.status, AUDIT_EXIT_CODES.match, run.stdout);
            assert.equal(run.report!.caller, `arn:aws:iam::${ACCOUNT}:user/auditor`);
        });

        it("a read the policy does not allow is reported as could not check, naming the permission", async () => {
            const run = await audit({ credentials: partial });
            assert.equal(run.status, AUDIT_EXIT_CODES.couldNotCheck, run.stdout);
            const unchecked = run.report!.checks.filter((check) => check.status === "unchecked");
            assert.deepEqual(
                unchecked.map((check) => [check.check, check.missingPermission]),
                [["flow logs", "ec2:DescribeFlowLogs"]],
            );
            assert.equal(run.report!.result, "could not check");
            // The text report is this report rendered (runAudit prints renderReport without --json): no second run.
            assert.match(
                renderReport(run.report!),
                /COULD NOT CHECK {2}VPC vpc-\w+: flow logs\n {9}missing permission: ec2:DescribeFlowLogs/,
            );
        });

        it("credentials AWS does not know: could not check anything, exit 1", async () => {
            const run = await audit({ credentials: { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x".repeat(40) }, json: false });
            assert.equal(run.status, AUDIT_EXIT_CODES.couldNotCheck);
            assert.match(run.stderr, /could not check anything: AWS did not accept the credentials/);
            assert.equal(run.stdout, "");
        });
    });
});
