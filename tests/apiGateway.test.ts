import { strict as assert } from "node:assert";
import { build, valueOf } from "./harness";

describe("API Gateway", () => {
    it("puts an HTTP API with a VPC link into the private subnets in front of the internal API load balancer", async () => {
        const b = await build({ apiGateway: true, apiLoadBalancerScheme: "internal", logRetentionDays: 30 });
        const privateSubnets = await valueOf(b.cluster.privateSubnetIds);
        const link = b.one("aws:apigatewayv2/vpcLink:VpcLink");
        const linkSecurityGroup = b.one("aws:ec2/securityGroup:SecurityGroup", "-api-gateway");
        assert.deepEqual(link.inputs.subnetIds, privateSubnets);
        assert.deepEqual(link.inputs.securityGroupIds, [linkSecurityGroup.id]);

        const api = b.one("aws:apigatewayv2/api:Api");
        assert.equal(api.inputs.protocolType, "HTTP");

        const integration = b.one("aws:apigatewayv2/integration:Integration");
        const httpListener = b.one("aws:lb/listener:Listener", "-api-lb-80");
        assert.deepEqual(
            [
                integration.inputs.apiId,
                integration.inputs.integrationType,
                integration.inputs.connectionType,
                integration.inputs.connectionId,
                integration.inputs.integrationUri,
            ],
            [api.id, "HTTP_PROXY", "VPC_LINK", link.id, httpListener.state.arn],
        );
        const route = b.one("aws:apigatewayv2/route:Route");
        assert.deepEqual([route.inputs.routeKey, route.inputs.target], ["$default", `integrations/${integration.id}`]);

        const stage = b.one("aws:apigatewayv2/stage:Stage");
        const accessLogs = b.one("aws:cloudwatch/logGroup:LogGroup", "-api-gateway-access-logs");
        assert.deepEqual([stage.inputs.name, stage.inputs.autoDeploy], ["$default", true]);
        assert.equal((stage.inputs.accessLogSettings as { destinationArn: string }).destinationArn, accessLogs.state.arn);
        assert.match((stage.inputs.accessLogSettings as { format: string }).format, /\$context\.requestId/);
        assert.equal(accessLogs.inputs.retentionInDays, 30);
        assert.equal(accessLogs.options.retainOnDelete, true);

        assert.equal(await valueOf(b.cluster.apiGatewayEndpoint!), stage.state.invokeUrl);
        assert.match(await valueOf(b.cluster.apiGatewayEndpoint!), /^https:\/\/.*\.execute-api\.us-west-2\.amazonaws\.com\/$/);
    });

    it("lets the VPC link reach the API load balancer's HTTP listener and nothing else", async () => {
        const b = await build({
            apiGateway: true,
            apiLoadBalancerScheme: "internal",
            apiLoadBalancerCidrAllowList: ["10.99.0.0/24"],
            vpcCidr: "10.99.0.0/16",
        });
        const link = b.one("aws:ec2/securityGroup:SecurityGroup", "-api-gateway").id;
        const apiLb = b.one("aws:ec2/securityGroup:SecurityGroup", "-api-lb").id;
        const egress = b
            .ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
            .filter((rule) => rule.inputs.securityGroupId === link);
        assert.deepEqual(
            egress.map((rule) => [rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.referencedSecurityGroupId]),
            [[80, 80, apiLb]],
        );
        const admitted = b
            .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .filter((rule) => rule.inputs.securityGroupId === apiLb)
            .map((rule) => [rule.inputs.fromPort, rule.inputs.cidrIpv4 ?? rule.inputs.referencedSecurityGroupId]);
        assert.deepEqual(
            admitted.sort(),
            [
                [443, "10.99.0.0/24"],
                [80, "10.99.0.0/24"],
                [80, link],
            ].sort(),
        );
    });

    it("builds nothing of API Gateway by default", async () => {
        const b = await build({});
        assert.equal(b.resources.filter((r) => r.type.startsWith("aws:apigatewayv2/")).length, 0);
        assert.equal(b.cluster.apiGatewayEndpoint, undefined);
    });
});

describe("API Gateway: throttling and authorization", () => {
    it("throttles the default route, by default and as asked, and lets anyone call it unless told otherwise", async () => {
        const open = await build({ apiGateway: true });
        const stage = open.one("aws:apigatewayv2/stage:Stage").inputs;
        assert.deepEqual(stage.defaultRouteSettings, { throttlingRateLimit: 100, throttlingBurstLimit: 200 });
        assert.equal(open.one("aws:apigatewayv2/route:Route").inputs.authorizationType, "NONE");

        const iam = await build({ apiGateway: true, apiGatewayAuthorization: "iam", apiGatewayThrottling: { rateLimit: 5 } });
        assert.deepEqual(iam.one("aws:apigatewayv2/stage:Stage").inputs.defaultRouteSettings, {
            throttlingRateLimit: 5,
            throttlingBurstLimit: 200,
        });
        // Callers must sign with SigV4 as an identity allowed execute-api:Invoke.
        assert.equal(iam.one("aws:apigatewayv2/route:Route").inputs.authorizationType, "AWS_IAM");
    });

    it("reaches port 80 through the VPC link even when the allow list gets only TLS", async () => {
        const certificate = "arn:aws:acm:us-west-2:123456789012:certificate/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d";
        const b = await build({ apiGateway: true, sslCertificateArn: certificate, apiLoadBalancerCidrAllowList: ["203.0.113.0/24"] });
        const apiSecurityGroup = b.one("aws:ec2/securityGroup:SecurityGroup", "-api-lb").id;
        const linkSecurityGroup = b.one("aws:ec2/securityGroup:SecurityGroup", "-api-gateway").id;
        const admitted = b
            .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .filter((rule) => rule.inputs.securityGroupId === apiSecurityGroup)
            .map((rule) => `${String(rule.inputs.cidrIpv4 ?? rule.inputs.referencedSecurityGroupId)}:${String(rule.inputs.fromPort)}`)
            .sort();
        assert.deepEqual(admitted, ["203.0.113.0/24:443", `${linkSecurityGroup}:80`].sort());
    });
});
