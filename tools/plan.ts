// `npm run plan -- --stack dev`: runs the stack program (index.ts) with a stack file's config under
// Pulumi's mocks - no AWS account, no Pulumi CLI - and prints what it would build and who could reach it.
import { planCommand } from "./planCommand";

planCommand(process.argv.slice(2), { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr }).then(
    (code) => process.exit(code),
    (error: unknown) => {
        process.stderr.write(`The offline plan failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    },
);
