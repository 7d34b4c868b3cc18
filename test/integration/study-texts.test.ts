// A study's texts: raters read its instructions, never the admins' notes (which name systems).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Db } from "../../lib/platform/db.ts";
import { DEMO_STUDY, seedDemo } from "../../lib/demo/demo.ts";
import { ForbiddenError, NotFoundError, UserInputError } from "../../lib/platform/errors.ts";
import { closeQueues } from "../../lib/generation/generation.ts";
import { raterStudies } from "../../lib/rating/rating.ts";
import { createStudy, updateStudyTexts } from "../../lib/studies/studies.ts";
import { freshDb, type TestDb } from "../helpers/db.ts";
import { makeUser } from "../helpers/fixtures.ts";

let t: TestDb;
let db: Db;
before(async () => {
  t = await freshDb();
  db = t.db;
});
after(async () => {
  await closeQueues();
  await t?.close();
});

test("the demo's rater text names no system, and the rater's study list carries nothing of the admin notes", async () => {
  const creds = await seedDemo(db, t.url, () => {});
  assert.ok(creds);
  const study = await db.study.findUniqueOrThrow({ where: { name: DEMO_STUDY }, include: { systems: true } });
  assert.match(study.adminNotes, /radiology-mini/, "the admins still have their notes");
  const rater = await db.user.findUniqueOrThrow({ where: { email: creds.rater.email } });
  const seen = JSON.stringify(await raterStudies(db, rater.id));
  assert.match(seen, /\*\*Clinical errors\*\*: record each error you find/, "the rater gets the instructions");
  // Every name and kind of a system, and the words the admin notes use for them.
  for (const word of [
    ...study.systems.flatMap((s) => [s.name, s.kind, s.id]),
    "radiology-mini",
    "TF-IDF",
    "retrieval",
    "Llama",
    study.adminNotes,
  ]) {
    assert.equal(seen.toLowerCase().includes(word.toLowerCase()), false, `the rater's study list contains "${word}"`);
  }
});

test("admins rewrite the texts (audited); raters cannot; limits name the field and change nothing", async () => {
  const admin = await makeUser(db, "ADMIN");
  const rater = await makeUser(db, "RATER");
  const study = await createStudy(db, admin, {
    name: "Texts study",
    raterInstructions: "Rate calmly.",
    adminNotes: "Compares model X.",
  });
  assert.deepEqual(
    await updateStudyTexts(db, admin, study.id, {
      raterInstructions: " Read the findings first. ",
      adminNotes: "X vs Y",
    }),
    { raterInstructions: "Read the findings first.", adminNotes: "X vs Y" },
  );
  assert.equal(
    (await db.auditLog.findFirstOrThrow({ where: { action: "study.texts", entityId: study.id } })).actorId,
    admin.id,
  );
  await assert.rejects(updateStudyTexts(db, rater, study.id, { raterInstructions: "hacked" }), ForbiddenError);
  await assert.rejects(updateStudyTexts(db, admin, "no-such-study", { raterInstructions: "x" }), NotFoundError);
  await assert.rejects(
    updateStudyTexts(db, admin, study.id, { raterInstructions: "x".repeat(10_001) }),
    (e) => e instanceof UserInputError && /Instructions for raters/.test(e.message),
  );
  await assert.rejects(
    updateStudyTexts(db, admin, study.id, { adminNotes: "a\u0000b" }),
    (e) => e instanceof UserInputError && /^Notes for admins: must not contain a NUL/.test(e.message),
  );
  await assert.rejects(
    createStudy(db, admin, { name: "Nul\u0000study" }),
    (e) => e instanceof UserInputError && /^Name: must not contain a NUL/.test(e.message),
  );
  const now = await db.study.findUniqueOrThrow({ where: { id: study.id } });
  assert.equal(now.raterInstructions, "Read the findings first.");
  assert.equal(now.adminNotes, "X vs Y");
});
