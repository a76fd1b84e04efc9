// A mock AWS for pulumi.runtime.setMocks, shared by the tests and the offline plan: remote components
// answered with their full output shape, provider functions with real result shapes, every registration recorded.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { normalizeValue, PlannedResource } from "../policy/rules";

export const ACCOUNT_ID = "123456789012";

/** What one registration looked like. */
export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    id: string;
    state: Record<string, unknown>;
    /** The resource options the SDK sent with the registration. */
    options: RegistrationOptions;
    urn: string;
    /** A component's registered outputs, serialized as the engine gets them (secrets keep their marker). */
    readonly outputs: Record<string, unknown> | undefined;
}

const outputsByUrn = new Map<string, Record<string, unknown>>();

/** Resource options as the engine sees them (the mock API itself does not pass them on). */
export interface RegistrationOptions {
    parent: string;
    dependencies: string[];
    retainOnDelete: boolean;
    protect: boolean;
    /** Whether the resource is a custom (cloud) resource rather than a component. */
    custom: boolean;
    /** The URNs each input's value came from, as the engine records them. */
    propertyDependencies: Record<string, string[]>;
    /** The explicit provider (`URN::id`), or "" for the default one. */
    provider: string;
    /** The inputs as the engine gets them, secrets wrapped in their marker. */
    serializedInputs: Record<string, unknown>;
    /** The aliases sent: a whole URN, or the parts of a spec that differ from the resource's own. */
    aliases: { urn?: string; name?: string; type?: string; parentUrn?: string; noParent?: boolean }[];
}

const optionsByResource = new Map<string, RegistrationOptions>();

interface RegisterResourceRequestLike {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getRetainondelete(): boolean | undefined;
    getProtect(): boolean | undefined;
    getCustom(): boolean;
    getPropertydependenciesMap(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getProvider(): string;
    getObject(): { toJavaScript(): unknown } | undefined;
    getAliasesList(): AliasLike[];
}

interface AliasLike {
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

/** An alias as the engine reads it: a URN, or a spec whose empty fields mean "the resource's own". */
function aliasOf(alias: AliasLike): RegistrationOptions["aliases"][number] {
    const spec = alias.getSpec();
    if (!spec) return { urn: alias.getUrn() };
    const fields = { name: spec.getName(), type: spec.getType(), parentUrn: spec.getParenturn(), noParent: spec.getNoparent() };
    return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== "" && value !== false));
}

/**
 * Wraps the mock monitor's registerResource to keep each registration's options (parent,
 * dependsOn, retainOnDelete, protect), so tests can check them as the engine would get them.
 */
