// A rater's way through their studies on a real database: where they resume, when the instructions
// come first, what a case not yet answered shows, and identical texts when merging is off or a
// candidate arrives after the case was shown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCase, nextAssignmentId, resumePoint, saveRating } from "../../lib/rating/rating.ts";
import { updateStudyTexts } from "../../lib/studies/studies.ts";
import { addImportedSystem } from "../../lib/systems/systems.ts";
import { fileDb } from "../helpers/file-db.ts";
import { designStudy } from "../helpers/design-study.ts";
import { enc, MAX } from "../helpers/fixtures.ts";

const t = fileDb();
const SIGN = { signOff: {} };

async function signAll(raterId: string, assignmentId: string) {
  const view = await loadCase(t.db, raterId, assignmentId);
  for (const c of view.candidates)
    await saveRating(t.db, raterId, { assignmentId, handle: c.handle, signOff: "ACCEPT" });
}

test("a rater resumes at their own first unfinished case; with all done, at their first case", async () => {
  // Two raters on every case: the other rater's unfinished case 1 is never this rater's next.
  const s = await designStudy(t.db, SIGN, { raters: 2 });
  const [me, other] = s.raters;
  const [one, two] = s.assignments;
  assert.equal(await nextAssignmentId(t.db, me.id, s.id), one.id);
  await signAll(me.id, one.id);
  assert.equal(await nextAssignmentId(t.db, me.id, s.id), two.id);
  assert.deepEqual(await resumePoint(t.db, me.id, s.id), { next: two.id, first: null, instructions: null });
  await signAll(me.id, two.id);
  assert.equal(await nextAssignmentId(t.db, me.id, s.id), null, "the other rater's open cases are not mine");
  assert.deepEqual(await resumePoint(t.db, me.id, s.id), { next: null, first: one.id, instructions: null });
  const theirs = await t.db.assignment.findMany({
    where: { raterId: other.id },
    orderBy: { case: { position: "asc" } },
  });
  assert.equal(await nextAssignmentId(t.db, other.id, s.id), theirs[0].id);
});

test("a case is complete by this rater's answers only, never by another rater's answers to the same texts", async () => {
  const s = await designStudy(t.db, SIGN, { raters: 2 });
  const [me, other] = s.raters;
  const [theirs] = await t.db.assignment.findMany({
    where: { raterId: other.id },
    orderBy: { case: { position: "asc" } },
  });
  await signAll(other.id, theirs.id);
  const view = await loadCase(t.db, me.id, s.assignments[0].id);
  assert.deepEqual(
    await saveRating(t.db, me.id, {
      assignmentId: view.assignmentId,
      handle: view.candidates[0].handle,
      signOff: "REJECT",
    }),
    { complete: false },
  );
});

test("the instructions come before a rater's first answer in each study, whatever they answered elsewhere", async () => {
  const first = await designStudy(t.db, SIGN);
  await signAll(first.rater.id, first.assignments[0].id);
  // The same rater in a second study, with its own instructions.
  const second = await designStudy(t.db, SIGN);
  await t.db.studyRater.create({ data: { studyId: second.id, userId: first.rater.id } });
  const [mine] = await t.db.assignment.findMany({
    where: { case: { studyId: second.id } },
    orderBy: { case: { position: "asc" } },
  });
  await t.db.assignment.update({ where: { id: mine.id }, data: { raterId: first.rater.id } });
  await updateStudyTexts(t.db, second.admin, second.id, {
    raterInstructions: "Read the findings first.",
    adminNotes: "",
  });
  assert.deepEqual(await resumePoint(t.db, first.rater.id, second.id), {
    next: mine.id,
    first: null,
    instructions: "Read the findings first.",
  });
  await signAll(first.rater.id, mine.id);
  assert.equal((await resumePoint(t.db, first.rater.id, second.id))?.instructions, null);
});

test("a case not answered yet shows empty comments and no time spent", async () => {
  const s = await designStudy(t.db, SIGN);
  const view = await loadCase(t.db, s.rater.id, s.assignments[0].id);
  assert.deepEqual(
    view.candidates.map((c) => [c.comment, c.timeSpentMs, c.signOff]),
    view.candidates.map(() => ["", 0, null]),
  );
});

test("identical texts: apart when the design says so; a candidate arriving after the case was shown keeps its own place", async () => {
  const copy = { name: "Copy", texts: ["Normal.", "Copy two."] as [string, string] };
  const apart = await designStudy(t.db, { ...SIGN, mergeIdentical: false }, { systems: [copy] });
  const view = await loadCase(t.db, apart.rater.id, apart.assignments[0].id);
  assert.deepEqual(
    view.candidates.map((c) => c.text),
    ["Normal.", "Normal."],
  );

  const merged = await designStudy(t.db, { ...SIGN, mergeIdentical: true }, { systems: ["Model"] });
  const shown = await loadCase(t.db, merged.rater.id, merged.assignments[0].id);
  assert.equal(shown.candidates.length, 2);
  // A late system writes the reference's text: the rater already saw the case, so it comes as a
  // candidate of its own (merging it would change what the rater already answered).
  await addImportedSystem(t.db, merged.admin, merged.id, {
    name: "Late copy",
    file: { bytes: enc("uid,text\n1,Normal.\n2,Late two.\n"), fileName: "late.csv", maxBytes: MAX },
  });
  const again = await loadCase(t.db, merged.rater.id, merged.assignments[0].id);
  assert.deepEqual(again.candidates.map((c) => c.text).sort(), ["Model one.", "Normal.", "Normal."]);
});
