// Practice cases on a real database: given to every rater first, expected scores shown only once
// answered, kept out of results and every export of the ratings, fixed once a rating exists.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCase, nextAssignmentId, saveRating } from "../../lib/rating/rating.ts";
import { exportRatingsCsv, exportSummaryCsv } from "../../lib/results/export.ts";
import { exportHistoryCsv } from "../../lib/results/history.ts";
import { studyResults } from "../../lib/results/results.ts";
import { practiceSetup, setPractice } from "../../lib/studies/practice.ts";
import { UserInputError } from "../../lib/platform/errors.ts";
import { fileDb } from "../helpers/file-db.ts";
import { designStudy } from "../helpers/design-study.ts";

const t = fileDb();
const DESIGN = {
  scores: { criteria: [{ key: "accuracy", name: "Accuracy", definition: "", points: 5, low: "", high: "" }] },
};

/** Two raters, one per case; case 2 made practice (so it comes before case 1) with expected scores for both candidates. */
async function withPractice() {
  const s = await designStudy(t.db, DESIGN, { raters: 2, perCase: 1 });
  const outputs = await t.db.output.findMany({
    where: { case: { studyId: s.id, position: 2 } },
    include: { system: true },
  });
  const byText = Object.fromEntries(outputs.map((o) => [o.text, o.id]));
  await setPractice(t.db, s.admin, s.id, {
    cases: [
      {
        position: 2,
        note: "The reference is the better report here.",
        expected: { [byText["Effusion."]]: { accuracy: 5 }, [byText["Model two."]]: { accuracy: 2 } },
      },
    ],
  });
  return { ...s, byText };
}

const mine = (studyId: string, raterId: string) =>
  t.db.assignment.findMany({ where: { raterId, case: { studyId } }, include: { case: true } });

test("every rater gets the practice case first; the expected scores and note come once it is answered", async () => {
  const s = await withPractice();
  const [r1, r2] = s.raters;
  const a1 = await mine(s.id, r1.id);
  const a2 = await mine(s.id, r2.id);
  // Case 1 (practice) for both; case 2 for one of them only.
  assert.equal(a1.filter((a) => a.case.practice).length, 1);
  assert.equal(a2.filter((a) => a.case.practice).length, 1);
  assert.equal(a1.length + a2.length, 3);
  const rater = a1.length === 2 ? r1 : r2;
  const queue = rater === r1 ? a1 : a2;
  const practice = queue.find((a) => a.case.practice)!;
  // The practice case comes first, and is numbered on its own.
  assert.equal(await nextAssignmentId(t.db, rater.id, s.id), practice.id);
  const view = await loadCase(t.db, rater.id, practice.id);
  assert.deepEqual(view.practice, { revealed: false }, "nothing of the expected answers before answering");
  assert.deepEqual([view.index, view.total, view.nextId !== null], [1, 1, true]);
  for (const [i, c] of view.candidates.entries())
    await saveRating(t.db, rater.id, { assignmentId: practice.id, handle: c.handle, scores: { accuracy: 3 + i } });
  const answered = await loadCase(t.db, rater.id, practice.id);
  assert.ok(answered.practice?.revealed);
  assert.equal(answered.practice.note, "The reference is the better report here.");
  assert.deepEqual(
    answered.candidates.map((c) => [c.text, answered.practice?.revealed && answered.practice.expected[c.handle]]),
    answered.candidates.map((c) => [c.text, { accuracy: c.text === "Effusion." ? 5 : 2 }]),
  );
  // Then the real case: "Case 1 of 1".
  const next = await loadCase(t.db, rater.id, (await nextAssignmentId(t.db, rater.id, s.id))!);
  assert.equal(next.practice, null);
  assert.deepEqual([next.index, next.total, next.findings], [1, 1, "Findings one."]);
});