export function recordRegistrationOptions(monitor: object): void {
    type Callback = (...results: unknown[]) => void;
    const target = monitor as {
        registerResource(req: RegisterResourceRequestLike, callback: Callback): unknown;
        invoke(req: unknown, callback: Callback): unknown;
    };
    const register = target.registerResource.bind(monitor);
    const invoke = target.invoke.bind(monitor);
    const tracked = (callback: Callback): Callback => {
        inFlight += 1;
        return (...results) => {
            inFlight -= 1;
            callback(...results);
        };
    };
    target.registerResource = (req, callback) => {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((value, key) => (propertyDependencies[key] = value.getUrnsList()));
        optionsByResource.set(`${req.getType()}::${req.getName()}`, {
            parent: req.getParent(),
            dependencies: req.getDependenciesList(),
            retainOnDelete: req.getRetainondelete() ?? false,
            protect: req.getProtect() ?? false,
            custom: req.getCustom(),
            propertyDependencies,
            provider: req.getProvider(),
            serializedInputs: (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
            aliases: req.getAliasesList().map(aliasOf),
        });
        return register(req, tracked(callback));
    };
    target.invoke = (req, callback) => invoke(req, tracked(callback));

    const withOutputs = monitor as { registerResourceOutputs(req: RegisterOutputsRequestLike, callback: Callback): unknown };
    const registerOutputs = withOutputs.registerResourceOutputs.bind(monitor);
    withOutputs.registerResourceOutputs = (req, callback) => {
        outputsByUrn.set(req.getUrn(), (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>);
        return registerOutputs(req, callback);
    };
}

interface RegisterOutputsRequestLike {
    getUrn(): string;
    getOutputs(): { toJavaScript(): unknown } | undefined;
}

/** The URN the mock monitor gives a resource (the engine's scheme: parent types joined by `$`). */
function urnOf(type: string, name: string, parent: string): string {
    const qualifiedType = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualifiedType}::${name}`;
}

let inFlight = 0;

/**
 * Resolves once the program has gone quiet: no registration or invoke in flight and nothing new
 * registered for a few turns of the event loop (resources declared inside applies come late).
 */
export async function quiescence(): Promise<void> {
    let quietTurns = 0;
    let seen = -1;
    while (quietTurns < 5) {
        await new Promise((resolve) => setImmediate(resolve));
        const count = mockCloud.resources.length + mockCloud.calls.length;
        quietTurns = inFlight === 0 && count === seen ? quietTurns + 1 : 0;
        seen = count;
    }
}

/** Settings a test may change; `reset()` restores them. */
let region = "us-west-2";
const DEPLOYER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/deployer`;

export const mockCloud = {
    /** The region the mock cloud answers for, and the stack's `aws:region` config, as on a real stack. */
    get region(): string {
        return region;
    },
    set region(value: string) {
        region = value;
        pulumi.runtime.setConfig("aws:region", value);
    },
    zonesByRegion: {
        "us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"],
        "us-west-2": ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
        "eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    } as Record<string, string[]>,
    existingRouteTableIds: ["rtb-0aaaaaaaaaaaaaaa1", "rtb-0aaaaaaaaaaaaaaa2"],
    /** An existing subnet's CIDR as AWS reports it, by id; one not named here gets a /24 derived from its id. */
    subnetCidrs: {} as Record<string, string>,
    /** Who runs `pulumi up`, as sts:GetCallerIdentity says: a user, or an assumed-role session. */
    callerArn: DEPLOYER_ARN,
    resources: [] as RecordedResource[],
    calls: [] as { token: string; inputs: Record<string, unknown> }[],
    reset(): void {
        this.region = "us-west-2";
        this.callerArn = DEPLOYER_ARN;
        this.subnetCidrs = {};
    },
};

/** A stable AWS-looking id: prefix and 17 hex digits derived from the seed. */
export function fakeId(prefix: string, seed: string): string {
    return `${prefix}-0${createHash("sha1").update(seed).digest("hex").slice(0, 16)}`;
}

const arn = (service: string, resource: string, region = mockCloud.region) => `arn:aws:${service}:${region}:${ACCOUNT_ID}:${resource}`;

type Inputs = Record<string, unknown>;

function vpcState(name: string, inputs: Inputs): Inputs {
    // As awsx does: the given zones, or the region's first `numberOfAvailabilityZones` (3 unless said).
    const zones =
        (inputs.availabilityZoneNames as string[] | undefined) ??
        (mockCloud.zonesByRegion[mockCloud.region] ?? []).slice(0, (inputs.numberOfAvailabilityZones as number | undefined) ?? 3);
    const specs = (inputs.subnetSpecs as { type: string; name?: string; tags?: Inputs }[] | undefined) ?? [
        { type: "Public" },
        { type: "Private" },
    ];
    // awsx's "Auto" CIDRs: the VPC split evenly among the zones, each zone's block among the specs, in spec order.
    const [vpcBase, vpcPrefix] = String(inputs.cidrBlock ?? "10.0.0.0/16").split("/");
    const zonePrefix = Number(vpcPrefix) + Math.ceil(Math.log2(zones.length));
    const subnetPrefix = zonePrefix + Math.ceil(Math.log2(specs.length));
    const baseAddress = vpcBase.split(".").reduce((address, octet) => address * 256 + Number(octet), 0);
    const cidrOf = (zoneIndex: number, specIndex: number) => {
        const address = baseAddress + zoneIndex * 2 ** (32 - zonePrefix) + specIndex * 2 ** (32 - subnetPrefix);
        return `${[24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".")}/${subnetPrefix}`;
    };
    // awsx creates each zone's subnets (and their route tables) public first, then private, then isolated.
    const creationOrder = ["Public", "Private", "Isolated"];
    const strategy = ((inputs.natGateways as { strategy?: string } | undefined)?.strategy ?? "OnePerAz").toLowerCase();
    const vpcId = fakeId("vpc", name);
    const subnets: Inputs[] = [];
    const routeTables: Inputs[] = [];
    const natGateways: Inputs[] = [];
    zones.forEach((zone, zoneIndex) => {
        for (const spec of [...specs].sort((a, b) => creationOrder.indexOf(a.type) - creationOrder.indexOf(b.type))) {
            const subnetName = `${name}-${(spec.name ?? spec.type).toLowerCase()}-${zoneIndex + 1}`;
            const subnetId = fakeId("subnet", subnetName);
            subnets.push({
                id: subnetId,
                urn: `urn:mock::${subnetName}`,
                vpcId,
                availabilityZone: zone,
                cidrBlock: cidrOf(zoneIndex, specs.indexOf(spec)),
                mapPublicIpOnLaunch: spec.type === "Public",
                tags: { ...(spec.tags ?? {}), SubnetType: spec.type },
                type: spec.type,
            });
            routeTables.push({ id: fakeId("rtb", subnetName), urn: `urn:mock::rtb-${subnetName}`, vpcId, tags: { Name: subnetName } });
            if (spec.type === "Public" && (strategy === "oneperaz" || (strategy === "single" && zoneIndex === 0))) {
                natGateways.push({ id: fakeId("nat", subnetName), subnetId, urn: `urn:mock::nat-${subnetName}` });
            }
        }
    });
    const idsOf = (type: string) => subnets.filter((s) => s.type === type).map((s) => s.id as string);
    return {
        vpcId,
        vpc: { id: vpcId, cidrBlock: inputs.cidrBlock, enableDnsHostnames: inputs.enableDnsHostnames, tags: inputs.tags },
        subnets,
        publicSubnetIds: idsOf("Public"),
        privateSubnetIds: idsOf("Private"),
        isolatedSubnetIds: idsOf("Isolated"),
        routeTables,
        routeTableAssociations: routeTables.map((table, i) => ({
            id: fakeId("rtbassoc", `${i}-${name}`),
            routeTableId: table.id,
            subnetId: subnets[i].id,
        })),
        routes: [],
        natGateways,
        eips: natGateways.map((nat) => ({ id: fakeId("eipalloc", String(nat.id)) })),
        internetGateway: { id: fakeId("igw", name), vpcId },
        vpcEndpoints: [],
        subnetLayout: specs.map((spec) => ({ type: spec.type, name: spec.name })),
    };
}

function clusterState(name: string, inputs: Inputs): Inputs {
    const clusterName = (inputs.name as string | undefined) ?? `${name}-eksCluster-1234567`;
    const oidcId = createHash("sha1").update(name).digest("hex").slice(0, 32).toUpperCase();
    const issuer = `https://oidc.eks.${mockCloud.region}.amazonaws.com/id/${oidcId}`;
    const endpoint = `https://${oidcId}.gr7.${mockCloud.region}.eks.amazonaws.com`;
    const oidcProviderArn = arn("iam", `oidc-provider/oidc.eks.${mockCloud.region}.amazonaws.com/id/${oidcId}`, "");
    const clusterSecurityGroupId = fakeId("sg", `${name}-cluster`);
    const nodeSecurityGroupId = fakeId("sg", `${name}-node`);
    const eksCluster = {
        id: clusterName,
        name: clusterName,
        arn: arn("eks", `cluster/${clusterName}`),
        endpoint,
        version: inputs.version,
        roleArn: arn("iam", `role/${clusterName}-eksRole`, ""),
        vpcConfig: {
            subnetIds: inputs.subnetIds,
            endpointPrivateAccess: inputs.endpointPrivateAccess,
            endpointPublicAccess: inputs.endpointPublicAccess,
            publicAccessCidrs: inputs.publicAccessCidrs,
            clusterSecurityGroupId: fakeId("sg", `${name}-eks-managed`),
            securityGroupIds: [clusterSecurityGroupId],
            vpcId: inputs.vpcId,
        },
        identities: [{ oidcs: [{ issuer }] }],
        certificateAuthority: { data: Buffer.from("mock-ca").toString("base64") },
        enabledClusterLogTypes: inputs.enabledClusterLogTypes,
        encryptionConfig: inputs.encryptionConfigKeyArn
            ? { provider: { keyArn: inputs.encryptionConfigKeyArn }, resources: ["secrets"] }
            : undefined,
    };
    const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            { name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": eksCluster.certificateAuthority.data } },
        ],
        contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
        "current-context": "aws",
        users: [
            {
                name: "aws",
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", clusterName],
                    },
                },
            },
        ],
    };
    return {
        eksCluster,
        core: {
            cluster: eksCluster,
            endpoint,
            vpcId: inputs.vpcId,
            subnetIds: inputs.subnetIds ?? [],
            publicSubnetIds: inputs.publicSubnetIds,
            privateSubnetIds: inputs.privateSubnetIds,
            clusterIamRole: { id: `${clusterName}-eksRole`, arn: eksCluster.roleArn },
            instanceRoles: [],
            nodeGroupOptions: {},
            oidcProvider: { id: oidcProviderArn, arn: oidcProviderArn, url: issuer.replace("https://", "") },
            provider: { id: fakeId("provider", name) },
            encryptionConfig: eksCluster.encryptionConfig,
            accessEntries: [],
            tags: inputs.tags,
        },
        clusterSecurityGroupId,
        clusterSecurityGroup: { id: clusterSecurityGroupId },
        nodeSecurityGroupId,
        nodeSecurityGroup: { id: nodeSecurityGroupId },
        eksClusterIngressRule: { id: fakeId("sgrule", name) },
        clusterIngressRuleId: fakeId("sgrule", name),
        instanceRoles: [],
        defaultNodeGroup: undefined,
        defaultNodeGroupAsgName: "",
        fargateProfileId: "",
        fargateProfileStatus: "",
        autoModeNodeRoleName: "",
        oidcProviderArn,
        oidcProviderUrl: issuer.replace("https://", ""),
        oidcIssuer: issuer,
        kubeconfig,
        kubeconfigJson: JSON.stringify(kubeconfig),
        awsProvider: { id: fakeId("provider", `${name}-aws`) },
    };
}

