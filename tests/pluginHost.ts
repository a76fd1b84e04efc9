// The component as a plugin, as Pulumi runs it for `pulumi package add` consumers: `run-plugin` in
// the package's folder, spoken to over the provider gRPC protocol. The engine's side is faked here:
// an Engine service that keeps log messages, and a ResourceMonitor service that hands every request
// to this process's mock monitor (tests/setup.ts), so the plugin's registrations land in the same
// mock cloud as the TypeScript path's.
import { ChildProcess, spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { GetRootResourceResponse, LogRequest, SetRootResourceResponse } from "@pulumi/pulumi/proto/engine_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { ConstructRequest, ConstructResponse, GetSchemaRequest, GetSchemaResponse } from "@pulumi/pulumi/proto/provider_pb";
import { ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb";
import { SupportsFeatureRequest, SupportsFeatureResponse } from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

type Callback = (error: Error | null, response?: unknown) => void;
type Monitor = Record<string, (request: unknown, callback: Callback) => unknown>;

/** The engine's secret marker in serialized properties. */
export const secretValue = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

/** What a Construct call answered: the component's URN and outputs, or the error the engine shows. */
export interface Constructed {
    urn?: string;
    state?: Record<string, unknown>;
    error?: grpc.ServiceError;
}

export class PluginHost {
    /** The messages the plugin logged to the engine. */
    readonly logs: { severity: number; message: string }[] = [];

    private constructor(
        private readonly plugin: ChildProcess,
        private readonly engine: grpc.Server,
        private readonly engineAddress: string,
        readonly client: ResourceProviderClient,
    ) {}

    /** Starts the fake engine, then the plugin as Pulumi does: `run-plugin <folder> <engine address>`. */
    static async start(folder: string): Promise<PluginHost> {
        const engine = new grpc.Server();
        const holder: { host?: PluginHost } = {};
        engine.addService(EngineService, {
            log: (call: grpc.ServerUnaryCall<LogRequest, Empty>, callback: Callback) => {
                holder.host?.logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
                callback(null, new Empty());
            },
            getRootResource: (_call: unknown, callback: Callback) => callback(null, new GetRootResourceResponse()),
            setRootResource: (_call: unknown, callback: Callback) => callback(null, new SetRootResourceResponse()),
        });
        engine.addService(ResourceMonitorService, monitorService(pulumi.runtime.getMonitor() as unknown as Monitor));
        const port = await new Promise<number>((resolve, reject) =>
            engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
                error ? reject(error) : resolve(bound),
            ),
        );
        const engineAddress = `127.0.0.1:${port}`;
        const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [folder] });
        const plugin = spawn(process.execPath, [runPlugin, folder, engineAddress], { cwd: folder, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        plugin.stderr!.on("data", (data) => (stderr += String(data)));
        const pluginPort = await new Promise<string>((resolve, reject) => {
            plugin.stdout!.once("data", (data) => resolve(String(data).trim()));
            plugin.once("exit", (code) => reject(new Error(`run-plugin exited with ${code} before serving:\n${stderr}`)));
        });
        const client = new ResourceProviderClient(`127.0.0.1:${pluginPort}`, grpc.credentials.createInsecure());
        holder.host = new PluginHost(plugin, engine, engineAddress, client);
        return holder.host;
    }

    stop(): void {
        this.client.close();
        this.plugin.kill();
        this.engine.forceShutdown();
    }

    /** The package schema, as `pulumi package add` asks for it to generate an SDK. */
    async schema(): Promise<PackageSchema> {
        const response = await new Promise<GetSchemaResponse>((resolve, reject) =>
            this.client.getSchema(new GetSchemaRequest(), (error, result) => (error ? reject(error) : resolve(result))),
        );
        return JSON.parse(response.getSchema()) as PackageSchema;
    }

    /** Construct, as the engine calls it when a program in another language declares the component. */
    construct(type: string, name: string, inputs: Record<string, unknown>): Promise<Constructed> {
        const request = new ConstructRequest()
            .setProject(pulumi.getProject())
            .setStack(pulumi.getStack())
            .setDryrun(false)
            .setParallel(16)
            .setMonitorendpoint(this.engineAddress)
            .setType(type)
            .setName(name)
            .setInputs(Struct.fromJavaScript(inputs as never))
            .setAcceptsOutputValues(true);
        request.getConfigMap().set("aws:region", "us-west-2");
        return new Promise((resolve) =>
            this.client.construct(request, (error, response: ConstructResponse) =>
                resolve(
                    error
                        ? { error }
                        : { urn: response.getUrn(), state: (response.getState()?.toJavaScript() ?? {}) as Record<string, unknown> },
                ),
            ),
        );
    }
}

/** The ResourceMonitor gRPC service over the SDK's in-process mock monitor. */
function monitorService(monitor: Monitor): grpc.UntypedServiceImplementation {
    const forward =
        (method: string) =>
        (call: grpc.ServerUnaryCall<unknown, unknown>, callback: Callback): unknown =>
            monitor[method](call.request, callback);
    return {
        invoke: forward("invoke"),
        readResource: forward("readResource"),
        registerResource: forward("registerResource"),
        // The mock answers these with plain objects; gRPC needs the messages.
        registerResourceOutputs: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: Callback) =>
            monitor.registerResourceOutputs(call.request, (error) => callback(error, new Empty())),
        supportsFeature: (call: grpc.ServerUnaryCall<SupportsFeatureRequest, unknown>, callback: Callback) =>
            monitor.supportsFeature(call.request, (error, answer) =>
                callback(error, new SupportsFeatureResponse().setHassupport((answer as { getHassupport(): boolean }).getHassupport())),
            ),
        registerPackage: forward("registerPackage"),
    };
}

/** The parts of a Pulumi package schema the tests read. */
export interface SchemaProperty {
    type?: string;
    $ref?: string;
    items?: SchemaProperty;
    additionalProperties?: SchemaProperty;
    description?: string;
    plain?: boolean;
    optional?: boolean;
}

export interface PackageSchema {
    name: string;
    version: string;
    resources: Record<
        string,
        {
            isComponent: boolean;
            description?: string;
            inputProperties: Record<string, SchemaProperty>;
            requiredInputs: string[];
            properties: Record<string, SchemaProperty>;
            required: string[];
        }
    >;
    types: Record<
        string,
        {
            type: string;
            enum?: { name: string; value: string | number; description?: string }[];
            properties?: Record<string, SchemaProperty>;
            required?: string[];
        }
    >;
}
