// Properties over every argument: whatever a user types is reported as a problem naming the
// argument, never thrown as anything else; and the CIDR helpers agree with each other.
import { strict as assert } from "node:assert";
import * as fc from "fast-check";
import { CortexSecureClusterArgsError, findArgumentProblems, parseStackConfig, resolveSettings } from "../components";
import { cidrsOverlap, parseIpv4Cidr } from "../components/cidr";
import { ARGUMENT_NAMES } from "../components/valueRules";
import { withAdmins } from "./harness";

/** Values a user could plausibly type or a program could pass by mistake, JSON-like and not. */
const anyValue = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(undefined, null, NaN, Infinity, -0, "", " ", "0.0.0.0/0", "1.2.3.4/33", "vpc-", "t3.micro", "private", "0.42"),
    fc.array(fc.string(), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 4 }),
);

describe("properties: every invalid value is reported, never thrown", () => {
    it("findArgumentProblems never throws, and every problem names an argument and what is allowed", () => {
        fc.assert(
            fc.property(fc.constantFrom(...ARGUMENT_NAMES), anyValue, (argument, value) => {
                const problems = findArgumentProblems(withAdmins({ [argument]: value } as never));
                for (const problem of problems) {
                    assert.ok(problem.argument.length > 0 && problem.allowed.length > 0, JSON.stringify(problem));
                }
            }),
            { numRuns: 600 },
        );
    });

    it("resolveSettings throws nothing but the arguments error, which names the bad argument", () => {
        fc.assert(
            fc.property(fc.constantFrom(...ARGUMENT_NAMES), anyValue, (argument, value) => {
                try {
                    resolveSettings(withAdmins({ [argument]: value } as never));
                } catch (error) {
                    assert.ok(error instanceof CortexSecureClusterArgsError, String(error));
                    const named = error.problems.map((problem) => problem.argument.split(/[.[]/)[0]);
                    // A bad value of one argument may make a joint rule speak of another, but never of nothing.
                    assert.ok(named.length > 0, error.message);
                }
            }),
            { numRuns: 600 },
        );
    });

    it("stack config: any text for any setting is parsed or reported, never thrown otherwise", () => {
        fc.assert(
            fc.property(fc.constantFrom(...ARGUMENT_NAMES), fc.string({ maxLength: 40 }), (argument, raw) => {
                try {
                    parseStackConfig({
                        "cortex-secure-cluster:adminCidrAllowList": '["198.51.100.0/24"]',
                        [`cortex-secure-cluster:${argument}`]: raw,
                    });
                } catch (error) {
                    assert.ok(error instanceof CortexSecureClusterArgsError, String(error));
                }
            }),
            { numRuns: 400 },
        );
    });
});

describe("properties: the CIDR helpers", () => {
    const cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([address, prefix]) => {
        // The network address of that prefix: a CIDR with no host bits set.
        const bits = address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
        const network = prefix === 0 ? 0 : Math.floor(bits / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
        return `${[24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join(".")}/${prefix}`;
    });

    it("parses every network CIDR to its own prefix", () => {
        fc.assert(
            fc.property(cidr, (value) => {
                const parsed = parseIpv4Cidr(value);
                assert.ok(typeof parsed !== "string", `${value}: ${String(parsed)}`);
                assert.equal(parsed.prefix, Number(value.split("/")[1]));
            }),
        );
    });

    it("overlap is symmetric, reflexive, and holds between a network and any subnet of it", () => {
        fc.assert(
            fc.property(cidr, cidr, (a, b) => {
                assert.equal(cidrsOverlap(a, b), cidrsOverlap(b, a));
                assert.ok(cidrsOverlap(a, a));
            }),
        );
        assert.ok(cidrsOverlap("10.0.0.0/8", "10.20.0.0/16"));
        assert.ok(!cidrsOverlap("10.0.0.0/16", "10.1.0.0/16"));
    });
});