function managedNodeGroupState(name: string, inputs: Inputs): Inputs {
    const groupName =
        (inputs.nodeGroupName as string | undefined) ?? `${name}-${createHash("sha1").update(name).digest("hex").slice(0, 7)}`;
    return {
        nodeGroup: {
            id: `cluster:${groupName}`,
            arn: arn("eks", `nodegroup/cluster/${groupName}/mock`),
            nodeGroupName: groupName,
            subnetIds: inputs.subnetIds,
            scalingConfig: inputs.scalingConfig,
            capacityType: inputs.capacityType ?? "ON_DEMAND",
            labels: inputs.labels,
            launchTemplate: inputs.launchTemplate,
            nodeRoleArn: inputs.nodeRoleArn,
            status: "ACTIVE",
            resources: [{ autoscalingGroups: [{ name: `eks-${groupName}-asg` }], remoteAccessSecurityGroupId: "" }],
            tags: inputs.tags,
        },
        placementGroupName: "",
    };
}

/** The id prefixes AWS gives resources that other resources refer to by id. */
const ID_PREFIXES: Record<string, string> = {
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
};

function customState(type: string, name: string, inputs: Inputs): { id: string; state: Inputs } {
    const id = fakeId(
        ID_PREFIXES[type] ??
            (type
                .split(":")
                .pop()!
                .toLowerCase()
                .replace(/[^a-z]/g, "")
                .slice(0, 10) ||
                "res"),
        `${type}/${name}`,
    );
    const state: Inputs = { ...inputs, arn: arn(type.split(":")[1]?.split("/")[0] ?? "mock", `${name}`) };
    switch (type) {
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2": {
            // The provider appends 26 unique digits to a bucketPrefix.
            const uniqueSuffix = BigInt(`0x${createHash("sha1").update(name).digest("hex")}`)
                .toString()
                .slice(0, 26);
            const prefix = inputs.bucketPrefix as string | undefined;
            const bucket = (inputs.bucket as string | undefined) ?? (prefix ? `${prefix}${uniqueSuffix}` : `${name}-${id.slice(-7)}`);
            return {
                id: bucket,
                state: {
                    ...state,
                    bucket,
                    arn: `arn:aws:s3:::${bucket}`,
                    bucketDomainName: `${bucket}.s3.amazonaws.com`,
                    bucketRegionalDomainName: `${bucket}.s3.${mockCloud.region}.amazonaws.com`,
                    region: mockCloud.region,
                },
            };
        }
        case "aws:cloudwatch/logGroup:LogGroup": {
            const logGroupName = (inputs.name as string | undefined) ?? `${name}-${id.slice(-7)}`;
            return { id: logGroupName, state: { ...state, name: logGroupName, arn: arn("logs", `log-group:${logGroupName}`) } };
        }
        case "aws:lb/loadBalancer:LoadBalancer":
            return {
                id: arn("elasticloadbalancing", `loadbalancer/net/${name}/${id.slice(-16)}`),
                state: {
                    ...state,
                    arn: arn("elasticloadbalancing", `loadbalancer/net/${name}/${id.slice(-16)}`),
                    dnsName: `${name}-${id.slice(-10)}.elb.${mockCloud.region}.amazonaws.com`,
                    zoneId: "Z18D5FSROUN65G",
                },
            };
        case "aws:iam/user:User":
        case "aws:iam/group:Group":
        case "aws:iam/role:Role": {
            const kind = type.split(":").pop()!.toLowerCase();
            const entityName = (inputs.name as string | undefined) ?? `${name}-${id.slice(-7)}`;
            return {
                id: entityName,
                state: { ...state, name: entityName, arn: arn("iam", `${kind}/${entityName}`, ""), uniqueId: id.toUpperCase() },
            };
        }
        case "aws:iam/policy:Policy": {
            const policyName = (inputs.name as string | undefined) ?? `${name}-${id.slice(-7)}`;
            const policyArn = arn("iam", `policy/${policyName}`, "");
            return { id: policyArn, state: { ...state, name: policyName, arn: policyArn } };
        }
        case "aws:iam/accessKey:AccessKey":
            return {
                id: `AKIA${createHash("sha1").update(name).digest("hex").slice(0, 16).toUpperCase()}`,
                state: {
                    ...state,
                    secret: createHash("sha256").update(name).digest("base64").slice(0, 40),
                    status: "Active",
                },
            };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { id: fakeId("lt", name), state: { ...state, latestVersion: 1, defaultVersion: 1 } };
        case "aws:kms/key:Key":
            return { id, state: { ...state, keyId: id, arn: arn("kms", `key/${id}`) } };
        case "aws:ec2/vpcPeeringConnection:VpcPeeringConnection":
            return { id: fakeId("pcx", name), state: { ...state, acceptStatus: inputs.autoAccept ? "active" : "pending-acceptance" } };
        case "aws:apigatewayv2/api:Api": {
            const apiId = id.slice(-10);
            return { id: apiId, state: { ...state, apiEndpoint: `https://${apiId}.execute-api.${mockCloud.region}.amazonaws.com` } };
        }
        case "aws:apigatewayv2/stage:Stage": {
            const path = inputs.name === "$default" ? "" : String(inputs.name);
            return { id, state: { ...state, invokeUrl: `https://${inputs.apiId}.execute-api.${mockCloud.region}.amazonaws.com/${path}` } };
        }
        default:
            return { id, state: { ...state, name: inputs.name ?? name } };
    }
}

