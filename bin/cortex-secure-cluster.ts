#!/usr/bin/env node
// The package's command. The work is in ./cliEnv and ./audit, where tests can also run it in-process.
import { readFileSync } from "node:fs";
import { isatty } from "node:tty";
import { runAudit } from "./audit/command";
import { runCli } from "./cliEnv";

const args = process.argv.slice(2);
const io = {
    // fd 0 directly: touching process.stdin would switch a pipe to non-blocking reads.
    readStdin: () => readFileSync(0, "utf8"),
    stdinIsTerminal: isatty(0),
    stdout: (text: string) => process.stdout.write(text),
    stderr: (text: string) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
};

if (args[0] === "audit") {
    // The audit reads AWS, so it is the one asynchronous command.
    void runAudit(args.slice(1), { ...io, stderrIsTerminal: isatty(2) }).then((status) => (process.exitCode = status));
} else {
    process.exitCode = runCli(args, io);
}
