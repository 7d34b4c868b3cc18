import { test } from "node:test";
import assert from "node:assert/strict";
import { assignmentSeed, extendDisplayOrder, newHandle, rng, shuffle } from "../../lib/rating/assignment.ts";
import { label } from "../../lib/rating/rating.ts";
import { oracle } from "../helpers/oracles.ts";

// Seeds, PRNG outputs and permutations computed in Python from the definitions (sha256, mulberry32,
// Fisher–Yates): test/fixtures/oracles/make_shuffle.py.
const expected = oracle("shuffle.json");

test("assignment seeds are reproducible and differ between raters and cases", () => {
  const s = assignmentSeed("study", "case1", "raterA");
  assert.equal(s, assignmentSeed("study", "case1", "raterA"));
  assert.notEqual(s, assignmentSeed("study", "case1", "raterB"));
  assert.notEqual(s, assignmentSeed("study", "case2", "raterA"));
  assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 31, "fits a Postgres INTEGER");
});

test("seeds, the PRNG and the shuffle match an independent implementation", () => {
  for (const { study, case: caseId, rater, seed } of expected.assignment_seeds)
    assert.equal(assignmentSeed(study, caseId, rater), seed, `${study}:${caseId}:${rater}`);
  for (const [seed, outputs] of Object.entries(expected.mulberry32 as Record<string, number[]>)) {
    const next = rng(Number(seed));
    assert.deepEqual(
      outputs.map(() => next()),
      outputs,
      `mulberry32(${seed})`,
    );
  }
  for (const { seed, n, order } of expected.shuffles) {
    assert.deepEqual(
      shuffle(
        Array.from({ length: n }, (_, i) => i),
        seed,
      ),
      order,
      `seed ${seed}, ${n} items`,
    );
  }
  // The first display order of a case is the shuffle of its outputs sorted by id.
  assert.deepEqual(
    extendDisplayOrder([], ["o3", "o1", "o2"], 0, false).map((e) => e.outputId),
    [1, 2, 0].map((i) => ["o1", "o2", "o3"][i]),
  );
  assert.deepEqual(
    expected.shuffles.find((s: { seed: number; n: number }) => s.seed === 0 && s.n === 3).order,
    [1, 2, 0],
  );
});

test("shuffle is a seeded permutation", () => {
  const items = Array.from({ length: 10 }, (_, i) => i);
  assert.deepEqual(shuffle(items, 42), shuffle(items, 42));
  assert.deepEqual(
    [...shuffle(items, 42)].sort((a, b) => a - b),
    items,
  );
  assert.notDeepEqual(shuffle(items, 42), shuffle(items, 43));
});

test("shuffle puts each item first about equally often (no position bias)", () => {
  const counts = [0, 0, 0];
  for (let seed = 0; seed < 3000; seed++) counts[shuffle([0, 1, 2], assignmentSeed("s", `c${seed}`, "r"))[0]]++;
  for (const c of counts) assert.ok(c > 850 && c < 1150, `first-position counts ${counts}`);
});

test("handles are opaque and unique", () => {
  const handles = new Set(Array.from({ length: 1000 }, newHandle));
  assert.equal(handles.size, 1000);
  for (const h of handles) assert.match(h, /^[A-Za-z0-9_-]{12}$/);
});

test("a first display order covers every output, in a seeded order independent of input order", () => {
  const first = extendDisplayOrder([], ["o3", "o1", "o2"], 7, false);
  assert.deepEqual(first.map((e) => e.outputId).sort(), ["o1", "o2", "o3"]);
  const again = extendDisplayOrder([], ["o1", "o2", "o3"], 7, false);
  assert.deepEqual(
    again.map((e) => e.outputId),
    first.map((e) => e.outputId),
  );
});

test("an unchanged order is returned as is, so nothing is written", () => {
  const order = extendDisplayOrder([], ["a", "b"], 1, false);
  assert.equal(extendDisplayOrder(order, ["b", "a"], 1, false), order);
});

test("after a case was shown, shown texts keep their handles and late ones land at seeded random places", () => {
  const order = extendDisplayOrder([], ["a", "b", "c"], 5, false);
  const extended = extendDisplayOrder(order, ["a", "b", "c", "d"], 5, true);
  assert.equal(extended.length, 4);
  assert.deepEqual(
    extended.filter((e) => e.outputId !== "d"),
    order,
    "old entries keep handles and relative order",
  );
  assert.deepEqual(
    extendDisplayOrder(order, ["a", "b", "c", "d"], 5, true).map((e) => e.outputId),
    extended.map((e) => e.outputId),
    "seeded",
  );
  // Over many seeds the late candidate is not always last: its place tells the rater nothing.
  const places = new Set<number>();
  for (let seed = 0; seed < 200; seed++) {
    const o = extendDisplayOrder([], ["a", "b", "c"], seed, false);
    places.add(extendDisplayOrder(o, ["a", "b", "c", "d"], seed, true).findIndex((e) => e.outputId === "d"));
  }
  assert.deepEqual([...places].sort(), [0, 1, 2, 3]);
});

test("labels run A, B, … Z and beyond", () => {
  assert.deepEqual([0, 1, 25].map(label), ["A", "B", "Z"]);
  assert.equal(label(26), "Z1");
});

test("late outputs of a shown case go to the places an independent implementation gives, in id order", () => {
  for (const { seed, stored, new: late, order } of expected.late_inserts) {
    const current = stored.map((outputId: string) => ({ handle: `h-${outputId}`, outputId }));
    const extended = extendDisplayOrder(current, [...late, ...stored], seed, true);
    assert.deepEqual(
      extended.map((e) => e.outputId),
      order,
      `seed ${seed}`,
    );
    // The same outputs listed in another order land in the same places.
    assert.deepEqual(
      extendDisplayOrder(current, [...stored, ...late].reverse(), seed, true).map((e) => e.outputId),
      order,
      `seed ${seed}, reversed`,
    );
  }
});

test("an output that is gone leaves the order; the others keep their handles", () => {
  const current = ["o2", "o0", "o1"].map((outputId) => ({ handle: `h-${outputId}`, outputId }));
  // Shown: the others keep their places too.
  assert.deepEqual(extendDisplayOrder(current, ["o1", "o2"], 7, true), [current[0], current[2]]);
  // Not shown yet: the rest is shuffled again from the id order (seed 7, two items: Python's order).
  const { order } = expected.shuffles.find((s: { seed: number; n: number }) => s.seed === 7 && s.n === 2);
  const byId = [current[2], current[0]];
  assert.deepEqual(
    extendDisplayOrder(current, ["o1", "o2"], 7, false),
    order.map((i: number) => byId[i]),
  );
});

test("before a case is shown, an order extended by a late output is the shuffle of all outputs by id", () => {
  // Stored for o2 and o1 (seeded, not yet shown); o0 arrives: the whole case is shuffled again
  // from the id order, exactly as if all three had been there from the start.
  for (const { seed, order } of expected.shuffles.filter((s: { n: number }) => s.n === 3)) {
    const stored = [
      { handle: "h2", outputId: "o2" },
      { handle: "h1", outputId: "o1" },
    ];
    const extended = extendDisplayOrder(stored, ["o2", "o0", "o1"], seed, false);
    assert.deepEqual(
      extended.map((e) => e.outputId),
      order.map((i: number) => `o${i}`),
      `seed ${seed}`,
    );
    assert.equal(extended.find((e) => e.outputId === "o2")?.handle, "h2", "a stored entry keeps its handle");
  }
});
