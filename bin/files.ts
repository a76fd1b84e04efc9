// Files the bin reads and writes: a missing file is no error, a written one is replaced atomically
// and readable by its owner only (it may hold keys).
import { randomBytes } from "node:crypto";
import {
    closeSync,
    fchmodSync,
    fsyncSync,
    mkdirSync,
    openSync,
    readFileSync,
    realpathSync,
    renameSync,
    unlinkSync,
    writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { CommandError, EXIT_CODES } from "./errors";

/** A file as text, or undefined when there is none yet. */
export function readTextFile(configPath: string): string | undefined {
    try {
        return readFileSync(configPath, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new CommandError(`cannot read ${configPath}: ${(error as Error).message}`, EXIT_CODES.failed);
    }
}

/**
 * Replaces `configPath` with `text` atomically, mode 0600: a reader sees the old file or the new one,
 * never half of one. A missing directory is created with mode 0700; a symlinked config is updated
 * where it points.
 */
export function writePrivateFile(configPath: string, text: string): void {
    let target = configPath;
    try {
        target = realpathSync(configPath);
    } catch {
        // No file yet: it is created at configPath.
    }
    const directory = dirname(target);
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const temporary = join(directory, `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
    try {
        const fd = openSync(temporary, "wx", 0o600);
        try {
            fchmodSync(fd, 0o600); // the umask cannot loosen it, and an old file's looser mode is not inherited
            writeSync(fd, text);
            fsyncSync(fd);
        } finally {
            closeSync(fd);
        }
        renameSync(temporary, target);
    } catch (error) {
        try {
            unlinkSync(temporary);
        } catch {
            // Never created, or already renamed.
        }
        throw new CommandError(`cannot write ${configPath}: ${(error as Error).message}`, EXIT_CODES.failed);
    }
}