/**
 * The Kubernetes provider and the objects made through it, as the API server answers: an object's
 * id is `namespace/name`, its metadata gains a uid, a Service a cluster IP.
 */
function kubernetesState(type: string, name: string, inputs: Inputs): { id: string; state: Inputs } {
    if (type === "pulumi:providers:kubernetes") return { id: fakeId("k8sprovider", name), state: inputs };
    const metadata = (inputs.metadata ?? {}) as Inputs;
    const objectName = (metadata.name as string | undefined) ?? `${name}-${createHash("sha1").update(name).digest("hex").slice(0, 8)}`;
    const namespace = metadata.namespace as string | undefined;
    const state: Inputs = {
        ...inputs,
        metadata: { ...metadata, name: objectName, uid: createHash("sha1").update(`${type}/${name}`).digest("hex").slice(0, 32) },
    };
    if (type === "kubernetes:core/v1:Service") {
        const octets = createHash("sha1").update(name).digest();
        state.spec = { ...((inputs.spec ?? {}) as Inputs), clusterIP: `10.100.${octets[0]}.${octets[1]}` };
    }
    return { id: namespace ? `${namespace}/${objectName}` : objectName, state };
}

export const mocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        let result: { id: string | undefined; state: Inputs };
        switch (args.type) {
            case "awsx:ec2:Vpc":
                result = { id: undefined, state: vpcState(args.name, args.inputs) };
                break;
            case "eks:index:Cluster":
                result = { id: undefined, state: clusterState(args.name, args.inputs) };
                break;
            case "eks:index:ManagedNodeGroup":
                result = { id: undefined, state: managedNodeGroupState(args.name, args.inputs) };
                break;
            default:
                if (args.type === "pulumi:providers:kubernetes" || args.type.startsWith("kubernetes:")) {
                    result = kubernetesState(args.type, args.name, args.inputs);
                } else {
                    result = args.custom ? customState(args.type, args.name, args.inputs) : { id: undefined, state: {} };
                }
        }
        const options = optionsByResource.get(`${args.type}::${args.name}`) ?? {
            parent: "",
            dependencies: [],
            retainOnDelete: false,
            protect: false,
            custom: args.custom ?? false,
            propertyDependencies: {},
            provider: args.provider ?? "",
            serializedInputs: {},
            aliases: [],
        };
        const urn = urnOf(args.type, args.name, options.parent);
        mockCloud.resources.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs,
            id: result.id ?? "",
            state: result.state,
            options,
            urn,
            get outputs() {
                return outputsByUrn.get(urn);
            },
        });
        return result;
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        mockCloud.calls.push({ token: args.token, inputs: args.inputs });
        const region = mockCloud.region;
        switch (args.token) {
            case "aws:index/getRegion:getRegion":
                return { id: region, region, name: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                const names = mockCloud.zonesByRegion[region] ?? ["a", "b", "c"].map((letter) => `${region}${letter}`);
                return {
                    id: region,
                    names,
                    zoneIds: names.map((_, i) => `${region.slice(0, 3)}-az${i + 1}`),
                    groupNames: [region],
                    state: args.inputs.state,
                };
            }
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    id: ACCOUNT_ID,
                    accountId: ACCOUNT_ID,
                    arn: mockCloud.callerArn,
                    userId: "AIDAMOCKDEPLOYER",
                };
            case "aws:index/getPartition:getPartition":
                return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
            case "aws:ec2/getRouteTables:getRouteTables":
                return { id: String(args.inputs.vpcId), vpcId: args.inputs.vpcId, ids: mockCloud.existingRouteTableIds };
            case "aws:ec2/getSubnet:getSubnet": {
                // An existing subnet: its zone follows from its id, spread over the region's first zones.
                const zones = (mockCloud.zonesByRegion[region] ?? [`${region}a`]).slice(0, 3);
                const id = String(args.inputs.id);
                const hash = createHash("sha1").update(id).digest();
                return {
                    id,
                    availabilityZone: zones[hash.readUInt16BE(0) % zones.length],
                    cidrBlock: mockCloud.subnetCidrs[id] ?? `10.${hash[2]}.${hash[3]}.0/24`,
                    vpcId: "vpc-mock",
                };
            }
            default:
                throw new Error(`the mock cloud does not answer ${args.token}; add it to tools/mockCloud.ts`);
        }
    },
};

/** A property tree with resource objects (inputs that referenced a resource) as the engine shows them: their URN. */
export function withoutResourceObjects(value: unknown): unknown {
    if (pulumi.Resource.isInstance(value)) {
        const resource = value as unknown as { __pulumiType?: string; __name?: string };
        return { resourceReference: `${resource.__pulumiType}::${resource.__name}` };
    }
    if (Array.isArray(value)) return value.map(withoutResourceObjects);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, withoutResourceObjects(child)]));
}

/**
 * Registrations as the policy rules see resources: a custom resource's state (its inputs plus what
 * the cloud computed), a remote component's inputs and outputs, a local component's registered
 * outputs with their secrets visible.
 */
export function toPlannedResources(records: RecordedResource[]): PlannedResource[] {
    return records.map((record) => ({
        type: record.type,
        name: record.name,
        urn: record.urn,
        id: record.id || undefined,
        props: record.outputs
            ? (normalizeValue(record.outputs) as Record<string, unknown>)
            : // A secret input (a --secret setting, say) arrives serialized; the rules and the plan read its value.
              (normalizeValue(withoutResourceObjects({ ...record.inputs, ...record.state })) as Record<string, unknown>),
        secretsVisible: record.outputs !== undefined,
    }));
}
