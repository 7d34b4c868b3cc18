// Clinical-error results (lib/results/errors.ts) against statsmodels: the expected values come from
// test/fixtures/oracles/make_errors.py (an intercept-only OLS with cluster-robust covariance by case).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { errorResults } from "../../lib/results/errors.ts";
import type { Clustered } from "../../lib/results/stats.ts";
import type { ErrorCategory } from "../../lib/rating/clinical-errors.ts";

type Expected = { n: number; mean: number; ci95: [number, number] };
const oracle = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, "..", "fixtures", "oracles", "errors.json"), "utf8"),
) as {
  reports: { caseId: string; errors: { category: ErrorCategory; significant: boolean }[] }[];
  cases: number;
  significant: Expected;
  all: Expected;
  anySignificant: Expected;
  byCategory: Record<ErrorCategory, { significant: Expected; notSignificant: Expected }>;
};

function close(actual: Clustered, expected: Expected, what: string) {
  assert.equal(actual.n, expected.n, `${what}: n`);
  assert.equal(actual.cases, oracle.cases, `${what}: cases`);
  assert.ok(Math.abs(actual.mean! - expected.mean) < 1e-12, `${what}: mean ${actual.mean} vs ${expected.mean}`);
  for (const i of [0, 1])
    assert.ok(
      Math.abs(actual.ci95![i] - expected.ci95[i]) < 1e-9,
      `${what}: ci95[${i}] ${actual.ci95![i]} vs ${expected.ci95[i]}`,
    );
}

test("errors per report and the share with a significant error match statsmodels' cluster-robust intervals", () => {
  const r = errorResults(oracle.reports);
  assert.equal(r.reports, oracle.reports.length);
  close(r.significant, oracle.significant, "significant errors per report");
  close(r.all, oracle.all, "errors per report");
  close(r.anySignificant, oracle.anySignificant, "share with a significant error");
  for (const [category, expected] of Object.entries(oracle.byCategory)) {
    close(r.byCategory[category as ErrorCategory].significant, expected.significant, `${category} significant`);
    close(r.byCategory[category as ErrorCategory].notSignificant, expected.notSignificant, `${category} not`);
  }
});

test("hand-checked: 3 of 5 reports in 2 cases; one report, or none, has no interval", () => {
  // Reports (case: significant errors) a:1, a:0, a:2, b:0, b:0 -> mean 3/5 = 0.6.
  const e = (n: number) => Array.from({ length: n }, () => ({ category: "FALSE_FINDING" as const, significant: true }));
  const r = errorResults([
    { caseId: "a", errors: e(1) },
    { caseId: "a", errors: e(0) },
    { caseId: "a", errors: e(2) },
    { caseId: "b", errors: e(0) },
    { caseId: "b", errors: e(0) },
  ]);
  assert.equal(r.significant.mean, 0.6);
  assert.equal(r.anySignificant.mean, 0.4);
  // Residuals summed by case: a: 0.4 - 0.6 + 1.4 = 1.2; b: -1.2. se = sqrt(2/1 * 2.88) / 5 = 0.48;
  // t(0.975, 1 df) = 12.706204736432 (SciPy; the table's value), so the half-width is 6.0989782735...
  const half = 12.706204736432 * 0.48;
  assert.ok(Math.abs(r.significant.ci95![0] - (0.6 - half)) < 1e-9);
  assert.ok(Math.abs(r.significant.ci95![1] - (0.6 + half)) < 1e-9);
  assert.deepEqual(errorResults([{ caseId: "a", errors: e(2) }]).all, { n: 1, cases: 1, mean: 2, ci95: null });
  assert.deepEqual(errorResults([]).all, { n: 0, cases: 0, mean: null, ci95: null });
});
