// Preference results (lib/results/preference.ts). The Bradley–Terry strengths and their bootstrap
// intervals come from statsmodels (test/fixtures/oracles/make_preference.py, which also drew the
// resamples the test passes in); the head-to-head shares are counted by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { mulberry32 } from "../../lib/platform/random.ts";
import {
  BOOTSTRAP_RESAMPLES,
  BOOTSTRAP_SEED,
  bradleyTerry,
  comparisonsOf,
  headToHead,
  type PairComparison,
  percentile,
  preferenceRanking,
} from "../../lib/results/preference.ts";

const oracle = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, "..", "fixtures", "oracles", "preference.json"), "utf8"),
) as {
  datasets: {
    name: string;
    systems: string[];
    comparisons: PairComparison[];
    resamples: string[][];
    strength: number[];
    low: number[];
    high: number[];
  }[];
};

for (const d of oracle.datasets)
  test(`Bradley–Terry strengths and bootstrap intervals match statsmodels: ${d.name}`, () => {
    const ranking = preferenceRanking(d.systems, d.comparisons, d.resamples);
    for (const [i, s] of ranking.entries()) {
      assert.equal(s.systemId, d.systems[i]);
      for (const [field, expected] of [
        ["strength", d.strength[i]],
        ["low", d.low[i]],
        ["high", d.high[i]],
      ] as const)
        assert.ok(
          Math.abs(s[field] - expected) < 1e-7,
          `${s.systemId} ${field}: ${s[field]} vs statsmodels ${expected}`,
        );
    }
    // Ranks 1..k follow the strengths.
    const byRank = [...ranking].sort((a, b) => a.rank - b.rank);
    assert.deepEqual(
      byRank.map((s) => s.rank),
      d.systems.map((_, i) => i + 1),
    );
    assert.ok(byRank.every((s, i) => i === 0 || byRank[i - 1].strength >= s.strength));
  });

test("Bradley–Terry by hand: two systems, 3 wins to 1 and one virtual tie give b = ±ln(3.5/1.5)/2", () => {
  const c = (outcome: 1 | 0 | 0.5): PairComparison => ({ caseId: "c", a: "x", b: "y", outcome });
  const [x, y] = bradleyTerry(["x", "y"], [c(1), c(1), c(1), c(0)]);
  // With one pair the fit is the observed odds: (3 + 0.5) wins to (1 + 0.5).
  assert.ok(Math.abs(x - Math.log(3.5 / 1.5) / 2) < 1e-12, `${x}`);
  assert.ok(Math.abs(y + Math.log(3.5 / 1.5) / 2) < 1e-12, `${y}`);
  // A tie is half a win each way: two ties and nothing else leave them equal.
  assert.deepEqual(
    bradleyTerry(["x", "y"], [c(0.5), c(0.5)]).map((v) => Math.abs(v) < 1e-12),
    [true, true],
  );
  // Systems never compared stay at the mean.
  assert.deepEqual(bradleyTerry(["x", "y", "z"], []), [0, 0, 0]);
});

test("the bootstrap draws every case of a resample with all its comparisons, reproducibly", () => {
  const comparisons: PairComparison[] = [
    { caseId: "c1", a: "x", b: "y", outcome: 1 },
    { caseId: "c1", a: "x", b: "y", outcome: 1 },
    { caseId: "c2", a: "x", b: "y", outcome: 0 },
  ];
  // Resampled as [c1, c1]: four wins of x; as [c2, c2]: two losses.
  const [x] = preferenceRanking(["x", "y"], comparisons, [
    ["c1", "c1"],
    ["c2", "c2"],
  ]);
  assert.ok(Math.abs(x.high - percentile([Math.log(4.5 / 0.5) / 2, Math.log(0.5 / 2.5) / 2], 0.975)) < 1e-12);
  assert.ok(Math.abs(x.low - (Math.log(0.5 / 2.5) / 2 + 0.025 * (Math.log(9) / 2 - Math.log(0.2) / 2))) < 1e-12);
  const a = preferenceRanking(["x", "y"], comparisons);
  const b = preferenceRanking(["x", "y"], comparisons);
  assert.deepEqual(a, b, "the same interval at every visit");
  assert.ok(a[0].low < a[0].strength && a[0].strength < a[0].high);
  assert.deepEqual(
    preferenceRanking(["x", "y"], []).map((s) => [s.strength, s.low, s.rank]),
    [
      [0, Number.NaN, 1],
      [0, Number.NaN, 2],
    ],
  );
});

