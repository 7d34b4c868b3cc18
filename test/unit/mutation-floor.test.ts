import { test } from "node:test";
import assert from "node:assert/strict";
import { belowFloor, scoresOf } from "../../scripts/lib/mutation-floor.ts";

const mutants = (counts: Record<string, number>) =>
  Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));

test("mutation scores per file are Stryker's, and a module under 80 % is named", () => {
  const report = {
    files: {
      // The re-measure of 2026-12-03 as Stryker printed it: 90.70 % and 90.55 %.
      "lib/results/preference.ts": { mutants: mutants({ Killed: 142, Timeout: 92, Survived: 23, NoCoverage: 1 }) },
      "lib/results/results.ts": { mutants: mutants({ Killed: 115, Survived: 9, NoCoverage: 3, CompileError: 4 }) },
      // 79 of 99 detected: 79.80 %, just under; ignored mutants do not count.
      "lib/x.ts": { mutants: mutants({ Killed: 70, Timeout: 9, Survived: 20, Ignored: 5 }) },
      "lib/none.ts": { mutants: [] },
    },
  };
  assert.deepEqual(
    scoresOf(report).map((s) => [s.file, s.score.toFixed(2)]),
    [
      ["lib/results/preference.ts", "90.70"],
      ["lib/results/results.ts", "90.55"],
      ["lib/x.ts", "79.80"],
      ["lib/none.ts", "100.00"],
    ],
  );
  assert.deepEqual(belowFloor(report), ["lib/x.ts: mutation score 79.80 % is under 80 %"]);
  // Exactly 80 % is enough.
  assert.deepEqual(belowFloor({ files: { "a.ts": { mutants: mutants({ Killed: 4, Survived: 1 }) } } }), []);
});
