import { test } from "node:test";
import assert from "node:assert/strict";
import {
  compareByCase,
  holm,
  krippendorffAlphaOrdinal,
  normalCdf,
  summarize,
  summarizeByCase,
  tQuantile975,
  wilcoxonSignedRank,
} from "../../lib/results/stats.ts";
import { oracle } from "../helpers/oracles.ts";

// Values computed by SciPy 1.10.1 and by a Krippendorff's alpha written from its definition:
// test/fixtures/oracles/make_stats.py (its header says how to run it again).
const scipy = oracle("stats.json");

const close = (actual: number | null, expected: number, eps = 1e-3) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < eps, `expected ≈${expected}, got ${actual}`);

test("summary of 1..5", () => {
  const s = summarize([1, 2, 3, 4, 5]);
  assert.equal(s.n, 5);
  assert.equal(s.mean, 3);
  close(s.sd, 1.5811, 1e-4);
  assert.equal(s.median, 3);
  assert.ok(s.ci95);
  close(s.ci95[0], 1.037);
  close(s.ci95[1], 4.963);
  assert.deepEqual(s.distribution, [1, 1, 1, 1, 1]);
});

test("distribution counts, even-length median", () => {
  const s = summarize([5, 4, 4, 2, 5, 5]);
  assert.deepEqual(s.distribution, [0, 1, 0, 2, 3]);
  assert.equal(s.median, 4.5);
  close(s.mean, 25 / 6, 1e-12);
});

test("small n yields nulls", () => {
  assert.deepEqual(summarize([]), {
    n: 0,
    mean: null,
    sd: null,
    median: null,
    ci95: null,
    distribution: [0, 0, 0, 0, 0],
  });
  assert.deepEqual(summarize([4]), { n: 1, mean: 4, sd: null, median: 4, ci95: null, distribution: [0, 0, 0, 1, 0] });
  const same = summarize([3, 3]);
  assert.equal(same.sd, 0);
  assert.deepEqual(same.ci95, [3, 3]);
});

test("invalid scores throw", () => {
  for (const bad of [0, 6, 2.5, NaN, -1]) assert.throws(() => summarize([3, bad]), /integer 1\.\.5/);
});

test("t quantiles: table and large-df approximation", () => {
  close(tQuantile975(1), 12.706);
  close(tQuantile975(30), 2.042);
  close(tQuantile975(40), 2.021);
  close(tQuantile975(120), 1.98);
  assert.throws(() => tQuantile975(0));
  // Against SciPy's t.ppf(0.975, df): the table has 4 decimals, the expansion beyond df 30 an
  // error below 1e-4.
  for (const [df, q] of Object.entries(scipy.t975 as Record<string, number>)) close(tQuantile975(Number(df)), q, 1e-4);
});

test("alpha = 1 for perfect agreement", () => {
  assert.equal(
    krippendorffAlphaOrdinal([
      [1, 1, 1],
      [3, 3],
      [5, 5, 5],
      [2, 2],
    ]),
    1,
  );
});

