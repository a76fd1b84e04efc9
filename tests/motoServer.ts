// Starts and stops moto_server (an AWS API emulator) on loopback for tests that talk AWS APIs.
import { ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

/** The moto_server executable on PATH, or undefined when it is not installed. */
export function findMotoServer(): string | undefined {
    for (const directory of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
        const candidate = join(directory, "moto_server");
        try {
            accessSync(candidate, constants.X_OK);
            return candidate;
        } catch {
            // not in this directory
        }
    }
    return undefined;
}

function freeLoopbackPort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
        });
    });
}

/** A running moto_server, bound to 127.0.0.1 only. */
export class MotoServer {
    private exited = false;
    private log = "";

    private constructor(
        private readonly child: ChildProcess,
        readonly endpoint: string,
    ) {
        child.once("exit", () => (this.exited = true));
        // moto logs every request: drain it (a full pipe would stall the server), keep the tail.
        child.stderr?.on("data", (chunk: Buffer) => (this.log = (this.log + chunk.toString()).slice(-4000)));
    }

    /** Starts moto_server on a free loopback port and waits until it answers. */
    static async start(executable: string, readyWithinMs = 20_000): Promise<MotoServer> {
        const port = await freeLoopbackPort();
        // Its own process group, so stopping it also stops anything the launcher (a pyenv shim, say) spawned.
        const child = spawn(executable, ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"], detached: true });
        const server = new MotoServer(child, `http://127.0.0.1:${port}`);
        const killOnExit = () => server.signal("SIGKILL");
        process.once("exit", killOnExit);
        child.once("exit", () => process.removeListener("exit", killOnExit));

        const deadline = Date.now() + readyWithinMs;
        while (Date.now() < deadline) {
            if (server.exited) {
                throw new Error(`moto_server exited before it answered:\n${server.log}`);
            }
            try {
                const response = await fetch(`${server.endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
                if (response.ok) return server;
            } catch {
                // not listening yet
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await server.stop();
        throw new Error(`moto_server did not answer on ${server.endpoint} within ${readyWithinMs} ms:\n${server.log}`);
    }

    /**
     * Turns moto's IAM enforcement on: from the next request on, every call must be signed by a
     * known access key and allowed by that identity's policies (or off again, with `false`).
     */
    async enforceIam(enforce: boolean): Promise<void> {
        const response = await fetch(`${this.endpoint}/moto-api/reset-auth`, {
            method: "POST",
            body: enforce ? "0" : "inf",
            signal: AbortSignal.timeout(5000),
        });
        if (!response.ok) throw new Error(`moto reset-auth answered ${response.status}`);
    }

    /** Forgets every resource, so each test starts from an empty account. */
    async reset(): Promise<void> {
        const response = await fetch(`${this.endpoint}/moto-api/reset`, { method: "POST", signal: AbortSignal.timeout(5000) });
        if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    }

    private signal(signal: NodeJS.Signals): void {
        if (this.exited || this.child.pid === undefined) return;
        try {
            process.kill(-this.child.pid, signal);
        } catch {
            // already gone
        }
    }

    /** Stops the server: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
    async stop(graceMs = 3000): Promise<void> {
        if (this.exited) return;
        const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
        this.signal("SIGTERM");
        const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
    }
}
