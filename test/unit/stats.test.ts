import { test } from "node:test";
import assert from "node:assert/strict";
import { krippendorffAlphaOrdinal, summarize, tQuantile975 } from "../../lib/stats.ts";

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
