// Raters only ever see whole cases: a case waits until every system has its candidate, and a
// candidate added while a rater has the case open still has to be rated before it is done.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { setStudyRaters } from "../../lib/rating/assignment.ts";
import { NotReadyError } from "../../lib/platform/errors.ts";
import { importCases } from "../../lib/studies/import.ts";
import { loadCase, nextAssignmentId, raterStudies, saveRating } from "../../lib/rating/rating.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { addImportedSystem } from "../../lib/systems/systems.ts";
import { freshDb, type TestDb } from "../helpers/db.ts";
import { enc, makeUser, MAX, openStudy } from "../helpers/fixtures.ts";
import { SCORES, withScores } from "../helpers/scores.ts";

let t: TestDb;
before(async () => (t = await freshDb()));
after(() => t.close());

const all = (v: number) => ({ understandability: v, coherence: v, relevance: v, conciseness: v, clinicalUtility: v });

test("cases wait for every system's candidate; a candidate added while a case is open must be rated too", async () => {
  const admin = await makeUser(t.db, "ADMIN");
  const rater = await makeUser(t.db, "RATER");
  const study = await createStudy(t.db, admin, { name: "Readiness" });
  const csv = `uid,findings,impression\n${[1, 2, 3, 4].map((i) => `${i},Findings ${i}.,Impression ${i}.`).join("\n")}`;
  await importCases(t.db, admin, study.id, { bytes: enc(csv), maxBytes: MAX, fileName: "c.csv" });
  await setStudyRaters(t.db, admin, study.id, { raterIds: [rater.id], ratersPerCase: 1 });
  await openStudy(t.db, admin, study.id);
  // A system with outputs for cases 1 and 3 only (as a generation still running would leave it).
  await addImportedSystem(t.db, admin, study.id, {
    name: "Partial",
    file: { bytes: enc("uid,text\n1,Model one.\n3,Model three.\n"), fileName: "p.csv", maxBytes: MAX },
  });

  const [summary] = await raterStudies(t.db, rater.id);
  assert.deepEqual(
    { total: summary.total, done: summary.done, preparing: summary.preparing },
    { total: 4, done: 0, preparing: 2 },
  );
  const mine = await t.db.assignment.findMany({
    where: { raterId: rater.id },
    include: { case: true },
    orderBy: { case: { position: "asc" } },
  });
  await assert.rejects(
    loadCase(t.db, rater.id, mine[1].id),
    NotReadyError,
    "case 2 lacks the partial system's candidate",
  );
  assert.equal(await nextAssignmentId(t.db, rater.id, study.id), mine[0].id);

  // The rater opens case 1 (two candidates); meanwhile a third system arrives for it.
  const view = await loadCase(t.db, rater.id, mine[0].id);
  assert.equal(view.candidates.length, 2);
  await addImportedSystem(t.db, admin, study.id, {
    name: "Late",
    file: {
      bytes: enc("uid,text\n1,Late one.\n2,Late two.\n3,Late three.\n4,Late four.\n"),
      fileName: "l.csv",
      maxBytes: MAX,
    },
  });
  for (const c of view.candidates)
    await saveRating(t.db, rater.id, { assignmentId: view.assignmentId, handle: c.handle, scores: all(4) });
  const stillOpen = await t.db.assignment.findUniqueOrThrow({ where: { id: mine[0].id } });
  assert.equal(stillOpen.completedAt, null, "the late candidate is not rated yet");
  const reloaded = await loadCase(t.db, rater.id, mine[0].id);
  assert.equal(reloaded.candidates.length, 3);
  const late = reloaded.candidates.find((c) => c.text === "Late one.")!;
  assert.deepEqual(
    await saveRating(t.db, rater.id, { assignmentId: view.assignmentId, handle: late.handle, scores: all(2) }),
    { complete: true },
  );
  assert.equal(
    await nextAssignmentId(t.db, rater.id, study.id),
    mine[2].id,
    "case 2 still waits for the partial system; case 3 is next",
  );
});

test("time spent is capped, not refused: a page left open overnight keeps its score", async () => {
  const admin = await makeUser(t.db, "ADMIN");
  const rater = await makeUser(t.db, "RATER");
  const study = await createStudy(t.db, admin, { name: "Overnight" });
  await importCases(t.db, admin, study.id, {
    bytes: enc("uid,findings,impression\n1,Findings.,Impression.\n"),
    maxBytes: MAX,
    fileName: "c.csv",
  });
  await setStudyRaters(t.db, admin, study.id, { raterIds: [rater.id], ratersPerCase: 1 });
  await openStudy(t.db, admin, study.id);
  const a = await t.db.assignment.findFirstOrThrow({ where: { raterId: rater.id } });
  const view = await loadCase(t.db, rater.id, a.id);
  // Shown two days ago and left open: three days claimed, one day (the cap) kept, the score saved.
  await t.db.assignment.update({
    where: { id: a.id },
    data: { firstShownAt: new Date(Date.now() - 2 * 24 * 3600 * 1000) },
  });
  await saveRating(t.db, rater.id, {
    assignmentId: a.id,
    handle: view.candidates[0].handle,
    scores: all(5),
    timeSpentMs: 3 * 24 * 3600 * 1000,
  });
  const rating = withScores(await t.db.rating.findFirstOrThrow({ where: { assignmentId: a.id }, include: SCORES }));
  assert.equal(rating.understandability, 5);
  assert.equal(rating.timeSpentMs, 24 * 3600 * 1000);
});
