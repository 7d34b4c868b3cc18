// The preference module on a real database: ranks saved per case (best pick or ranking), case
// completion, refusals by the code and by the database, merged texts, results and both exports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCase, saveRating, savePreference } from "../../lib/rating/rating.ts";
import { exportRatingsCsv, exportSummaryCsv } from "../../lib/results/export.ts";
import { bradleyTerry, type PairComparison } from "../../lib/results/preference.ts";
import { studyResults } from "../../lib/results/results.ts";
import { setStudyState } from "../../lib/studies/studies.ts";
import { NotFoundError, StudyClosedError, UserInputError } from "../../lib/platform/errors.ts";
import { fileDb } from "../helpers/file-db.ts";
import { designStudy } from "../helpers/design-study.ts";

const t = fileDb();

/** Ranks by the text of each candidate, e.g. { "Normal.": 1, "Model one.": 2 }. */
async function rank(raterId: string, assignmentId: string, byText: Record<string, number | null>) {
  const view = await loadCase(t.db, raterId, assignmentId);
  return savePreference(t.db, raterId, {
    assignmentId,
    ranks: Object.fromEntries(view.candidates.map((c) => [c.handle, byText[c.text]])),
  });
}

const ranksByText = async (assignmentId: string) =>
  Object.fromEntries(
    (await t.db.rating.findMany({ where: { assignmentId }, include: { output: true } })).map((r) => [
      r.output.text,
      r.rank,
    ]),
  );

test("best pick: one candidate or 'equal', saved for the case at once; the case is complete with every module answered", async () => {
  const s = await designStudy(t.db, { preference: { mode: "BEST" }, signOff: {} });
  const [one] = s.assignments;
  const view = await loadCase(t.db, s.rater.id, one.id);
  assert.equal(view.modules.preference, "BEST");
  assert.deepEqual(await rank(s.rater.id, one.id, { "Normal.": 2, "Model one.": 1 }), { complete: false });
  assert.deepEqual(await ranksByText(one.id), { "Normal.": 2, "Model one.": 1 });
  for (const c of view.candidates)
    await saveRating(t.db, s.rater.id, { assignmentId: one.id, handle: c.handle, signOff: "ACCEPT" });
  assert.ok((await t.db.assignment.findUniqueOrThrow({ where: { id: one.id } })).completedAt, "complete");
  // The sign-off saves leave the ranks alone; "equal" makes both 1.
  assert.deepEqual(await rank(s.rater.id, one.id, { "Normal.": 1, "Model one.": 1 }), { complete: true });
  assert.deepEqual(await ranksByText(one.id), { "Normal.": 1, "Model one.": 1 });
  const again = await loadCase(t.db, s.rater.id, one.id);
  assert.deepEqual(
    again.candidates.map((c) => c.rank),
    [1, 1],
  );
  // Cleared: the case is open again; saving the same twice changes nothing.
  assert.deepEqual(await rank(s.rater.id, one.id, { "Normal.": null, "Model one.": null }), { complete: false });
  assert.deepEqual(await rank(s.rater.id, one.id, { "Normal.": null, "Model one.": null }), { complete: false });
  assert.equal((await t.db.assignment.findUniqueOrThrow({ where: { id: one.id } })).completedAt, null);
});