test("the dashboard's own resamples: 1,000 draws of the cases (in id order) from the fixed seed, each refitted from its comparisons", () => {
  // Three systems, uneven cases (one with a single comparison, one drawn more often than others).
  const outcomes: [string, string, string, PairComparison["outcome"]][] = [
    ["c1", "x", "y", 1],
    ["c1", "y", "z", 0.5],
    ["c1", "x", "z", 1],
    ["c2", "x", "y", 0],
    ["c10", "z", "x", 1],
    ["c10", "z", "y", 1],
    ["c3", "y", "x", 0.5],
    ["c3", "x", "y", 1],
    ["c4", "y", "z", 0],
  ];
  const comparisons = outcomes.map(([caseId, a, b, outcome]) => ({ caseId, a, b, outcome }));
  const systems = ["x", "y", "z"];
  // The definition, spelled out: draw, list every comparison of every case drawn, fit.
  const ids = ["c1", "c10", "c2", "c3", "c4"]; // sorted as strings
  const next = mulberry32(BOOTSTRAP_SEED);
  const fits = Array.from({ length: BOOTSTRAP_RESAMPLES }, () =>
    bradleyTerry(
      systems,
      Array.from({ length: ids.length }, () => ids[Math.floor(next() * ids.length)]).flatMap((id) =>
        comparisons.filter((c) => c.caseId === id),
      ),
    ),
  );
  const ranking = preferenceRanking(systems, comparisons);
  systems.forEach((s, i) => {
    const own = ranking[i];
    assert.ok(
      Math.abs(
        own.low -
          percentile(
            fits.map((f) => f[i]),
            0.025,
          ),
      ) < 1e-12,
      `${s}'s low bound`,
    );
    assert.ok(
      Math.abs(
        own.high -
          percentile(
            fits.map((f) => f[i]),
            0.975,
          ),
      ) < 1e-12,
      `${s}'s high bound`,
    );
  });
  assert.ok(ranking.every((s) => s.low < s.high));
});

test("ranks follow the strengths, whatever order the systems are listed in", () => {
  // "strong" is listed last and wins every comparison; "weak" loses every one.
  const c = (a: string, b: string): PairComparison => ({ caseId: "c", a, b, outcome: 1 });
  const ranking = preferenceRanking(
    ["weak", "middle", "strong"],
    [c("strong", "middle"), c("strong", "weak"), c("middle", "weak"), c("strong", "weak")],
    [],
  );
  assert.deepEqual(
    ranking.map((s) => [s.systemId, s.rank]),
    [
      ["weak", 3],
      ["middle", 2],
      ["strong", 1],
    ],
  );
});

test("percentile interpolates between order statistics as numpy does", () => {
  assert.equal(percentile([3, 1, 2, 4], 0.5), 2.5);
  assert.equal(percentile([10, 20], 0.025), 10.25);
  assert.equal(percentile([10, 20], 0.975), 19.75);
  assert.equal(percentile([7], 0.975), 7);
});

test("head to head: shares of wins, ties and losses from each side", () => {
  const c = (a: string, b: string, outcome: 1 | 0 | 0.5): PairComparison => ({ caseId: "c", a, b, outcome });
  const table = headToHead(
    ["x", "y", "z"],
    [c("x", "y", 1), c("y", "x", 1), c("x", "y", 0.5), c("x", "y", 1), c("z", "x", 0)],
  );
  // x vs y: from x's side win, loss, tie, win; z lost once to x.
  assert.deepEqual(table.get("x"), [
    { against: "y", comparisons: 4, win: 0.5, tie: 0.25, loss: 0.25 },
    { against: "z", comparisons: 1, win: 1, tie: 0, loss: 0 },
  ]);
  assert.deepEqual(table.get("y")![0], { against: "x", comparisons: 4, win: 0.25, tie: 0.25, loss: 0.5 });
  assert.deepEqual(table.get("y")![1], { against: "z", comparisons: 0, win: 0, tie: 0, loss: 0 });
});

test("comparisons: one per pair of a rater's ranked candidates in a case; a candidate without a rank gives none", () => {
  const r = (assignmentId: string, systemId: string, rank: number | null) => ({
    assignmentId,
    caseId: "c1",
    systemId,
    rank,
  });
  // Rater 1 ranks x first and z second and leaves y unranked; rater 2 ranks x and z equal.
  const ranked = [r("a1", "x", 1), r("a1", "y", null), r("a1", "z", 2), r("a2", "x", 2), r("a2", "z", 2)];
  assert.deepEqual(comparisonsOf("RANK", ranked), [
    { caseId: "c1", a: "x", b: "z", outcome: 1 },
    { caseId: "c1", a: "x", b: "z", outcome: 0.5 },
  ]);
  // Best pick: two candidates not picked (both rank 2) say nothing about each other.
  assert.deepEqual(comparisonsOf("BEST", ranked), [{ caseId: "c1", a: "x", b: "z", outcome: 1 }]);
});
