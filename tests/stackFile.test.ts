// Reading a Pulumi.<stack>.yaml: a setting outside `config:` is refused, never silently dropped.
import { strict as assert } from "node:assert";
import { readStackFile } from "../components";

/** The message readStackFile throws for a stack file. */
function refusal(yamlText: string): string {
    try {
        readStackFile(yamlText);
    } catch (error) {
        return (error as Error).message;
    }
    return assert.fail("the stack file was read without a word");
}

describe("stack files: settings outside config", () => {
    it("refuses a namespaced setting beside `config:`, naming it and where it belongs", () => {
        const message = refusal("config:\n  aws:region: us-west-2\ncortex-secure-cluster:subnetVisibility: public\n");
        assert.match(message, /cortex-secure-cluster:subnetVisibility/);
        assert.match(message, /under `config:`/);
    });

    it("refuses an argument name at the top level, as a setting indented one level too little", () => {
        const message = refusal("config:\n  aws:region: us-west-2\nsubnetVisibility: public\n");
        assert.match(message, /subnetVisibility/);
        assert.match(message, /under `config:`/);
    });

    it("refuses settings in a file that has no `config:` at all", () => {
        const message = refusal("aws:region: eu-west-1\ncortex-secure-cluster:natGateway: single\n");
        assert.match(message, /aws:region/);
        assert.match(message, /cortex-secure-cluster:natGateway/);
    });

    it("names every misplaced key at once", () => {
        const message = refusal(
            "config:\n  aws:region: us-west-2\ncortex-secure-cluster:cliUser: true\ncortex-secure-cluster:flowLogs: false\n",
        );
        assert.match(message, /cortex-secure-cluster:cliUser/);
        assert.match(message, /cortex-secure-cluster:flowLogs/);
    });

    it("accepts the top-level keys Pulumi writes into a stack file", () => {
        const { config } = readStackFile(
            [
                "secretsprovider: awskms://alias/pulumi?region=us-west-2",
                "encryptedkey: AQICAHh=",
                "encryptionsalt: v1:abc:def",
                "environment:",
                "  - cortex/dev",
                "config:",
                "  aws:region: us-west-2",
                "  cortex-secure-cluster:subnetVisibility: public",
                "",
            ].join("\n"),
        );
        assert.deepEqual(config, { "aws:region": "us-west-2", "cortex-secure-cluster:subnetVisibility": "public" });
    });
});
