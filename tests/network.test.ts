import { strict as assert } from "node:assert";
import { build, valueOf } from "./harness";

describe("smoke", () => {
    it("builds", async () => {
        const b = await build({});
        console.log(b.resources.map((r) => `${r.type} ${r.name}`));
        console.log(await valueOf(b.cluster.privateSubnetIds));
        assert.ok(true);
    });
});