test("preference is refused where it does not fit: no best, unknown or missing candidates, another study's design, a closed study", async () => {
  const s = await designStudy(t.db, { preference: { mode: "BEST" } }, { systems: ["Model", "Other"] });
  const [one] = s.assignments;
  const view = await loadCase(t.db, s.rater.id, one.id);
  const [a, b, c] = view.candidates.map((x) => x.handle);
  const save = (ranks: Record<string, number | null>) =>
    savePreference(t.db, s.rater.id, { assignmentId: one.id, ranks });
  const refusal = (message: string) => (e: unknown) => e instanceof UserInputError && e.message === message;
  const notOneBest = refusal("ranks: pick one best candidate (rank 1, the others 2) or say they are equal (all 1).");
  await assert.rejects(save({ [a]: 2, [b]: 2, [c]: 2 }), notOneBest);
  await assert.rejects(save({ [a]: 1, [b]: 1, [c]: 2 }), notOneBest);
  await assert.rejects(save({ [a]: 1, [b]: 2, [c]: 3 }), notOneBest);
  await assert.rejects(save({ [a]: 1, [b]: 2, [c]: 4 }), refusal("ranks: ranks must be 1–3."));
  const changed = (e: unknown) =>
    e instanceof NotFoundError && e.message === "The candidates of this case have changed; reload the page.";
  await assert.rejects(save({ [a]: 1, [b]: 2 }), changed, "a candidate left out");
  await assert.rejects(save({ [a]: 1, [b]: 2, [c]: 2, stranger: 2 }), changed, "a handle not in the case");
  await assert.rejects(save({ [a]: 0, [b]: 1, [c]: 1 }), /ranks/, "0 is no rank");
  assert.equal(await t.db.rating.count({ where: { assignmentId: one.id } }), 0, "nothing saved");
  // Someone else's case looks missing.
  const other = await designStudy(t.db, { preference: { mode: "BEST" } });
  await assert.rejects(
    savePreference(t.db, other.rater.id, { assignmentId: one.id, ranks: { [a]: 1, [b]: 2, [c]: 2 } }),
    NotFoundError,
  );

  // A study that asks no preference: refused by the code, and by the database.
  const plain = await designStudy(t.db, { signOff: {} });
  const v = await loadCase(t.db, plain.rater.id, plain.assignments[0].id);
  await assert.rejects(
    savePreference(t.db, plain.rater.id, {
      assignmentId: v.assignmentId,
      ranks: Object.fromEntries(v.candidates.map((x, i) => [x.handle, i + 1])),
    }),
    refusal("ranks: this study does not ask for a preference."),
  );
  await saveRating(t.db, plain.rater.id, {
    assignmentId: v.assignmentId,
    handle: v.candidates[0].handle,
    signOff: "REJECT",
  });
  const row = await t.db.rating.findFirstOrThrow({ where: { assignmentId: v.assignmentId } });
  await assert.rejects(
    t.db.rating.update({ where: { id: row.id }, data: { rank: 1 } }),
    /does not ask for a preference/,
  );
  // The database: no rank below 1.
  await save({ [a]: 1, [b]: 2, [c]: 2 });
  const ranked = await t.db.rating.findFirstOrThrow({ where: { assignmentId: one.id } });
  await assert.rejects(
    t.db.rating.update({ where: { id: ranked.id }, data: { rank: 0 } }),
    /Rating_rank_check|check constraint/,
  );
  // Closed: final refusal, nothing changed.
  await setStudyState(t.db, s.admin, s.id, "CLOSED");
  await assert.rejects(save({ [a]: 1, [b]: 1, [c]: 1 }), StudyClosedError);
  assert.deepEqual(
    (await t.db.rating.findMany({ where: { assignmentId: one.id } })).map((r) => r.rank).sort(),
    [1, 2, 2],
  );
});

test("ranking: each candidate's rank given one at a time, ties allowed; complete once every candidate has one", async () => {
  const s = await designStudy(t.db, { preference: { mode: "RANK" } }, { systems: ["Model", "Other"] });
  const [one] = s.assignments;
  assert.deepEqual(await rank(s.rater.id, one.id, { "Normal.": 1, "Model one.": null, "Other one.": null }), {
    complete: false,
  });
  assert.deepEqual(await rank(s.rater.id, one.id, { "Normal.": 1, "Model one.": 2, "Other one.": null }), {
    complete: false,
  });
  assert.deepEqual(await rank(s.rater.id, one.id, { "Normal.": 1, "Model one.": 2, "Other one.": 2 }), {
    complete: true,
  });
  assert.deepEqual(await ranksByText(one.id), { "Normal.": 1, "Model one.": 2, "Other one.": 2 });
});

