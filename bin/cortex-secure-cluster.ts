#!/usr/bin/env node
// The package's command. The work is in ./cliEnv, where tests can also run it in-process.
import { readFileSync } from "node:fs";
import { isatty } from "node:tty";
import { runCli } from "./cliEnv";

process.exitCode = runCli(process.argv.slice(2), {
    // fd 0 directly: touching process.stdin would switch a pipe to non-blocking reads.
    readStdin: () => readFileSync(0, "utf8"),
    stdinIsTerminal: isatty(0),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
});
