// How the bin's commands fail: a message the user can act on, and an exit status.
/** What the command's exit status means. */
export const EXIT_CODES = {
    ok: 0,
    /** The config could not be read or written. */
    failed: 1,
    /** Unknown command or option, or no stack outputs given. */
    usage: 2,
    /** The stack outputs are not usable (not JSON, no `cliEnvironment`, secrets hidden, invalid entry). */
    badStackOutputs: 3,
    /** The Cortex CLI config is malformed; it was left untouched. */
    malformedCliConfig: 4,
} as const;

/** A failure the user can act on: its message is printed as is, its code is the exit status. */
export class CommandError extends Error {
    constructor(
        message: string,
        readonly exitCode: number,
    ) {
        super(message);
    }
}