test("identical texts: one candidate for both systems gets one rank for both; a case left with one text asks none", async () => {
  // "Copy" writes the reference's text in case 1 (two texts for three systems) and its own in case 2.
  const s = await designStudy(
    t.db,
    { preference: { mode: "BEST" }, signOff: {}, mergeIdentical: true },
    {
      systems: ["Model", { name: "Copy", texts: ["Normal.", "Copy two."] }],
    },
  );
  const [one] = s.assignments;
  const view = await loadCase(t.db, s.rater.id, one.id);
  assert.deepEqual(view.candidates.map((c) => c.text).sort(), ["Model one.", "Normal."]);
  await rank(s.rater.id, one.id, { "Normal.": 1, "Model one.": 2 });
  const ratings = await t.db.rating.findMany({
    where: { assignmentId: one.id },
    include: { output: { include: { system: true } } },
  });
  assert.deepEqual(
    ratings.map((r) => [r.output.system.name, r.rank]).sort(),
    [
      ["Copy", 1],
      ["Model", 2],
      [ratings.find((r) => r.output.system.kind === "REFERENCE")!.output.system.name, 1],
    ].sort(),
  );
  for (const c of view.candidates)
    await saveRating(t.db, s.rater.id, { assignmentId: one.id, handle: c.handle, signOff: "ACCEPT" });
  assert.ok((await t.db.assignment.findUniqueOrThrow({ where: { id: one.id } })).completedAt, "two texts, both ranked");

  // A study whose only other system copies the reference shows one candidate: nothing to prefer.
  const copy = await designStudy(
    t.db,
    { preference: { mode: "BEST" }, signOff: {}, mergeIdentical: true },
    {
      systems: [{ name: "Copy", texts: ["Normal.", "Effusion."] }],
    },
  );
  const alone = await loadCase(t.db, copy.rater.id, copy.assignments[0].id);
  assert.equal(alone.candidates.length, 1);
  await assert.rejects(
    savePreference(t.db, copy.rater.id, {
      assignmentId: alone.assignmentId,
      ranks: { [alone.candidates[0].handle]: 1 },
    }),
    /ranks: a case with one candidate asks for no preference/,
  );
  assert.deepEqual(
    await saveRating(t.db, copy.rater.id, {
      assignmentId: alone.assignmentId,
      handle: alone.candidates[0].handle,
      signOff: "ACCEPT",
    }),
    { complete: true },
    "one text: complete without a preference",
  );
});

