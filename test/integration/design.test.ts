// A study's rating design on a real database: custom criteria rated, completed and summarised,
// the design editable until the first rating and locked after it (by the code and by the database).
import { test } from "node:test";
import assert from "node:assert/strict";
import { setStudyRaters } from "../../lib/rating/assignment.ts";
import { defaultDesign, type Design } from "../../lib/rating/design.ts";
import { loadCase, saveRating } from "../../lib/rating/rating.ts";
import { exportRatingsCsv, exportSummaryCsv } from "../../lib/results/export.ts";
import { studyResults } from "../../lib/results/results.ts";
import { importCases } from "../../lib/studies/import.ts";
import { createStudy, studyDesign, updateDesign } from "../../lib/studies/studies.ts";
import { addImportedSystem } from "../../lib/systems/systems.ts";
import { ForbiddenError, UserInputError } from "../../lib/platform/errors.ts";
import { fileDb } from "../helpers/file-db.ts";
import { enc, makeUser, MAX } from "../helpers/fixtures.ts";

const t = fileDb();
let made = 0;

const TWO: Design = {
  scores: {
    criteria: [
      { key: "accuracy", name: "Accuracy", definition: "Is it right?", points: 7, low: "wrong", high: "right" },
      { key: "safe", name: "Safe to send", definition: "", points: 2, low: "no", high: "yes" },
    ],
  },
};

/** A study of its own: two cases, the reference and one imported system, one rater. */
async function study(design?: Design) {
  const admin = await makeUser(t.db, "ADMIN");
  const rater = await makeUser(t.db, "RATER");
  const s = await createStudy(t.db, admin, { name: `Design ${++made}` });
  await importCases(t.db, admin, s.id, {
    bytes: enc("uid,findings,impression\n1,Findings one.,Normal.\n2,Findings two.,Effusion.\n"),
    maxBytes: MAX,
    fileName: "c.csv",
  });
  await addImportedSystem(t.db, admin, s.id, {
    name: "Model",
    file: { bytes: enc("uid,text\n1,Model one.\n2,Model two.\n"), fileName: "m.csv", maxBytes: MAX },
  });
  if (design) await updateDesign(t.db, admin, s.id, design);
  await setStudyRaters(t.db, admin, s.id, { raterIds: [rater.id], ratersPerCase: 1 });
  const assignments = await t.db.assignment.findMany({
    where: { raterId: rater.id },
    orderBy: { case: { position: "asc" } },
  });
  return { admin, rater, id: s.id, assignments };
}

test("a new study asks the paper's five criteria; its design can be read and replaced (audited) by an admin", async () => {
  const s = await study();
  assert.deepEqual(await studyDesign(t.db, s.admin, s.id), { design: defaultDesign(), locked: null });
  await updateDesign(t.db, s.admin, s.id, TWO);
  assert.deepEqual((await studyDesign(t.db, s.admin, s.id)).design, TWO);
  const audit = await t.db.auditLog.findFirstOrThrow({ where: { action: "study.design", entityId: s.id } });
  assert.equal(audit.actorId, s.admin.id);
  assert.deepEqual(audit.data, TWO);
  await assert.rejects(updateDesign(t.db, s.rater, s.id, defaultDesign()), ForbiddenError);
  await assert.rejects(studyDesign(t.db, s.rater, s.id), ForbiddenError);
  await assert.rejects(updateDesign(t.db, s.admin, "no-such-study", defaultDesign()), /No such study/);
  // A bad design is refused, named, and changes nothing.
  await assert.rejects(
    updateDesign(t.db, s.admin, s.id, { scores: { criteria: [{ ...TWO.scores.criteria[0], points: 12 }] } }),
    (e) => e instanceof UserInputError && e.message === "Criterion 1, points: must be 2–10 points.",
  );
  assert.deepEqual((await studyDesign(t.db, s.admin, s.id)).design, TWO);
});

test("raters score the study's own criteria on their own scales; complete means every criterion", async () => {
  const s = await study(TWO);
  const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  assert.deepEqual(view.criteria, TWO.scores.criteria);
  assert.deepEqual(view.candidates[0].scores, { accuracy: null, safe: null });
  const [a, b] = view.candidates.map((c) => c.handle);
  const save = (handle: string, scores: Record<string, number | null>) =>
    saveRating(t.db, s.rater.id, { assignmentId: view.assignmentId, handle, scores });
  assert.deepEqual(await save(a, { accuracy: 7, safe: 2 }), { complete: false });
  assert.deepEqual(await save(b, { accuracy: 6 }), { complete: false }, "one criterion of b is missing");
  await assert.rejects(save(b, { accuracy: 6, safe: 3 }), /Safe to send: must be 1–2/);
  await assert.rejects(save(b, { accuracy: 6, understandability: 3 }), /scores.understandability: not a criterion/);
  assert.deepEqual(await save(b, { accuracy: 6, safe: 1 }), { complete: true });
  // Clearing a score takes it away and the case is open again.
  assert.deepEqual(await save(b, { accuracy: null, safe: 1 }), { complete: false });
  const again = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  assert.deepEqual(Object.fromEntries(again.candidates.map((c) => [c.handle, c.scores])), {
    [a]: { accuracy: 7, safe: 2 },
    [b]: { accuracy: null, safe: 1 },
  });
  assert.equal(
    await t.db.score.count({ where: { rating: { assignmentId: view.assignmentId } } }),
    3,
    "a cleared score leaves no row",
  );
});

