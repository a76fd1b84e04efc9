import * as pulumi from "@pulumi/pulumi";
import { createApiGateway } from "./apiGateway";
import { auditOutput } from "./auditOutput";
import { CortexSecureClusterArgs, CortexVersion } from "./args";
import { CortexCliEnvironment } from "./cliConfig";
import { componentOutputs, Declared } from "./componentOutputs";
import { cliEnvironmentOutputs } from "./cliEnvironment";
import { clusterConfigYaml } from "./clusterConfig";
import { createAddons } from "./addons";
import { createCluster } from "./cluster";
import { createClusterAccess } from "./clusterAccess";
import { CLUSTER_NAME_TAG, CORTEX_SECURE_CLUSTER_TYPE } from "./constants";
import { deployTarget } from "./deployTarget";
import { createComponentKey } from "./encryption";
import { createIdentity } from "./identity";
import { apiServerAccessNotes, createInClusterObjects } from "./inCluster";
import { createLoadBalancers } from "./loadBalancers";
import { createNetwork, subnetZones } from "./network";
import { createNodeGroups } from "./nodeGroups";
import { CLUSTER_PARTS, ClusterPartName, withinPart } from "./parts";
import { createVpcPeering, noPeering } from "./peering";
import { hasPendingArguments, resolvePendingArguments } from "./pendingArguments";
import { resolveSettings, Settings } from "./settings";
import { createStorage } from "./storage";

/** The existing VPC's subnet list the nodes use. */
const nodeSubnetTier = (settings: Settings) => (settings.subnetVisibility === "private" ? "privateSubnetIds" : "publicSubnetIds");

/** The settings each component was built from, kept off the class so they are no output. */
const settingsOfComponent = new WeakMap<CortexSecureCluster, Settings>();

/**
 * The AWS infrastructure Cortex serves ML model APIs on, secure by default: a VPC, EKS node groups
 * in private (or public) subnets, allow-listed network load balancers, least-privilege runtime
 * credentials, and the outputs that configure the Cortex CLI.
 */
export class CortexSecureCluster extends pulumi.ComponentResource {
    /** The cluster VPC's id. */
    public readonly vpcId!: pulumi.Output<string>;
    /** The public subnets (internet-facing load balancers; the nodes when visibility is public). */
    public readonly publicSubnetIds!: pulumi.Output<string[]>;
    /** The private subnets (internal load balancers; the nodes when visibility is private). */
    public readonly privateSubnetIds!: pulumi.Output<string[]>;
    /** The EKS cluster's name. */
    public readonly clusterName!: pulumi.Output<string>;
    /** A kubeconfig for the cluster (secret). */
    public readonly kubeconfig!: pulumi.Output<string>;
    /** The cluster's IAM OIDC provider, for service-account roles. */
    public readonly oidcProviderArn!: pulumi.Output<string>;
    /** The API network load balancer's DNS name. */
    public readonly apiLoadBalancerDnsName!: pulumi.Output<string>;
    /** The operator network load balancer's DNS name. */
    public readonly operatorLoadBalancerDnsName!: pulumi.Output<string>;
    /** Where the APIs are served: `https://` when the load balancer terminates TLS, else `http://`. */
    public readonly apiEndpoint!: pulumi.Output<string>;
    /** The operator's endpoint for the Cortex CLI: `https://` + the operator load balancer's DNS name. */
    public readonly operatorEndpoint!: pulumi.Output<string>;
    /** The API Gateway invoke URL in front of the API load balancer; only with `apiGateway`. */
    public readonly apiGatewayEndpoint!: pulumi.Output<string> | undefined;
    /** One peering connection id per `vpcPeering` entry, in order: the other side accepts these. */
    public readonly vpcPeeringConnectionIds!: pulumi.Output<string[]>;
    /** The Cortex S3 bucket's name. */
    public readonly bucketName!: pulumi.Output<string>;
    /** The Cortex CloudWatch log group's name (the cluster name). */
    public readonly logGroupName!: pulumi.Output<string>;
    /** The runtime's access key id: `iamUser` (plain) and `provided` (secret) modes only. */
    public readonly runtimeAccessKeyId!: pulumi.Output<string> | undefined;
    /** The runtime's secret access key, a Pulumi secret: `iamUser` and `provided` modes only. */
    public readonly runtimeSecretAccessKey!: pulumi.Output<string> | undefined;
    /** The role the operator's service account assumes: `serviceAccountRole` mode only. */
    public readonly runtimeRoleArn!: pulumi.Output<string> | undefined;
    /** The runtime policy; with `provided` keys, attach it to the identity the keys belong to. */
    public readonly runtimePolicyArn!: pulumi.Output<string>;
    /** What the stack declared, as JSON of plain ids and values, for `cortex-secure-cluster audit` to compare with the live account. */
    public readonly audit!: pulumi.Output<string>;
    /** The Cortex release line the cluster is built for. */
    public readonly cortexVersion!: pulumi.Output<CortexVersion>;
    /** The Cortex cluster configuration (`cluster.yaml`) of that release, describing what was built. */
    public readonly cortexClusterConfig!: pulumi.Output<string>;
    /** The CLI user's access key id: only with `cliUser`. */
    public readonly cliAccessKeyId!: pulumi.Output<string> | undefined;
    /** The CLI user's secret access key, a Pulumi secret: only with `cliUser`. */
    public readonly cliSecretAccessKey!: pulumi.Output<string> | undefined;
    /** The Cortex CLI environment entry (`~/.cortex/cli.yaml`); a secret as a whole when it holds the CLI user's key. */
    public readonly cliEnvironment!: pulumi.Output<CortexCliEnvironment>;
    /** The `cortex env configure` command for that environment; it names the CLI key's shell variables, never the key. */
    public readonly cliConfigureCommand!: pulumi.Output<string>;

