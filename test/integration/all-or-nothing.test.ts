// All or nothing where it can really fail: after rows were written. A trigger in this test
// database makes the audit insert (the last write of each operation) raise, so the cases,
// outputs and assignments written before it must all be rolled back.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import type { Db } from "../../lib/platform/db.ts";
import { setStudyRaters } from "../../lib/rating/assignment.ts";
import { importCases } from "../../lib/studies/import.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { addImportedSystem, completeSystem } from "../../lib/systems/systems.ts";
import type { Actor } from "../../lib/accounts/users.ts";
import { freshDb, type TestDb } from "../helpers/db.ts";
import { demoBytes, enc, makeUser, MAX, openStudy } from "../helpers/fixtures.ts";

let t: TestDb;
let db: Db;
let admin: Actor;
let rater: Actor;

before(async () => {
  t = await freshDb();
  db = t.db;
  admin = await makeUser(db, "ADMIN");
  rater = await makeUser(db, "RATER");
  await db.$executeRawUnsafe(`CREATE TABLE test_fail_on (action text PRIMARY KEY)`);
  await db.$executeRawUnsafe(`
    CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM test_fail_on WHERE action = NEW.action) THEN
        RAISE EXCEPTION 'test: audit of % refused', NEW.action;
      END IF;
      RETURN NEW;
    END $$`);
  await db.$executeRawUnsafe(
    `CREATE TRIGGER test_fail_audit BEFORE INSERT ON "AuditLog" FOR EACH ROW EXECUTE FUNCTION test_fail_audit()`,
  );
});
beforeEach(async () => {
  await db.$executeRawUnsafe(`DELETE FROM test_fail_on`);
});
after(async () => {
  await t?.close();
});

const failOn = (action: string) => db.$executeRawUnsafe(`INSERT INTO test_fail_on VALUES ($1)`, action);
let n = 0;
async function studyWithRater() {
  const study = await createStudy(db, admin, { name: `All or nothing ${++n}` });
  await setStudyRaters(db, admin, study.id, { raterIds: [rater.id], ratersPerCase: 1 });
  await openStudy(db, admin, study.id);
  return study;
}
const counts = async (studyId: string) => ({
  cases: await db.case.count({ where: { studyId } }),
  outputs: await db.output.count({ where: { system: { studyId } } }),
  assignments: await db.assignment.count({ where: { case: { studyId } } }),
  systems: await db.system.count({ where: { studyId } }),
});
const outputsFile = (ids: string[]) =>
  enc(`uid,text\n${ids.map((id) => `${id},Model impression for ${id}.`).join("\n")}\n`);

test("an import that fails after its cases, outputs and assignments were written leaves nothing", async () => {
  const study = await studyWithRater();
  await failOn("study.import");
  await assert.rejects(
    importCases(db, admin, study.id, { bytes: demoBytes(), fileName: "demo.csv", maxBytes: MAX }),
    /audit of study.import refused/,
  );
  assert.deepEqual(await counts(study.id), { cases: 0, outputs: 0, assignments: 0, systems: 1 });
});

test("an imported system that fails after its outputs were written leaves no system and no output", async () => {
  const study = await studyWithRater();
  await importCases(db, admin, study.id, { bytes: demoBytes(), fileName: "demo.csv", maxBytes: MAX });
  const before = await counts(study.id);
  const ids = (await db.case.findMany({ where: { studyId: study.id } })).map((c) => c.sourceId);
  await failOn("system.create");
  await assert.rejects(
    addImportedSystem(db, admin, study.id, {
      name: "Half-made",
      file: { bytes: outputsFile(ids), fileName: "m.csv", maxBytes: MAX },
    }),
    /audit of system.create refused/,
  );
  assert.deepEqual(await counts(study.id), before);
  assert.equal(await db.system.count({ where: { name: "Half-made" } }), 0);
});

test("completing a system for late cases that fails after writing leaves the outputs as they were", async () => {
  const study = await studyWithRater();
  const csv = (from: number, to: number) =>
    enc(
      "uid,findings,impression\n" +
        Array.from(
          { length: to - from + 1 },
          (_, i) => `c${from + i},Findings ${from + i}.,Impression ${from + i}.`,
        ).join("\n") +
        "\n",
    );
  await importCases(db, admin, study.id, { bytes: csv(1, 3), fileName: "a.csv", maxBytes: MAX });
  const system = await addImportedSystem(db, admin, study.id, {
    name: "Late model",
    file: { bytes: outputsFile(["c1", "c2", "c3"]), fileName: "m.csv", maxBytes: MAX },
  });
  await importCases(db, admin, study.id, { bytes: csv(4, 6), fileName: "b.csv", maxBytes: MAX });
  const before = await counts(study.id);
  await failOn("system.complete");
  await assert.rejects(
    completeSystem(db, admin, study.id, system.system.id, {
      bytes: outputsFile(["c1", "c2", "c3", "c4", "c5", "c6"]),
      fileName: "m.csv",
      maxBytes: MAX,
    }),
    /audit of system.complete refused/,
  );
  assert.deepEqual(await counts(study.id), before);
  assert.equal(await db.output.count({ where: { systemId: system.system.id } }), 3);
});