test("practice answers count in no result and no export of the ratings", async () => {
  const s = await withPractice();
  for (const r of s.raters)
    for (const a of await mine(s.id, r.id)) {
      const view = await loadCase(t.db, r.id, a.id);
      for (const c of view.candidates)
        await saveRating(t.db, r.id, {
          assignmentId: a.id,
          handle: c.handle,
          scores: { accuracy: a.case.practice ? 1 : 4 },
        });
    }
  const results = await studyResults(t.db, s.admin, s.id);
  assert.equal(results.totalRatings, 2, "the real case's two candidates, one rater");
  for (const sys of results.systems)
    assert.deepEqual([sys.byCriterion.accuracy.n, sys.byCriterion.accuracy.mean], [1, 4]);
  assert.deepEqual(
    results.raters.map((r) => [r.cases, r.ratingsDone]),
    [[1, 2]],
    "progress counts the real case only",
  );
  let csv = "";
  for await (const chunk of exportRatingsCsv(t.db, s.admin, s.id)) csv += chunk;
  const [head, ...rows] = csv.trim().split("\r\n");
  const cols = head.split(",");
  assert.deepEqual(
    rows.map((r) => [r.split(",")[cols.indexOf("case_position")], r.split(",")[cols.indexOf("value")]]),
    [
      ["1", "4"],
      ["1", "4"],
    ],
  );
  let history = "";
  for await (const chunk of exportHistoryCsv(t.db, s.admin, s.id)) history += chunk;
  const lines = history.trim().split("\r\n");
  const position = lines[0].split(",").indexOf("case_position");
  assert.deepEqual(
    lines.slice(1).map((l) => l.split(",")[position]),
    ["1", "1"],
  );
  let summary = "";
  for await (const chunk of exportSummaryCsv(t.db, s.admin, s.id)) summary += chunk;
  const ratings = summary.trim().split("\r\n")[0].split(",").indexOf("ratings");
  assert.deepEqual(
    summary
      .trim()
      .split("\r\n")
      .slice(1)
      .map((l) => l.split(",")[ratings]),
    ["1", "1"],
  );
});

test("practice cases are refused where they do not fit, and fixed once a rating exists (by the code and the database)", async () => {
  const s = await withPractice();
  const refused = (message: RegExp) => (e: unknown) => e instanceof UserInputError && message.test(e.message);
  const one = (over: object) => setPractice(t.db, s.admin, s.id, { cases: [{ position: 2, ...over }] });
  await assert.rejects(
    setPractice(t.db, s.admin, s.id, { cases: [{ position: 3 }] }),
    refused(/^Practice case 3: the study has cases 1–2\.$/),
  );
  await assert.rejects(
    one({ expected: { [s.byText["Effusion."]]: { accuracy: 6 } } }),
    refused(/Case 2, expected Accuracy: must be 1–5\./),
  );
  await assert.rejects(
    one({ expected: { [s.byText["Effusion."]]: { clarity: 2 } } }),
    refused(/expected clarity: not a criterion/),
  );
  await assert.rejects(one({ expected: { nope: { accuracy: 2 } } }), refused(/nope is not a candidate of this case/));
  await assert.rejects(
    setPractice(t.db, s.admin, s.id, { cases: [{ position: 1 }, { position: 2 }] }),
    refused(/At least one case must be left/),
  );
  await assert.rejects(
    setPractice(t.db, s.admin, s.id, { cases: [{ position: 2 }, { position: 2 }] }),
    refused(/listed twice/),
  );
  const before = await practiceSetup(t.db, s.admin, s.id);
  assert.equal(before.cases[0].practiceNote, "The reference is the better report here.", "refusals changed nothing");
  assert.equal(before.locked, false);

  // A rating: the set is fixed; the note and expected scores can still change.
  const [a] = (await mine(s.id, s.raters[0].id)).filter((x) => x.case.practice);
  const view = await loadCase(t.db, s.raters[0].id, a.id);
  await saveRating(t.db, s.raters[0].id, {
    assignmentId: a.id,
    handle: view.candidates[0].handle,
    scores: { accuracy: 2 },
  });
  await assert.rejects(
    setPractice(t.db, s.admin, s.id, { cases: [] }),
    (e) => e instanceof UserInputError && e.status === 409 && /fixed: raters have saved a rating/.test(e.message),
  );
  await one({ note: "Corrected note." });
  const after = await practiceSetup(t.db, s.admin, s.id);
  assert.deepEqual(
    [after.locked, after.cases.map((c) => [c.position, c.practiceNote])],
    [true, [[2, "Corrected note."]]],
  );
  await assert.rejects(
    t.db.case.updateMany({ where: { studyId: s.id, position: 1 }, data: { practice: true } }),
    /practice cases are fixed/,
  );
  const audits = await t.db.auditLog.count({ where: { action: "study.practice", entityId: s.id } });
  assert.equal(audits, 2);
});
