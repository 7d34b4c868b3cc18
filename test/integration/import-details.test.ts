// What an import tells the admin and what it records (lib/studies/import.ts), to the word: the
// preview's rows, the columns listed when no mapping can be guessed, the ids that clash (the first
// five, in the study's order) and the audit record of an import.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Actor } from "../../lib/accounts/users.ts";
import { NotFoundError, UserInputError } from "../../lib/platform/errors.ts";
import { importCases, previewImport } from "../../lib/studies/import.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { fileDb } from "../helpers/file-db.ts";
import { enc, MAX, makeUser } from "../helpers/fixtures.ts";

let admin: Actor;
const t = fileDb(async ({ db }) => {
  admin = await makeUser(db, "ADMIN");
});
const rows = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => `${from + i},findings ${from + i},impression ${from + i}`).join("\n");
const file = (text: string) => ({ bytes: enc(text), maxBytes: MAX });

test("the preview gives the format, the columns, the row count and the first three rows as they are", async () => {
  const text = `uid,findings,impression,site\n${[1, 2, 3, 4].map((i) => `${rows(1, i)},A`).join("\n")}\n`;
  const p = await previewImport(file(text));
  assert.deepEqual(p, {
    format: "csv",
    columns: ["uid", "findings", "impression", "site"],
    rowCount: 4,
    guess: { sourceId: "uid", findings: "findings", impression: "impression" },
    sample: [1, 2, 3].map((i) => ({
      uid: `${i}`,
      findings: `findings ${i}`,
      impression: `impression ${i}`,
      site: "A",
    })),
  });
});

test("the preview reads the file as the import will: its name's format and the byte cap apply", async () => {
  const text = "uid,findings,impression\n1,f,i\n";
  await assert.rejects(previewImport({ ...file(text), fileName: "cases.tsv" }), /\.tsv files are not supported/);
  await assert.rejects(previewImport({ bytes: enc(text), maxBytes: 10 }), /the limit is 0\.0 MB/);
  assert.equal((await previewImport({ bytes: enc("{x}\n{y}\n"), fileName: "a.csv", maxBytes: MAX })).format, "csv");
});

test("with no column to guess, the refusal lists the file's columns", async () => {
  const study = await createStudy(t.db, admin, { name: "No findings column" });
  await assert.rejects(
    importCases(t.db, admin, study.id, file("uid,report,impression\n1,f,i\n")),
    (e) =>
      e instanceof UserInputError &&
      e.message ===
        "Choose which columns hold the findings and the impression (columns in the file: uid, report, impression).",
  );
});

test("ids the study already has: the first five of them in the study's order are named, nothing is imported", async () => {
  const study = await createStudy(t.db, admin, { name: "Clashing ids" });
  await importCases(t.db, admin, study.id, file(`uid,findings,impression\n${rows(8)}\n`));
  // The clashing ids come in reverse order in the new file, after a new one.
  const again = `uid,findings,impression\n100,f,i\n${rows(8).split("\n").reverse().join("\n")}\n`;
  await assert.rejects(
    importCases(t.db, admin, study.id, file(again)),
    (e) =>
      e instanceof UserInputError &&
      e.message === "The study already has cases with these ids: 1, 2, 3, 4, 5. Nothing was imported.",
  );
  assert.equal(await t.db.case.count({ where: { studyId: study.id } }), 8);
});

test("the audit record names the file, the count, the skipped rows and the mapping used", async () => {
  const study = await createStudy(t.db, admin, { name: "Audited import" });
  const text = "uid,findings,impression,site\n1,f,i,A\n2,,i,B\n3,f,i,C\n4,f,,D\n";
  const r = await importCases(t.db, admin, study.id, { ...file(text), skipIncomplete: true });
  assert.equal(r.status, "imported");
  const audit = await t.db.auditLog.findFirstOrThrow({ where: { action: "study.import", entityId: study.id } });
  assert.deepEqual([audit.actorId, audit.entity], [admin.id, "Study"]);
  assert.deepEqual(audit.data, {
    fileName: null,
    imported: 2,
    skippedRows: [2, 4],
    mapping: { sourceId: "uid", findings: "findings", impression: "impression" },
  });
});

test("a study that does not exist is named as such", async () => {
  await assert.rejects(
    importCases(t.db, admin, "no-such-study", file("uid,findings,impression\nx,f,i\n")),
    (e) => e instanceof NotFoundError && e.message === "No such study.",
  );
});
