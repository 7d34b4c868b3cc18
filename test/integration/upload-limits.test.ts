// The caps on an uploaded table (lib/tables/tables.ts) refuse the whole file: one row over a
// limit, or a key that could reach a prototype, and nothing is written.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Db } from "../../lib/platform/db.ts";
import { importCases } from "../../lib/studies/import.ts";
import { ImportFileError } from "../../lib/platform/errors.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { addImportedSystem, addRetrievalSystem } from "../../lib/systems/systems.ts";
import type { Actor } from "../../lib/accounts/users.ts";
import { freshDb, type TestDb } from "../helpers/db.ts";
import { demoBytes, enc, makeUser, MAX, openiBytes } from "../helpers/fixtures.ts";

let t: TestDb;
let db: Db;
let admin: Actor;
before(async () => {
  t = await freshDb();
  db = t.db;
  admin = await makeUser(db, "ADMIN");
});
after(async () => {
  await t?.close();
});

async function snapshot() {
  return {
    cases: await db.case.count(),
    outputs: await db.output.count(),
    systems: await db.system.count(),
    audit: await db.auditLog.count(),
  };
}
const refused = (message: RegExp) => (e: unknown) => e instanceof ImportFileError && message.test(e.message);

test("the OpenI reports still import as is under the default caps", async () => {
  const study = await createStudy(db, admin, { name: "OpenI" });
  const r = await importCases(db, admin, study.id, {
    bytes: openiBytes(),
    fileName: "indiana_reports.csv",
    maxBytes: MAX,
    skipIncomplete: true,
  });
  assert.deepEqual(r.status === "imported" && r.imported, 2831);
});

test("one findings text over the cap refuses the whole file, naming row, id and setting", async () => {
  const study = await createStudy(db, admin, { name: "Long findings" });
  const before = await snapshot();
  const csv = `uid,findings,impression\n1,clear lungs,normal\n2,${"x".repeat(20_001)},normal\n3,ok,normal\n`;
  await assert.rejects(
    importCases(db, admin, study.id, { bytes: enc(csv), fileName: "cases.csv", maxBytes: MAX }),
    refused(
      /Row 2 \(id "2"\): the findings text has 20,001 characters; the limit is 20,000 \(IMPORT_MAX_FINDINGS_CHARS\)/,
    ),
  );
  assert.deepEqual(await snapshot(), before);
});

test("a file wider than IMPORT_MAX_COLUMNS is refused and nothing is written", async () => {
  const study = await createStudy(db, admin, { name: "Wide" });
  const before = await snapshot();
  const cols = ["uid", "findings", "impression", ...Array.from({ length: 300 }, (_, i) => `m${i}`)];
  const csv = `${cols.join(",")}\n${cols.map(() => "v").join(",")}\n`;
  await assert.rejects(
    importCases(db, admin, study.id, { bytes: enc(csv), fileName: "wide.csv", maxBytes: MAX }),
    refused(/303 columns; the limit is 200 \(IMPORT_MAX_COLUMNS\)/),
  );
  assert.deepEqual(await snapshot(), before);
});

test("a JSONL line with __proto__ (or constructor) is refused with its line and key, not a crash; nothing is written", async () => {
  const study = await createStudy(db, admin, { name: "Proto" });
  const before = await snapshot();
  const lines = [
    '{"uid":"1","findings":"a","impression":"b"}',
    '{"uid":"2","findings":"c","impression":"d","__proto__":{"admin":true}}',
  ];
  await assert.rejects(
    importCases(db, admin, study.id, { bytes: enc(lines.join("\n")), fileName: "cases.jsonl", maxBytes: MAX }),
    refused(/Line 2: the field name "__proto__" is not allowed/),
  );
  const ctor = ['{"uid":"1","findings":"a","impression":"b","constructor":"x"}'];
  await assert.rejects(
    importCases(db, admin, study.id, { bytes: enc(ctor.join("\n")), fileName: "cases.jsonl", maxBytes: MAX }),
    refused(/Line 1: the field name "constructor" is not allowed/),
  );
  assert.deepEqual(await snapshot(), before);
});

test("systems: an output over the cap, or a library row with __proto__, refuses the file and adds no system", async () => {
  const study = await createStudy(db, admin, { name: "Systems" });
  await importCases(db, admin, study.id, {
    bytes: demoBytes(),
    fileName: "demo.csv",
    maxBytes: MAX,
    skipIncomplete: true,
  });
  const cases = await db.case.findMany({ where: { studyId: study.id }, orderBy: { position: "asc" } });
  const before = await snapshot();
  const outputs = cases
    .map((c, i) => JSON.stringify({ uid: c.sourceId, output: i === 4 ? "y".repeat(5_001) : "fine" }))
    .join("\n");
  await assert.rejects(
    addImportedSystem(db, admin, study.id, {
      name: "Verbose",
      file: { bytes: enc(outputs), fileName: "out.jsonl", maxBytes: MAX },
    }),
    refused(
      new RegExp(
        `Row 5 \\(id "${cases[4].sourceId}"\\): the output text has 5,001 characters; the limit is 5,000 \\(IMPORT_MAX_IMPRESSION_CHARS\\)`,
      ),
    ),
  );
  const library =
    '{"uid":"a","findings":"f","impression":"i"}\n{"uid":"b","findings":"f","impression":"i","__proto__":"x"}\n';
  await assert.rejects(
    addRetrievalSystem(db, admin, study.id, {
      name: "Lib",
      library: { bytes: enc(library), fileName: "lib.jsonl", maxBytes: MAX },
    }),
    refused(/Line 2: the field name "__proto__" is not allowed/),
  );
  assert.deepEqual(await snapshot(), before);
});
