import * as pulumi from "@pulumi/pulumi";
import { createApiGateway } from "./apiGateway";
import { CortexSecureClusterArgs } from "./args";
import { createCluster } from "./cluster";
import { createLoadBalancers } from "./loadBalancers";
import { createNetwork } from "./network";
import { createVpcPeering } from "./peering";
import { ResolvedArgs, resolveArgs } from "./validation";

/** The component's Pulumi type token. */
export const CORTEX_SECURE_CLUSTER_TYPE = "cortex-secure-cluster:index:CortexSecureCluster";

/** The tag every taggable resource carries; Cortex's CLI finds its resources by it. */
export const CLUSTER_NAME_TAG = "cortex.dev/cluster-name";

/**
 * The AWS infrastructure Cortex serves ML model APIs on, secure by default: a VPC, EKS node groups
 * in private (or public) subnets, allow-listed network load balancers, least-privilege runtime
 * credentials, and the outputs that configure the Cortex CLI.
 */
export class CortexSecureCluster extends pulumi.ComponentResource {
    /** The arguments with every default applied: what was actually built. */
    public readonly settings: ResolvedArgs;
    /** The cluster VPC's id. */
    public readonly vpcId: pulumi.Output<string>;
    /** The public subnets (internet-facing load balancers; the nodes when visibility is public). */
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    /** The private subnets (internal load balancers; the nodes when visibility is private). */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The EKS cluster's name. */
    public readonly clusterName: pulumi.Output<string>;
    /** A kubeconfig for the cluster (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The cluster's IAM OIDC provider, for service-account roles. */
    public readonly oidcProviderArn: pulumi.Output<string>;
    /** The API network load balancer's DNS name. */
    public readonly apiLoadBalancerDnsName: pulumi.Output<string>;
    /** The operator network load balancer's DNS name. */
    public readonly operatorLoadBalancerDnsName: pulumi.Output<string>;
    /** Where the APIs are served: `https://` when the load balancer terminates TLS, else `http://`. */
    public readonly apiEndpoint: pulumi.Output<string>;
    /** The operator's endpoint for the Cortex CLI: `https://` + the operator load balancer's DNS name. */
    public readonly operatorEndpoint: pulumi.Output<string>;
    /** The API Gateway invoke URL in front of the API load balancer; only with `apiGateway`. */
    public readonly apiGatewayEndpoint: pulumi.Output<string> | undefined;
    /** One peering connection id per `vpcPeering` entry, in order: the other side accepts these. */
    public readonly vpcPeeringConnectionIds: pulumi.Output<string[]>;

    constructor(name: string, args: CortexSecureClusterArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
        // Every rule is checked before anything is registered.
        const settings = resolveArgs(args);
        super(CORTEX_SECURE_CLUSTER_TYPE, name, {}, opts);
        this.settings = settings;

        const tags = { ...settings.tags, [CLUSTER_NAME_TAG]: settings.clusterName };
        const network = createNetwork(name, settings, tags, this);
        this.vpcId = network.vpcId;
        this.publicSubnetIds = network.publicSubnetIds;
        this.privateSubnetIds = network.privateSubnetIds;

        const cluster = createCluster(name, settings, network, tags, this);
        this.clusterName = cluster.clusterName;
        this.kubeconfig = cluster.kubeconfig;
        this.oidcProviderArn = cluster.oidcProviderArn;

        const loadBalancers = createLoadBalancers(name, settings, network, cluster, tags, this);
        this.apiLoadBalancerDnsName = loadBalancers.api.dnsName;
        this.operatorLoadBalancerDnsName = loadBalancers.operator.dnsName;
        this.apiEndpoint = pulumi.interpolate`${settings.sslCertificateArn ? "https" : "http"}://${loadBalancers.api.dnsName}`;
        this.operatorEndpoint = pulumi.interpolate`https://${loadBalancers.operator.dnsName}`;
        this.apiGatewayEndpoint = settings.apiGateway ? createApiGateway(name, settings, network, loadBalancers.api, tags, this) : undefined;

        this.vpcPeeringConnectionIds = createVpcPeering(name, settings, network, tags, this);

        this.registerOutputs({
            // What was asked for, in the terms the policy pack and a review check against.
            posture: {
                subnetVisibility: settings.subnetVisibility,
                loadBalancers: {
                    api: { scheme: settings.apiLoadBalancerScheme, allowList: settings.apiLoadBalancerCidrAllowList },
                    operator: { scheme: settings.operatorLoadBalancerScheme, allowList: settings.operatorLoadBalancerCidrAllowList },
                },
            },
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn,
            apiLoadBalancerDnsName: this.apiLoadBalancerDnsName,
            operatorLoadBalancerDnsName: this.operatorLoadBalancerDnsName,
            apiEndpoint: this.apiEndpoint,
            operatorEndpoint: this.operatorEndpoint,
            apiGatewayEndpoint: this.apiGatewayEndpoint,
            vpcPeeringConnectionIds: this.vpcPeeringConnectionIds,
        });
    }
}