    /** The arguments with every default applied: what was actually built. */
    get settings(): Settings {
        return settingsOfComponent.get(this)!;
    }

    constructor(name: string, args: CortexSecureClusterArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
        // Every rule is checked before anything is registered; Output values when they resolve.
        const checkedBy: { component?: CortexSecureCluster } = {};
        const context = { stackName: pulumi.getStack(), owner: () => checkedBy.component };
        // Another language may send an Output where a value decides what is built: wait for those.
        const settings = hasPendingArguments(args) ? undefined : resolveSettings(args, context);
        super(CORTEX_SECURE_CLUSTER_TYPE, name, {}, opts);
        checkedBy.component = this;
        if (settings) {
            Object.assign(this, this.declare(name, settings));
            return;
        }
        const declared = resolvePendingArguments(args).then(({ args: resolved, unknown }) => {
            if (unknown.length > 0) {
                // A preview, with values of resources not created yet: nothing can be declared now.
                pulumi.log.warn(
                    `${unknown.join(", ")} not known until deployment: the preview shows none of the cluster's resources`,
                    this,
                );
                return undefined;
            }
            return this.declare(name, resolveSettings(resolved, context));
        });
        for (const key of Object.keys(componentOutputs({} as Declared)) as (keyof Declared)[]) {
            // Flattened: each output keeps its own secrecy and dependencies.
            Object.assign(this, { [key]: pulumi.output(key).apply(async () => (await declared)?.[key]) });
        }
    }

