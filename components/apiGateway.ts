import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_GROUP_NAMES } from "./encryption";
import { BuiltLoadBalancer } from "./loadBalancers";
import { Network } from "./network";
import { Settings } from "./settings";
import { Within } from "./parts";

/** The listener of the API load balancer that API Gateway forwards to: plain HTTP, inside the VPC. */
export const API_GATEWAY_LISTENER_PORT = 80;

/** The fields of each access log line: who called what, and how it went. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
    requestId: "$context.requestId",
    ip: "$context.identity.sourceIp",
    requestTime: "$context.requestTime",
    httpMethod: "$context.httpMethod",
    routeKey: "$context.routeKey",
    path: "$context.path",
    status: "$context.status",
    protocol: "$context.protocol",
    responseLength: "$context.responseLength",
    integrationError: "$context.integrationErrorMessage",
});

/**
 * An API Gateway HTTP API in front of the API load balancer: a VPC link into the private subnets,
 * a proxy integration to the load balancer's HTTP listener, a default stage with access logs.
 * Callers get API Gateway's trusted certificate even when the load balancer is internal.
 * Returns the API's invoke URL and id.
 */
export function createApiGateway(part: {
    name: string;
    settings: Pick<Settings, "clusterName" | "logRetentionDays" | "protectData" | "apiGatewayAuthorization" | "apiGatewayThrottling">;
    network: Pick<Network, "vpcId" | "privateSubnetIds">;
    apiLoadBalancer: Pick<BuiltLoadBalancer, "securityGroup" | "listeners">;
    /** The component's KMS key, for the access logs' log group. */
    keyArn: pulumi.Output<string>;
    tags: Record<string, string>;
    within: Within;
}): { endpoint: pulumi.Output<string>; apiId: pulumi.Output<string> } {
    const { name, settings, network, apiLoadBalancer, keyArn, tags, within } = part;
    const prefix = `${name}-api-gateway`;
    const linkSecurityGroup = new aws.ec2.SecurityGroup(
        prefix,
        {
            vpcId: network.vpcId,
            description: `API Gateway VPC link of ${settings.clusterName}: to the API load balancer's HTTP listener only`,
            tags: { ...tags, Name: `${settings.clusterName}-api-gateway-link` },
        },
        within,
    );
    new aws.vpc.SecurityGroupEgressRule(
        `${prefix}-out-${API_GATEWAY_LISTENER_PORT}`,
        {
            securityGroupId: linkSecurityGroup.id,
            ipProtocol: "tcp",
            fromPort: API_GATEWAY_LISTENER_PORT,
            toPort: API_GATEWAY_LISTENER_PORT,
            referencedSecurityGroupId: apiLoadBalancer.securityGroup.id,
            description: "to the API load balancer",
            tags,
        },
        within,
    );
    // The API load balancer admits the VPC link by its security group, whatever its allow list.
    new aws.vpc.SecurityGroupIngressRule(
        `${prefix}-to-api-lb-${API_GATEWAY_LISTENER_PORT}`,
        {
            securityGroupId: apiLoadBalancer.securityGroup.id,
            ipProtocol: "tcp",
            fromPort: API_GATEWAY_LISTENER_PORT,
            toPort: API_GATEWAY_LISTENER_PORT,
            referencedSecurityGroupId: linkSecurityGroup.id,
            description: "from the API Gateway VPC link",
            tags,
        },
        within,
    );

    const vpcLink = new aws.apigatewayv2.VpcLink(
        prefix,
        { name: `${settings.clusterName}-api`, subnetIds: network.privateSubnetIds, securityGroupIds: [linkSecurityGroup.id], tags },
        within,
    );
    const api = new aws.apigatewayv2.Api(
        prefix,
        { name: `${settings.clusterName}-api`, protocolType: "HTTP", description: `Cortex APIs of ${settings.clusterName}`, tags },
        within,
    );
    const integration = new aws.apigatewayv2.Integration(
        prefix,
        {
            apiId: api.id,
            integrationType: "HTTP_PROXY",
            integrationMethod: "ANY",
            connectionType: "VPC_LINK",
            connectionId: vpcLink.id,
            integrationUri: apiLoadBalancer.listeners[API_GATEWAY_LISTENER_PORT].arn,
            payloadFormatVersion: "1.0",
        },
        within,
    );
    new aws.apigatewayv2.Route(
        prefix,
        {
            apiId: api.id,
            routeKey: "$default",
            target: pulumi.interpolate`integrations/${integration.id}`,
            // IAM: callers sign with SigV4 and need execute-api:Invoke on this API.
            authorizationType: settings.apiGatewayAuthorization === "iam" ? "AWS_IAM" : "NONE",
        },
        within,
    );

    const accessLogs = new aws.cloudwatch.LogGroup(
        `${prefix}-access-logs`,
        {
            name: LOG_GROUP_NAMES.apiGatewayAccess(settings.clusterName),
            retentionInDays: settings.logRetentionDays,
            kmsKeyId: keyArn,
            tags,
        },
        { ...within, retainOnDelete: settings.protectData },
    );
    const stage = new aws.apigatewayv2.Stage(
        prefix,
        {
            apiId: api.id,
            name: "$default",
            autoDeploy: true,
            accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
            // Without limits one caller can run up the bill and starve the others (the account's 10000/s is shared).
            defaultRouteSettings: {
                throttlingRateLimit: settings.apiGatewayThrottling.rateLimit,
                throttlingBurstLimit: settings.apiGatewayThrottling.burstLimit,
            },
            tags,
        },
        within,
    );
    return { endpoint: stage.invokeUrl, apiId: api.id };
}