test("alpha matches Krippendorff (2011) 4 coders × 12 units, ordinal 0.815", () => {
  // Columns of the published reliability matrix; missing ratings simply omitted.
  const units = [
    [1, 1, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [5, 5, 5],
    [1, 1],
    [3],
  ];
  close(krippendorffAlphaOrdinal(units), 0.815);
  close(krippendorffAlphaOrdinal(units), scipy.alpha_ordinal.krippendorff_2011, 1e-12);
});

test("systematic disagreement gives alpha < 0; near misses a high alpha (hand-computed)", () => {
  // Values 1 ×4 and 5 ×4, n = 8; each unit puts 1 in o(1,5) and 1 in o(5,1): o(1,5) = o(5,1) = 4.
  // Ordinal delta²(1,5) = (4 + 4 - (4 + 4)/2)² = 16.
  // alpha = 1 - (n - 1) × Σ o δ² / Σ n_c n_k δ² = 1 - 7 × (8 × 16) / (2 × 4 × 4 × 16) = 1 - 1.75 = -0.75.
  close(
    krippendorffAlphaOrdinal([
      [1, 5],
      [5, 1],
      [1, 5],
      [5, 1],
    ]),
    -0.75,
    1e-12,
  );
  // n_1 = 4, n_2 = 2, n_4 = 2, n_5 = 4 (n = 12); o(1,2) = o(2,1) = o(4,5) = o(5,4) = 2 (plus the
  // agreeing o(1,1) = o(5,5) = 2). delta²: (1,2) (6 - 3)² = 9, (1,4) (8 - 3)² = 25, (1,5) (12 - 4)² = 64,
  // (2,4) (4 - 2)² = 4, (2,5) (8 - 3)² = 25, (4,5) (6 - 3)² = 9.
  // Observed Σ (o_ck + o_kc) δ² = 4 × 9 + 4 × 9 = 72; expected Σ 2 n_c n_k δ² = 144 + 400 + 2048 + 32 + 400 + 144 = 3168.
  // alpha = 1 - 11 × 72 / 3168 = 0.75.
  close(
    krippendorffAlphaOrdinal([
      [1, 2],
      [2, 1],
      [4, 5],
      [5, 4],
      [1, 1],
      [5, 5],
    ]),
    0.75,
    1e-12,
  );
  close(scipy.alpha_ordinal.opposed, -0.75, 1e-12);
  close(scipy.alpha_ordinal.near_pairs, 0.75, 1e-12);
});

test("alpha is invariant to rater order within units and to unit order", () => {
  const units = [
    [1, 2, 2],
    [3, 4],
    [5, 5, 4],
    [2, 1],
    [4, 4, 3],
  ];
  const shuffled = [...units].reverse().map((u) => [...u].reverse());
  close(krippendorffAlphaOrdinal(units), scipy.alpha_ordinal.mixed, 1e-12);
  close(krippendorffAlphaOrdinal(shuffled), scipy.alpha_ordinal.mixed, 1e-12);
});

test("ordinal alpha depends on rank order, not on label spacing", () => {
  const units = [
    [1, 2],
    [2, 2],
    [3, 4],
    [4, 4],
    [1, 1],
  ];
  const stretched = units.map((u) => u.map((v) => v ** 2));
  close(krippendorffAlphaOrdinal(units), scipy.alpha_ordinal.squares, 1e-12);
  close(krippendorffAlphaOrdinal(stretched), scipy.alpha_ordinal.squares, 1e-12);
});

test("alpha is null when undefined", () => {
  assert.equal(krippendorffAlphaOrdinal([]), null);
  assert.equal(krippendorffAlphaOrdinal([[3], [4], [5]]), null); // nothing pairable
  assert.equal(
    krippendorffAlphaOrdinal([
      [4, 4],
      [4, 4, 4],
    ]),
    null,
  ); // no variation
  assert.throws(() => krippendorffAlphaOrdinal([[1, NaN]]), /finite/);
});

const byCase = (o: Record<string, number[]>) =>
  Object.entries(o).flatMap(([caseId, scores]) => scores.map((score) => ({ caseId, score })));

test("by case: cluster-robust interval around the mean of the ratings (hand-computed)", () => {
  // Cases A [4, 2], B [5], C [1, 1, 1]: mean 14/6; summed residuals 4/3, 8/3, -4;
  // se = sqrt(3/2 * 224/9) / 6 = 1.01835; t(0.975, 2) = 4.3027.
  const s = summarizeByCase(byCase({ A: [4, 2], B: [5], C: [1, 1, 1] }));
  assert.equal(s.n, 6);
  assert.equal(s.cases, 3);
  close(s.mean, 14 / 6, 1e-12);
  close(s.ci95![0], -2.0483);
  close(s.ci95![1], 6.7149);
  // Taken as six independent ratings the interval would be far narrower: the reason for clusters.
  const naive = summarize([4, 2, 5, 1, 1, 1]).ci95!;
  assert.ok(naive[1] - naive[0] < s.ci95![1] - s.ci95![0]);
});

test("by case: one rating per case gives the ordinary t interval; one case gives none", () => {
  const scores = [3, 5, 4, 2, 4];
  const s = summarizeByCase(scores.map((score, i) => ({ caseId: `c${i}`, score })));
  // SciPy: t.interval(0.95, 4, loc=3.6, scale=sem) = [2.18429, 5.01571] (the table's t has 4 decimals).
  const [lo, hi] = scipy.t_interval["3,5,4,2,4"] as [number, number];
  close(s.ci95![0], lo, 1e-4);
  close(s.ci95![1], hi, 1e-4);
  assert.equal(summarizeByCase(byCase({ A: [4, 5, 3] })).ci95, null);
});

test("Wilcoxon signed-rank: exact p, zeros dropped, ties given mid-ranks", () => {
  assert.deepEqual(wilcoxonSignedRank([1, 2, 3, 4, 5]), { p: 2 / 32, method: "exact" });
  assert.deepEqual(wilcoxonSignedRank([0, 1, 2, 3, 4, 5]), { p: 2 / 32, method: "exact" });
  assert.deepEqual(wilcoxonSignedRank([-1, 2, 3]), { p: 0.5, method: "exact" }); // P(W+ <= 1) = 2/8
  assert.deepEqual(wilcoxonSignedRank([1, 1, -1]), { p: 1, method: "exact" });
  // |d| 1,1,1 share rank 2, and 2,2,2 rank 5: W- = 2; P(W- <= 2) = 4/64 (no sign flip, or one of the three 1s).
  assert.deepEqual(wilcoxonSignedRank([1, 1, -1, 2, 2, 2]), { p: 0.125, method: "exact" });
  assert.deepEqual(wilcoxonSignedRank([0, 0]), { p: null, method: null });
  // 0.1 + 0.2 - 0.3 is not 0 in floating point; a case mean difference of it is a tie with 0.
  assert.deepEqual(wilcoxonSignedRank([0.1 + 0.2 - 0.3, 1, 2, 3, 4, 5]), { p: 2 / 32, method: "exact" });
});

test("Wilcoxon beyond 50 differences: normal approximation", () => {
  const r = wilcoxonSignedRank(Array.from({ length: 60 }, (_, i) => i + 1));
  assert.equal(r.method, "normal");
  // W+ = 1830, mean 915, variance 18452.5: z = 914.5 / 135.84 = 6.73. SciPy's wilcoxon (approx,
  // continuity-corrected) gives 1.671e-11; A&S 7.1.26 is within 1% of it this far in the tail.
  close(r.p! / scipy.wilcoxon_normal.ascending_60, 1, 0.01);
  // normalCdf against SciPy's norm.cdf, within the approximation's stated 1.5e-7.
  for (const [z, p] of Object.entries(scipy.normal_cdf as Record<string, number>))
    close(normalCdf(Number(z)), p, 1.5e-7);
  // 51 ties (all |d| = 1, mid-rank 26), 40 positive: W+ = 1040, mean 663,
  // variance 51*52*103/24 - (51^3 - 51)/48 = 8619, z = (377 - 0.5) / sqrt(8619).
  const tied = wilcoxonSignedRank(Array.from({ length: 51 }, (_, i) => (i < 40 ? 1 : -1)));
  assert.equal(tied.method, "normal");
  // SciPy's wilcoxon (zero_method="wilcox", correction=True, method="approx"): 5.00429e-5.
  close(tied.p, scipy.wilcoxon_normal.tied_51, 1e-7);
  close(tied.p, 5.0e-5, 0.3e-5);
  const balanced = wilcoxonSignedRank(Array.from({ length: 60 }, (_, i) => (i % 2 ? 1 : -1) * (i + 1)));
  close(balanced.p, scipy.wilcoxon_normal.alternating_60, 3e-7); // 0.91499
});

test("paired by case: only the cases both were rated on, differences of case means", () => {
  const a = byCase({ c1: [4, 4], c2: [3], c3: [5] });
  const b = byCase({ c1: [2], c2: [3], c4: [1] });
  const r = compareByCase(a, b);
  assert.equal(r.cases, 2);
  assert.equal(r.difference, 1);
  close(r.ci95![0], 1 - 12.7062, 1e-4);
  close(r.ci95![1], 1 + 12.7062, 1e-4);
  assert.equal(r.p, 1);
  assert.deepEqual(compareByCase(a, byCase({ c9: [3] })), {
    cases: 0,
    difference: null,
    ci95: null,
    p: null,
    method: null,
  });
});

test("Holm: step-down, monotone, capped at 1, nulls left out of the family", () => {
  // Sorted 0.01, 0.03, 0.04 -> 3 × 0.01, 2 × 0.03, max(0.06, 1 × 0.04).
  const [a, b, c, d] = holm([0.01, 0.04, 0.03, null]);
  close(a, 0.03, 1e-12);
  close(b, 0.06, 1e-12);
  close(c, 0.06, 1e-12);
  assert.equal(d, null);
  assert.deepEqual(holm([0.5, 0.9]), [1, 1]);
  assert.deepEqual(holm([]), []);
});

test("edges a mutation run found unguarded: where the t table ends, the expansion's accuracy, one and two cases", () => {
  assert.equal(tQuantile975(30), 2.042272456301); // the table's value (SciPy's, to 12 decimals)
  assert.equal(tQuantile975(1), 12.706204736432);
  // The four-term expansion is within 1.6e-8 of SciPy at df 100 and 1.6e-12 at df 1000; a
  // wrong coefficient in its last term moves it by 4e-8 or more there.
  close(tQuantile975(100), scipy.t975["100"], 3e-8);
  close(tQuantile975(1000), scipy.t975["1000"], 1e-11);
  assert.throws(() => tQuantile975(2.5), /positive integer, got 2\.5/);
  // Two cases give an interval: A [4], B [2]: mean 3, residuals 1 and -1, se = sqrt(2/1 × 2) / 2 = 1,
  // t(0.975, 1) = 12.706204736432 (SciPy).
  const two = summarizeByCase(byCase({ A: [4], B: [2] }));
  close(two.ci95![0], 3 - 12.706204736432, 1e-9);
  close(two.ci95![1], 3 + 12.706204736432, 1e-9);
  // One case in common: a difference, no interval; the one non-zero difference has p = 2 × 1/2 = 1.
  assert.deepEqual(compareByCase(byCase({ c1: [4] }), byCase({ c1: [2] })), {
    cases: 1,
    difference: 2,
    ci95: null,
    p: 1,
    method: "exact",
  });
});

test("edges: Wilcoxon ranks by magnitude whatever the input order; alpha of one disagreeing pair, of a lone value", () => {
  // |d| ranks 1..5 with only the 1 negative: W- = 1; P(W- <= 1) = 2/32 (no flip, or the 1), p = 1/8.
  assert.deepEqual(wilcoxonSignedRank([5, -1, 4, 2, 3]), { p: 0.125, method: "exact" });
  // One unit [1, 2]: o(1,2) = o(2,1) = 1, n = 2, n_1 = n_2 = 1, δ² = (1 + 1 - 1)² = 1:
  // alpha = 1 - (n - 1) × 2 × 1 / (2 × 1 × 1 × 1) = 0.
  assert.equal(krippendorffAlphaOrdinal([[1, 2]]), 0);
  // A value given by one rater alone pairs with nothing: one value is used throughout, alpha undefined;
  // and a lone rating is not read at all.
  assert.equal(krippendorffAlphaOrdinal([[3, 3], [3, 3], [5]]), null);
  assert.equal(krippendorffAlphaOrdinal([[1, 2], [NaN]]), 0);
});