test("results and both exports: head to head shares and the Bradley–Terry ranking (hand-listed comparisons)", async () => {
  const s = await designStudy(t.db, { preference: { mode: "BEST" } }, { systems: ["Model", "Other"], raters: 2 });
  const [r1, r2] = s.raters;
  const mine = async (raterId: string) =>
    t.db.assignment.findMany({ where: { raterId }, orderBy: { case: { position: "asc" } } });
  const [a1, a2] = await mine(r1.id);
  const [b1, b2] = await mine(r2.id);
  // Rater 1: case 1 the reference best; case 2 all equal. Rater 2: case 1 Model best; case 2 left out.
  await rank(r1.id, a1.id, { "Normal.": 1, "Model one.": 2, "Other one.": 2 });
  await rank(r1.id, a2.id, { "Effusion.": 1, "Model two.": 1, "Other two.": 1 });
  await rank(r2.id, b1.id, { "Normal.": 2, "Model one.": 1, "Other one.": 2 });
  void b2;

  const results = await studyResults(t.db, s.admin, s.id);
  const by = (name: string) => results.systems.find((x) => x.name === name)!;
  const [R, M, O] = [results.systems.find((x) => x.kind === "REFERENCE")!, by("Model"), by("Other")];
  // Comparisons: case 1 rater 1: R>M, R>O (M, O not compared); case 2 rater 1: three ties;
  // case 1 rater 2: M>R, M>O.
  assert.deepEqual(R.preference!.headToHead, [
    { against: M.systemId, comparisons: 3, win: 1 / 3, tie: 1 / 3, loss: 1 / 3 },
    { against: O.systemId, comparisons: 2, win: 0.5, tie: 0.5, loss: 0 },
  ]);
  assert.deepEqual(M.preference!.headToHead, [
    { against: R.systemId, comparisons: 3, win: 1 / 3, tie: 1 / 3, loss: 1 / 3 },
    { against: O.systemId, comparisons: 2, win: 0.5, tie: 0.5, loss: 0 },
  ]);
  assert.deepEqual(O.preference!.headToHead, [
    { against: R.systemId, comparisons: 2, win: 0, tie: 0.5, loss: 0.5 },
    { against: M.systemId, comparisons: 2, win: 0, tie: 0.5, loss: 0.5 },
  ]);
  const c = (caseId: string, a: string, b: string, outcome: 1 | 0 | 0.5): PairComparison => ({
    caseId,
    a,
    b,
    outcome,
  });
  const expected = bradleyTerry(
    [R.systemId, M.systemId, O.systemId],
    [
      c("1", R.systemId, M.systemId, 1),
      c("1", R.systemId, O.systemId, 1),
      c("2", R.systemId, M.systemId, 0.5),
      c("2", R.systemId, O.systemId, 0.5),
      c("2", M.systemId, O.systemId, 0.5),
      c("1", M.systemId, R.systemId, 1),
      c("1", M.systemId, O.systemId, 1),
    ],
  );
  for (const [i, x] of [R, M, O].entries())
    assert.ok(Math.abs(x.preference!.strength.strength - expected[i]) < 1e-12, `${x.name}`);
  assert.ok(Math.abs(R.preference!.strength.strength - M.preference!.strength.strength) < 1e-12, "R and M even");
  assert.equal(O.preference!.strength.rank, 3, "Other last");
  assert.ok(O.preference!.strength.low <= O.preference!.strength.strength);

  let summary = "";
  for await (const chunk of exportSummaryCsv(t.db, s.admin, s.id)) summary += chunk;
  const lines = summary.trim().split("\r\n");
  const header = lines[0].split(",");
  const row = (system: string, measure: string) => {
    const cells = lines.find((l) => l.split(",")[1] === system && l.split(",")[3] === measure)!.split(",");
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  };
  assert.equal(row("Other", "preference:rank").mean, "3");
  assert.equal(Number(row("Other", "preference:strength").mean), O.preference!.strength.strength);
  assert.equal(row("Other", "preference:strength").ratings, "4");
  assert.equal(row("Model", `preference:vs:Other:win`).mean, "0.5");
  assert.equal(row("Model", `preference:vs:Other:win`).ratings, "2");
  assert.equal(row("Other", `preference:vs:${R.name}:loss`).mean, "0.5");

  let csv = "";
  for await (const chunk of exportRatingsCsv(t.db, s.admin, s.id)) csv += chunk;
  const [head, ...rows] = csv.trim().split("\r\n");
  const cols = head.split(",");
  const pref = rows
    .map((r) => r.split(","))
    .filter((x) => x[cols.indexOf("module")] === "preference")
    .map((x) => [
      x[cols.indexOf("case_position")],
      x[cols.indexOf("system")],
      x[cols.indexOf("item")],
      x[cols.indexOf("value")],
    ])
    .sort();
  assert.equal(pref.length, 9, "one row per ranked candidate");
  assert.deepEqual(
    pref.filter((x) => x[1] === "Model"),
    [
      ["1", "Model", "rank", "1"],
      ["1", "Model", "rank", "2"],
      ["2", "Model", "rank", "1"],
    ],
  );
});