test("results, agreement and both exports follow the design: its criteria, in its order, on its scales", async () => {
  const s = await study(TWO);
  for (const [i, assignment] of s.assignments.entries()) {
    const view = await loadCase(t.db, s.rater.id, assignment.id);
    for (const c of view.candidates)
      await saveRating(t.db, s.rater.id, {
        assignmentId: view.assignmentId,
        handle: c.handle,
        scores: { accuracy: c.text.startsWith("Model") ? 3 + i : 7, safe: 2 },
      });
  }
  const r = await studyResults(t.db, s.admin, s.id);
  assert.deepEqual(
    r.criteria.map((c) => c.key),
    ["accuracy", "safe"],
  );
  const model = r.systems.find((x) => x.name === "Model")!;
  assert.equal(model.byCriterion.accuracy.mean, 3.5);
  assert.deepEqual(model.byCriterion.accuracy.distribution, [0, 0, 1, 1, 0, 0, 0]);
  assert.deepEqual(model.byCriterion.safe.distribution, [0, 2]);
  assert.deepEqual(Object.keys(model.vsReference!), ["accuracy", "safe"]);
  assert.equal(model.vsReference!.accuracy.difference, -3.5);
  assert.deepEqual(r.raters[0].ratingsDone, 4);

  let summary = "";
  for await (const chunk of exportSummaryCsv(t.db, s.admin, s.id)) summary += chunk;
  const lines = summary.trim().split("\r\n");
  const header = lines[0].split(",");
  const row = (system: string, criterion: string) => {
    const cells = lines
      .find((l) => l.startsWith(`Design ${made},${system},`) && l.split(",")[3] === criterion)!
      .split(",");
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  };
  const acc = row("Model", "accuracy");
  assert.equal(acc.scale_points, "7");
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => acc[`scores_${k}`]),
    ["0", "0", "1", "1", "0", "0", "0", "", "", ""],
  );
  assert.equal(row("Model", "safe").scores_2, "2");
  assert.equal(lines.length, 1 + 2 * 2, "two systems × two criteria");

  let long = "";
  for await (const chunk of exportRatingsCsv(t.db, s.admin, s.id)) long += chunk;
  const criteria = long
    .trim()
    .split("\r\n")
    .slice(1)
    .map((l) => l.split(",")[6]);
  assert.equal(criteria.length, 8, "four ratings × two scores");
  assert.deepEqual([...new Set(criteria)], ["accuracy", "safe"]);
});

test("the design locks at the first saved rating, with a message saying why; the database holds the lock too", async () => {
  const s = await study();
  const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  // Shown, not yet rated: still open.
  assert.equal((await studyDesign(t.db, s.admin, s.id)).locked, null);
  await saveRating(t.db, s.rater.id, {
    assignmentId: view.assignmentId,
    handle: view.candidates[0].handle,
    scores: { coherence: 4 },
  });
  const why =
    "The rating design is locked: raters have saved a rating in this study, and a changed question would change what those answers mean.";
  assert.equal((await studyDesign(t.db, s.admin, s.id)).locked, why);
  await assert.rejects(
    updateDesign(t.db, s.admin, s.id, TWO),
    (e) => e instanceof UserInputError && e.message === why && e.status === 409,
  );
  await assert.rejects(
    t.db.study.update({ where: { id: s.id }, data: { design: TWO } }),
    /the rating design is locked, raters have saved ratings/,
  );
  assert.deepEqual((await studyDesign(t.db, s.admin, s.id)).design, defaultDesign());
  assert.equal(await t.db.auditLog.count({ where: { action: "study.design", entityId: s.id } }), 0);
});

test("a design change and a first rating at the same moment: one of them wins, never both", async () => {
  for (let round = 0; round < 3; round++) {
    const s = await study();
    const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
    const [changed, rated] = await Promise.allSettled([
      updateDesign(t.db, s.admin, s.id, TWO),
      saveRating(t.db, s.rater.id, {
        assignmentId: view.assignmentId,
        handle: view.candidates[0].handle,
        scores: { coherence: 4 },
      }),
    ]);
    const design = (await studyDesign(t.db, s.admin, s.id)).design;
    const scores = await t.db.score.findMany({ where: { rating: { assignmentId: view.assignmentId } } });
    if (changed.status === "fulfilled") {
      assert.deepEqual(design, TWO);
      assert.equal(rated.status, "rejected", "a score for a criterion the study no longer has");
      assert.equal(scores.length, 0);
    } else {
      assert.deepEqual(design, defaultDesign());
      assert.equal(rated.status, "fulfilled");
      assert.deepEqual(
        scores.map((x) => [x.criterion, x.value]),
        [["coherence", 4]],
      );
    }
  }
});
