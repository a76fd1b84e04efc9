// The policy pack as the engine runs it: a child process serving the analyzer gRPC protocol, fed
// resources in the engine's encoding (unknowns as the sentinel string, secrets as signature objects).
import { ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzeResponse,
    AnalyzerInfo,
    AnalyzerPropertyDependencies,
    AnalyzerResource,
    AnalyzerResourceOptions,
    AnalyzeStackRequest,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EngineResource } from "../policy/rules";

/** One diagnostic as `pulumi preview` prints it: the policy, its level, the resource and the message. */
export interface Diagnostic {
    policy: string;
    level: "advisory" | "mandatory";
    urn: string;
    message: string;
}

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;

export class Analyzer {
    private constructor(
        private readonly server: ChildProcess,
        private readonly client: AnalyzerClient,
    ) {}

    /**
     * Starts the pack as the engine does: in its folder, reading the port it serves on from stdout.
     * The compiled pack (`dist/policy`, what the npm package ships; the tests' global setup builds it
     * from `policy/`), which spares a process compiling the sources on the fly.
     */
    static async start(): Promise<Analyzer> {
        const server = spawn(process.execPath, ["index.js"], {
            cwd: join(__dirname, "..", "dist", "policy"),
            stdio: ["ignore", "pipe", "pipe"],
        });
        const port = await new Promise<string>((resolve, reject) => {
            server.stdout!.once("data", (data) => resolve(String(data).trim()));
            server.once("exit", (code) => reject(new Error(`the policy pack exited with ${code}`)));
        });
        return new Analyzer(server, new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()));
    }

    stop(): void {
        this.client.close();
        this.server.kill();
    }

    info(): Promise<AnalyzerInfo> {
        return new Promise((resolve, reject) =>
            this.client.getAnalyzerInfo(new Empty(), (error, response) => (error ? reject(error) : resolve(response))),
        );
    }

    /** AnalyzeStack, as the engine calls it at the end of a preview. */
    async analyzeStack(resources: EngineResource[]): Promise<Diagnostic[]> {
        const request = new AnalyzeStackRequest();
        request.setResourcesList(
            resources.map((resource) => {
                const analyzed = new AnalyzerResource();
                analyzed.setType(resource.type);
                analyzed.setUrn(resource.urn);
                analyzed.setName(resource.name);
                analyzed.setProperties(Struct.fromJavaScript(resource.props as never));
                if (resource.parent) analyzed.setParent(resource.parent);
                for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
                    analyzed.getPropertydependenciesMap().set(property, new AnalyzerPropertyDependencies().setUrnsList(urns));
                }
                const options = new AnalyzerResourceOptions();
                if (resource.parent) options.setParent(resource.parent);
                analyzed.setOptions(options);
                return analyzed;
            }),
        );
        const response = await new Promise<AnalyzeResponse>((resolve, reject) =>
            this.client.analyzeStack(request, (error, result) => (error ? reject(error) : resolve(result))),
        );
        return response.getDiagnosticsList().map((diagnostic) => ({
            policy: diagnostic.getPolicyname(),
            level: LEVELS[diagnostic.getEnforcementlevel()] as "advisory" | "mandatory",
            urn: diagnostic.getUrn(),
            message: diagnostic.getMessage(),
        }));
    }
}
