// `npm run mutation` (scripts/mutation.ts): StrykerJS breaks the modules that hold the rules one
// small change at a time and runs the unit and integration tests that reach the changed line.
// Not part of `npm test`: a full run takes hours on two cores (see README, "Mutation testing").
import fs from "node:fs";

const LEFT_OUT = [
  "tiny-model",
  "shipped-model",
  "browser-specs",
  "mutation-routes",
  "start",
  "user-cli",
  "generation",
  "openai",
  "database",
  "schema-drift",
  "mutation-floor",
];

// A mutant's covering tests run in this order and stop at the first failure: the slow ones (big
// uploads, a hundred thousand columns) last, so that a quick test usually kills it first.
const LAST = ["import-scale.test.ts"];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    "lib/rating/rating.ts",
    "lib/rating/assignment.ts",
    "lib/rating/answer.ts",
    "lib/rating/preference.ts",
    "lib/accounts/access.ts",
    // auth.ts (next-auth's options) and sessions.ts are reached only through a built app: the
    // browser tests guard them (sessions.spec.ts, access-matrix.spec.ts); a Next build per mutant
    // would take days here. The account rules they call are mutated instead.
    "lib/accounts/users.ts",
    "lib/accounts/accounts.ts",
    "lib/accounts/sign-in-throttle.ts",
    "lib/accounts/passwords.ts",
    "lib/studies/import.ts",
    "lib/tables/tables.ts",
    "lib/results/stats.ts",
    "lib/results/results.ts",
    "lib/results/preference.ts",
    "scripts/lib/evaluation.ts",
  ],
  testRunner: "tap",
  tap: {
    // Each test file runs alone in `node`, as `npm test` runs it; tsx compiles TypeScript.
    // Left out: files that reach none of the mutated modules (the model, the embedded server's
    // life, schema drift, the static checks of routes and specs) or that start `npm` scripts,
    // whose bootstrap would reinstall the dependencies inside Stryker's sandbox.
    testFiles: ["unit", "integration"].flatMap((dir) =>
      fs
        .readdirSync(`test/${dir}`)
        .filter((f) => f.endsWith(".test.ts") && !LEFT_OUT.includes(f.replace(".test.ts", "")))
        .sort((a, b) => LAST.includes(a) - LAST.includes(b))
        .map((f) => `test/${dir}/${f}`),
    ),
    nodeArgs: ["-r", "{{hookFile}}", "--import", "tsx", "--test-reporter=tap", "{{testFile}}"],
    forceBail: true,
  },
  coverageAnalysis: "perTest",
  checkers: [],
  plugins: ["@stryker-mutator/tap-runner"],
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: ".data/mutation/report.html" },
  jsonReporter: { fileName: ".data/mutation/report.json" },
  incrementalFile: ".data/mutation/incremental.json",
  tempDirName: ".data/stryker-tmp",
  ignorePatterns: [".data", ".next", "test-results", "playwright-report"],
  concurrency: 2,
  // Over 1.5 × the covering tests' own time: a mutant that loops (a shuffle that never ends) costs no more.
  timeoutMS: 20000,
  thresholds: { high: 90, low: 80, break: null },
};