    /** Declares every part from the checked settings; returns the outputs. */
    private declare(name: string, settings: Settings): Declared {
        settingsOfComponent.set(this, settings);
        const outputs = {} as Declared;
        // What every part is given: its name prefix and the tags; each part has its own place in the tree.
        const tags = { ...settings.tags, [CLUSTER_NAME_TAG]: settings.clusterName };
        const within = (part: ClusterPartName) => withinPart(this, name, part);

        // First: every log group is encrypted with it, and their names are in its policy.
        const keyArn = createComponentKey({ name, settings, tags, within: within(CLUSTER_PARTS.encryption) }).arn;
        const storage = createStorage({ name, settings, keyArn, tags, within: within(CLUSTER_PARTS.storage) });
        const network = createNetwork({
            name,
            settings,
            keyArn,
            cortexBucketArn: storage.bucketArn,
            tags,
            within: within(CLUSTER_PARTS.network),
        });
        // The control plane, who administers it and its add-ons.
        const controlPlane = within(CLUSTER_PARTS.cluster);
        const cluster = createCluster({ name, settings, network, keyArn, tags, within: controlPlane });
        const nodeGroups = createNodeGroups({ name, settings, network, cluster, tags, within: within(CLUSTER_PARTS.nodeGroups) });
        const clusterAccess = createClusterAccess({ name, settings, clusterName: cluster.clusterName, tags, within: controlPlane });
        createAddons({
            name,
            settings,
            clusterName: cluster.clusterName,
            nodeGroups: [nodeGroups.operator, ...nodeGroups.workers].map((group) => group.nodeGroup),
            tags,
            within: controlPlane,
        });
        const loadBalancers = createLoadBalancers({
            name,
            settings,
            network,
            nodeGroups,
            tags,
            within: within(CLUSTER_PARTS.loadBalancers),
        });
        const apiGateway = settings.apiGateway
            ? createApiGateway({
                  name,
                  settings,
                  network,
                  apiLoadBalancer: loadBalancers.api,
                  keyArn,
                  tags,
                  within: within(CLUSTER_PARTS.apiGateway),
              })
            : undefined;
        const identity = createIdentity({
            name,
            settings,
            dependencies: {
                storage,
                oidcProvider: { arn: cluster.oidcProviderArn, issuerHost: cluster.oidcProviderUrl },
                nodeRoleName: nodeGroups.nodeRole.name,
                apiGatewayId: apiGateway?.apiId,
            },
            tags,
            within: within(CLUSTER_PARTS.identity),
        });
        const { region, partition } = deployTarget(this);

        outputs.vpcId = network.vpcId;
        outputs.publicSubnetIds = network.publicSubnetIds;
        outputs.privateSubnetIds = network.privateSubnetIds;
        outputs.clusterName = cluster.clusterName;
        outputs.kubeconfig = cluster.kubeconfig;
        outputs.oidcProviderArn = cluster.oidcProviderArn;
        outputs.apiLoadBalancerDnsName = loadBalancers.api.dnsName;
        outputs.operatorLoadBalancerDnsName = loadBalancers.operator.dnsName;
        outputs.apiEndpoint = pulumi.interpolate`${settings.sslCertificateArn ? "https" : "http"}://${loadBalancers.api.dnsName}`;
        outputs.operatorEndpoint = pulumi.interpolate`https://${loadBalancers.operator.dnsName}`;
        outputs.apiGatewayEndpoint = apiGateway?.endpoint;
        const peering =
            settings.vpcPeering.length > 0
                ? createVpcPeering({ name, settings, network, tags, within: within(CLUSTER_PARTS.peering) })
                : noPeering();
        outputs.vpcPeeringConnectionIds = peering.connectionIds;
        outputs.audit = auditOutput({
            settings,
            region,
            partition,
            network,
            cluster,
            clusterAccess,
            nodeGroups,
            loadBalancers,
            bucketName: storage.bucketName,
            keyArn,
            identity,
            peering,
        });
        outputs.bucketName = storage.bucketName;
        outputs.logGroupName = storage.logGroupName;
        outputs.runtimeAccessKeyId = identity.runtimeAccessKeyId;
        outputs.runtimeSecretAccessKey = identity.runtimeSecretAccessKey;
        outputs.runtimeRoleArn = identity.runtimeRoleArn;
        outputs.runtimePolicyArn = identity.runtimePolicyArn;
        outputs.cliAccessKeyId = identity.cliAccessKeyId;
        outputs.cliSecretAccessKey = identity.cliSecretAccessKey;

        // The CLI gets the CLI user's key (or none), never the runtime's: they are different identities.
        const cli = cliEnvironmentOutputs({
            cortexVersion: settings.cortexVersion,
            stackName: pulumi.getStack(),
            operatorEndpoint: outputs.operatorEndpoint,
            cliKey:
                identity.cliAccessKeyId && identity.cliSecretAccessKey
                    ? { accessKeyId: identity.cliAccessKeyId, secretAccessKey: identity.cliSecretAccessKey }
                    : undefined,
        });
        outputs.cliEnvironment = cli.cliEnvironment;
        outputs.cliConfigureCommand = cli.cliConfigureCommand;
        outputs.cortexVersion = pulumi.output(settings.cortexVersion);
        const existingSubnets =
            settings.existingVpc && settings.cortexVersion === "0.42"
                ? subnetZones(settings.existingVpc[nodeSubnetTier(settings)], this)
                : undefined;
        outputs.cortexClusterConfig = pulumi
            .all([region, storage.bucketName, network.availabilityZones, existingSubnets, settings.sslCertificateArn])
            .apply(([regionName, bucketName, availabilityZones, subnets, sslCertificateArn]) =>
                clusterConfigYaml(settings, { region: regionName, bucketName, availabilityZones, subnets, sslCertificateArn }),
            );

        if (settings.inClusterObjects) {
            if (!settings.clusterEndpointPublicAccess) pulumi.log.warn(apiServerAccessNotes(settings).join(" "), this);
            createInClusterObjects({
                name,
                settings,
                kubeconfig: cluster.kubeconfig,
                runtimeKeys:
                    identity.runtimeAccessKeyId && identity.runtimeSecretAccessKey
                        ? { accessKeyId: identity.runtimeAccessKeyId, secretAccessKey: identity.runtimeSecretAccessKey }
                        : undefined,
                clusterConfig: outputs.cortexClusterConfig,
                within: within(CLUSTER_PARTS.inCluster),
            });
        }

        this.registerOutputs({
            // What was asked for, in the terms the policy pack and a review check against.
            posture: {
                subnetVisibility: settings.subnetVisibility,
                loadBalancers: {
                    api: { scheme: settings.apiLoadBalancerScheme, allowList: settings.apiLoadBalancerCidrAllowList },
                    operator: { scheme: settings.operatorLoadBalancerScheme, allowList: settings.operatorLoadBalancerCidrAllowList },
                },
                adminCidrAllowList: settings.adminCidrAllowList ?? [],
                // Everyone with Kubernetes admin access: the creator (by EKS) and the named admins.
                clusterAccess: { creator: clusterAccess.creator, admins: clusterAccess.admins },
                apiGateway: settings.apiGateway ? { authorization: settings.apiGatewayAuthorization } : undefined,
            },
            ...componentOutputs(outputs),
        });
        return outputs;
    }
}
