// Rules that only integration tests guarded, pinned here too so the fast suite catches a break.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertAdmin } from "../../lib/accounts/access.ts";
import { extendDisplayOrder } from "../../lib/rating/assignment.ts";
import { ForbiddenError, UserInputError } from "../../lib/platform/errors.ts";
import { abnormalitiesNamed } from "../../scripts/lib/evaluation.ts";
import { checkScores, ratingInput } from "../../lib/rating/rating.ts";
import { PAPER_CRITERIA } from "../../lib/rating/design.ts";
import { wilcoxonSignedRank } from "../../lib/results/stats.ts";

const scores = { understandability: 3, coherence: 3, relevance: 3, conciseness: 3, clinicalUtility: 3 };
const input = (over: Record<string, unknown> = {}) => ({ assignmentId: "a1", handle: "h1", scores, ...over });

test("the rating input: scores are whole numbers 1-10 or empty, each under a criterion's key", () => {
  assert.equal(ratingInput.safeParse(input()).success, true);
  assert.equal(ratingInput.safeParse(input({ scores: { ...scores, coherence: null } })).success, true);
  assert.equal(ratingInput.safeParse(input({ scores: { ...scores, coherence: 10 } })).success, true);
  for (const bad of [0, 11, 2.5, "3", -1, Number.NaN]) {
    const r = ratingInput.safeParse(input({ scores: { ...scores, coherence: bad } }));
    assert.equal(r.success, false, `coherence = ${String(bad)}`);
    assert.deepEqual(r.error?.issues[0].path, ["scores", "coherence"]);
  }
  assert.equal(ratingInput.safeParse(input({ scores: { ["x".repeat(41)]: 3 } })).success, false, "a key past 40");
});

test("scores are checked against the study's criteria: an unknown one is refused, not dropped; each on its own scale", () => {
  const criteria = [
    { ...PAPER_CRITERIA[0] },
    { key: "clarity", name: "Clarity", definition: "", points: 7, low: "", high: "" },
  ];
  assert.deepEqual(checkScores(criteria, { understandability: 5, clarity: 7 }), [
    ["understandability", 5],
    ["clarity", 7],
  ]);
  // Empty means no score; a criterion left out has none either.
  assert.deepEqual(checkScores(criteria, { understandability: null, clarity: 1 }), [["clarity", 1]]);
  assert.deepEqual(checkScores(criteria, {}), []);
  const refused = (scores: Record<string, number | null>) => {
    try {
      checkScores(criteria, scores);
    } catch (e) {
      assert.ok(e instanceof UserInputError);
      return e.message;
    }
    assert.fail("accepted");
  };
  assert.equal(refused({ beauty: 5 }), "scores.beauty: not a criterion of this study.");
  assert.equal(refused({ beauty: null }), "scores.beauty: not a criterion of this study.");
  assert.equal(refused({ understandability: 6 }), "Understandability: must be 1–5.");
  assert.equal(
    refused({ clarity: 8, coherence: 2 }),
    "Clarity: must be 1–7. scores.coherence: not a criterion of this study.",
  );
});

test("the rating input: comments without control characters; time spent capped at 24 h, never negative", () => {
  assert.equal(ratingInput.safeParse(input({ comment: "two\nlines\tand a tab" })).success, true);
  for (const c of ["\u0000", "a\u0007b", "\u001b[31m", "\u007f"])
    assert.equal(ratingInput.safeParse(input({ comment: c })).success, false, JSON.stringify(c));
  assert.equal(ratingInput.safeParse(input({ comment: "x".repeat(2001) })).success, false);
  assert.equal(ratingInput.parse(input({ timeSpentMs: 1e12 })).timeSpentMs, 86_400_000);
  assert.equal(ratingInput.safeParse(input({ timeSpentMs: -1 })).success, false);
  assert.equal(ratingInput.safeParse(input({ timeSpentMs: 1.5 })).success, false);
});

test("assertAdmin lets admins through and refuses raters and nobody", () => {
  assert.doesNotThrow(() => assertAdmin({ id: "u1", role: "ADMIN" }));
  for (const who of [{ id: "u2", role: "RATER" as const }, null, undefined])
    assert.throws(() => assertAdmin(who), ForbiddenError);
});

test("a first display order is shuffled: for many seeds it differs from the sorted order, each a permutation", () => {
  const ids = ["o1", "o2", "o3", "o4"];
  let differing = 0;
  const firsts = new Set<string>();
  for (let seed = 1; seed <= 200; seed++) {
    const order = extendDisplayOrder([], ids, seed, false).map((e) => e.outputId);
    assert.deepEqual([...order].sort(), ids);
    if (order.join() !== ids.join()) differing++;
    firsts.add(order[0]);
  }
  // A uniform shuffle leaves 4 items sorted 1 time in 24: ~8 of 200; far more means no shuffle.
  assert.ok(differing >= 170, `only ${differing} of 200 orders differ from the sorted order`);
  assert.equal(firsts.size, 4, "every output comes first for some seed");
});

test("Wilcoxon: exact up to 50 non-zero differences, normal approximation from 51", () => {
  // All positive and distinct: W+ is the largest possible, reached by 1 sign pattern of 2^n.
  const up = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const at50 = wilcoxonSignedRank(up(50));
  assert.equal(at50.method, "exact");
  assert.equal(at50.p, 2 / 2 ** 50); // both tails: 2 patterns of 2^50
  const at51 = wilcoxonSignedRank(up(51));
  assert.equal(at51.method, "normal");
  // Normal: W+ = 1326, mean 663, variance 51*52*103/24 = 11381.5, z = 662.5/106.684 = 6.2099;
  // two-sided p = 5.3e-10 (tables), far from the exact 2/2^51 = 8.9e-16.
  assert.ok(at51.p! > 4e-10 && at51.p! < 7e-10, `p = ${at51.p}`);
  assert.equal(wilcoxonSignedRank([0, 0, ...up(50)]).method, "exact", "zeros do not count");
});

test("every negation word the abnormality table knows negates the mention that follows it", () => {
  assert.deepEqual([...abnormalitiesNamed("Small left effusion.")], ["effusion"]);
  for (const word of [
    "no",
    "not",
    "without",
    "negative for",
    "free of",
    "clear of",
    "resolved",
    "resolution of",
    "removal of",
  ]) {
    assert.deepEqual([...abnormalitiesNamed(`Lungs ${word} effusion.`)], [], `"${word}" should negate`);
  }
  // Only within its sentence.
  assert.deepEqual([...abnormalitiesNamed("No pneumothorax. Right effusion.")], ["effusion"]);
});
