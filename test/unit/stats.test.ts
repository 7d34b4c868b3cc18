import { test } from "node:test";
import assert from "node:assert/strict";
import { compareByCase, holm, krippendorffAlphaOrdinal, normalCdf, summarize, summarizeByCase, tQuantile975, wilcoxonSignedRank } from "../../lib/stats.ts";

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
  assert.deepEqual(summarize([]), { n: 0, mean: null, sd: null, median: null, ci95: null, distribution: [0, 0, 0, 0, 0] });
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
  close(tQuantile975(120), 1.980);
  assert.throws(() => tQuantile975(0));
});

test("alpha = 1 for perfect agreement", () => {
  assert.equal(krippendorffAlphaOrdinal([[1, 1, 1], [3, 3], [5, 5, 5], [2, 2]]), 1);
});

test("alpha matches Krippendorff (2011) 4 coders × 12 units, ordinal 0.815", () => {
  // Columns of the published reliability matrix; missing ratings simply omitted.
  const units = [
    [1, 1, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [5, 5, 5], [1, 1], [3],
  ];
  close(krippendorffAlphaOrdinal(units), 0.815);
});

test("systematic disagreement gives alpha ≤ 0", () => {
  const a = krippendorffAlphaOrdinal([[1, 5], [5, 1], [1, 5], [5, 1]]);
  assert.ok(a !== null && a < 0, `got ${a}`);
  const b = krippendorffAlphaOrdinal([[1, 2], [2, 1], [4, 5], [5, 4], [1, 1], [5, 5]]);
  assert.ok(b !== null && b > 0 && b < 1);
});

test("alpha is invariant to rater order within units and to unit order", () => {
  const units = [[1, 2, 2], [3, 4], [5, 5, 4], [2, 1], [4, 4, 3]];
  const shuffled = [...units].reverse().map((u) => [...u].reverse());
  close(krippendorffAlphaOrdinal(shuffled), krippendorffAlphaOrdinal(units)!, 1e-12);
});

test("ordinal alpha depends on rank order, not on label spacing", () => {
  const units = [[1, 2], [2, 2], [3, 4], [4, 4], [1, 1]];
  const stretched = units.map((u) => u.map((v) => v ** 2));
  close(krippendorffAlphaOrdinal(stretched), krippendorffAlphaOrdinal(units)!, 1e-12);
});

test("alpha is null when undefined", () => {
  assert.equal(krippendorffAlphaOrdinal([]), null);
  assert.equal(krippendorffAlphaOrdinal([[3], [4], [5]]), null); // nothing pairable
  assert.equal(krippendorffAlphaOrdinal([[4, 4], [4, 4, 4]]), null); // no variation
  assert.throws(() => krippendorffAlphaOrdinal([[1, NaN]]), /finite/);
});

const byCase = (o: Record<string, number[]>) => Object.entries(o).flatMap(([caseId, scores]) => scores.map((score) => ({ caseId, score })));

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
  const t = summarize(scores);
  close(s.ci95![0], t.ci95![0], 1e-12);
  close(s.ci95![1], t.ci95![1], 1e-12);
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
  // W+ = 1830, mean 915, variance 18452.5: z = 914.5 / 135.84 = 6.73.
  assert.ok(r.p! > 1e-12 && r.p! < 1e-10, String(r.p));
  close(normalCdf(1.959964), 0.975, 1e-6);
  close(normalCdf(-1), 0.158655, 1e-6);
  // 51 ties (all |d| = 1, mid-rank 26), 40 positive: W+ = 1040, mean 663,
  // variance 51*52*103/24 - (51^3 - 51)/48 = 8619, z = (377 - 0.5) / sqrt(8619).
  const tied = wilcoxonSignedRank(Array.from({ length: 51 }, (_, i) => (i < 40 ? 1 : -1)));
  assert.equal(tied.method, "normal");
  close(tied.p, 2 * (1 - normalCdf(376.5 / Math.sqrt(8619))), 1e-12);
  close(tied.p, 5.0e-5, 0.3e-5);
  const balanced = wilcoxonSignedRank(Array.from({ length: 60 }, (_, i) => (i % 2 ? 1 : -1) * (i + 1)));
  assert.ok(balanced.p! > 0.5);
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
  assert.deepEqual(compareByCase(a, byCase({ c9: [3] })), { cases: 0, difference: null, ci95: null, p: null, method: null });
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
