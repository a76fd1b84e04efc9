// The whole suite, two files at a time. The slowest files go first: one started last would run
// alone at the end while the other worker has nothing left to do.
const { readdirSync } = require("node:fs");

const SLOWEST_FIRST = ["plugin", "audit.moto", "package", "plan", "cliEnvCommand", "hostedPrograms"].map((name) => `tests/${name}.test.ts`);
const rest = readdirSync(`${__dirname}/tests`)
    .filter((file) => file.endsWith(".test.ts"))
    .map((file) => `tests/${file}`)
    .filter((file) => !SLOWEST_FIRST.includes(file))
    .sort();

module.exports = {
    require: ["tsx/cjs", "./tests/setup.ts"],
    spec: [...SLOWEST_FIRST, ...rest],
    // Semi-spaces of 128 MB instead of 16: a build keeps many short-lived promises and Outputs
    // alive across minor collections, which took a quarter of a worker's time.
    "node-option": ["max-semi-space-size=128"],
    parallel: true,
    jobs: 2,
    timeout: 20000,
    reporter: "spec",
};
