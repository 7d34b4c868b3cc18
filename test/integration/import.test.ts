// Importing cases (lib/studies/import.ts) into studies (lib/studies/studies.ts), against a real database.
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Db } from "../../lib/platform/db.ts";
import { setStudyRaters } from "../../lib/rating/assignment.ts";
import { ForbiddenError, NotFoundError, UserInputError } from "../../lib/platform/errors.ts";
import { exportRatingsCsv } from "../../lib/results/export.ts";
import { importCases, previewImport } from "../../lib/studies/import.ts";
import { ImportFileError } from "../../lib/platform/errors.ts";
import { studyResults } from "../../lib/results/results.ts";
import { createStudy, getStudy, listStudies } from "../../lib/studies/studies.ts";
import { addImportedSystem, addRetrievalSystem } from "../../lib/systems/systems.ts";
import { normalizeText } from "../../lib/platform/text.ts";
import type { Actor } from "../../lib/accounts/users.ts";
import { fileDb } from "../helpers/file-db.ts";
import { whileAuditLogLocked } from "../helpers/locks.ts";
import { enc, makeUser, MAX, once, openiBytes } from "../helpers/fixtures.ts";
import { oracle } from "../helpers/oracles.ts";

// What the OpenI file holds, read by Python's csv module (test/fixtures/oracles/make_openi_import.py),
// not by the app's parser.
const openi = oracle("openi_import.json");

// Every test makes the studies it works on; the database, the admin and the rater are shared.
let db: Db;
let admin: Actor;
let rater: Actor;
const t = fileDb(async ({ db: made }) => {
  db = made;
  admin = await makeUser(db, "ADMIN");
  rater = await makeUser(db, "RATER");
});

/** Everything an import may touch, to show a refused import changed nothing. */
async function snapshot(studyId?: string) {
  const where = studyId ? { studyId } : {};
  return {
    cases: await db.case.count({ where }),
    outputs: await db.output.count({ where: studyId ? { case: { studyId } } : {} }),
    assignments: await db.assignment.count({ where: studyId ? { case: { studyId } } : {} }),
    audit: await db.auditLog.count(),
  };
}

const csvFile = (text: string, fileName = "cases.csv") => ({ bytes: enc(text), fileName, maxBytes: MAX });

describe("studies", () => {
  test("an admin creates a study; it comes with the reference system and an audit record", async () => {
    const study = await createStudy(db, admin, { name: "  Study A  ", adminNotes: "first", ratersPerCase: 2 });
    assert.equal(study.name, "Study A");
    assert.equal(study.ratersPerCase, 2);
    assert.match(study.seed, /^[0-9a-f]{16}$/);
    const full = await getStudy(db, admin, study.id);
    assert.deepEqual(
      full.systems.map((s) => [s.name, s.kind]),
      [["Reference (radiologist)", "REFERENCE"]],
    );
    const audit = await db.auditLog.findFirst({ where: { action: "study.create", entityId: study.id } });
    assert.equal(audit?.actorId, admin.id);
    assert.ok((await listStudies(db, admin)).some((s) => s.id === study.id));
  });

  test("study names are unique and input is validated", async () => {
    await createStudy(db, admin, { name: "Study B" });
    await assert.rejects(
      createStudy(db, admin, { name: "Study B" }),
      (e) => e instanceof UserInputError && /already exists/.test(e.message),
    );
    await assert.rejects(createStudy(db, admin, { name: "   " }), UserInputError);
    await assert.rejects(createStudy(db, admin, { name: "zero", ratersPerCase: 0 }), UserInputError);
    assert.equal(await db.study.count({ where: { name: { in: ["zero", ""] } } }), 0);
    await assert.rejects(getStudy(db, admin, "no-such-study"), NotFoundError);
  });

  test("a rater can do none of the admin's work: ForbiddenError, nothing written", async () => {
    const study = await createStudy(db, admin, { name: "Study C" });
    const before = await snapshot();
    const studies = await db.study.count();
    const forbidden = (e: unknown) => e instanceof ForbiddenError;
    await assert.rejects(createStudy(db, rater, { name: "rater's study" }), forbidden);
    await assert.rejects(
      importCases(db, rater, study.id, { ...csvFile("id,findings,impression\nr1,f,i\n") }),
      forbidden,
    );
    await assert.rejects(addRetrievalSystem(db, rater, study.id, { name: "r", library: null }), forbidden);
    await assert.rejects(
      addImportedSystem(db, rater, study.id, { name: "r", file: csvFile("id,text\n1,x\n") }),
      forbidden,
    );
    await assert.rejects(setStudyRaters(db, rater, study.id, { raterIds: [rater.id], ratersPerCase: 1 }), forbidden);
    await assert.rejects(studyResults(db, rater, study.id), forbidden);
    await assert.rejects(exportRatingsCsv(db, rater, study.id).next(), forbidden);
    await assert.rejects(getStudy(db, rater, study.id), forbidden);
    await assert.rejects(listStudies(db, rater), forbidden);
    // No actor at all is no better.
    await assert.rejects(createStudy(db, null as unknown as Actor, { name: "anonymous" }), forbidden);
    assert.deepEqual(await snapshot(), before);
    assert.equal(await db.study.count(), studies);
    assert.equal(await db.studyRater.count({ where: { studyId: study.id } }), 0);
  });
});

describe("importing the OpenI file", () => {
  // The whole file imported with skipIncomplete: what one test checks and another imports again
  // (refused, changing nothing). Made by whichever of them runs first.
  const openiImport = once(async () => {
    const studyId = (await createStudy(db, admin, { name: "OpenI full" })).id;
    const r = await importCases(db, admin, studyId, {
      bytes: openiBytes(),
      fileName: "indiana_reports.csv",
      maxBytes: MAX,
      skipIncomplete: true,
    });
    return { studyId, r };
  });

  test("the preview shows the columns and the guessed mapping", async () => {
    const p = await previewImport({ bytes: openiBytes(), fileName: "indiana_reports.csv", maxBytes: MAX });
    assert.equal(p.format, "csv");
    assert.equal(p.rowCount, 3351);
    assert.deepEqual(p.guess, { sourceId: "uid", findings: "findings", impression: "impression" });
    assert.equal(p.sample.length, 3);
  });

  test("first it asks for confirmation: 520 incomplete rows, nothing imported", async () => {
    const studyId = (await createStudy(db, admin, { name: "OpenI unconfirmed" })).id;
    const before = await snapshot();
    const r = await importCases(db, admin, studyId, {
      bytes: openiBytes(),
      fileName: "indiana_reports.csv",
      maxBytes: MAX,
    });
    assert.equal(r.status, "needs-confirmation");
    if (r.status !== "needs-confirmation") return;
    assert.equal(r.cases, 2831);
    assert.equal(r.incomplete.length, 520);
    assert.deepEqual(
      r.incomplete.find((p) => p.sourceId === "16"),
      { row: 13, sourceId: "16", missing: ["findings", "impression"] },
    );
    assert.deepEqual(r.incomplete, openi.incomplete);
    assert.deepEqual(await snapshot(), before);
  });

  test("with skipIncomplete it imports 2,831 cases, and the reference system gets each one's normalised impression", async () => {
    const { studyId, r } = await openiImport();
    assert.equal(r.status, "imported");
    if (r.status !== "imported") return;
    assert.equal(r.imported, 2831);
    assert.equal(r.skipped.length, 520);

    // What the file says, independently of the import: every case's uid, row and normalised texts,
    // in file order, hashed as make_openi_import.py hashes them.
    assert.equal(openi.cases, 2831);
    const cases = await db.case.findMany({ where: { studyId }, orderBy: { position: "asc" } });
    assert.equal(cases.length, 2831);
    assert.deepEqual(
      cases.map((c) => c.position),
      Array.from({ length: 2831 }, (_, i) => i + 1),
      "positions 1..n in file order",
    );
    const line = (c: (typeof cases)[number]) => [
      c.sourceId,
      (c.metadata as Record<string, unknown>).sourceRow,
      c.findings,
      c.referenceImpression,
    ];
    assert.deepEqual(cases.slice(0, 2).map(line), openi.first_cases);
    const digest = createHash("sha256")
      .update(cases.map((c) => `${line(c).join("\t")}\n`).join(""))
      .digest("hex");
    assert.equal(digest, openi.cases_sha256, "the cases (uid, row, findings, impression) are the file's, normalised");
    // Texts are normalised on the way in: uid 1600's findings have double spaces in the file.
    assert.ok(openiBytes().toString("utf8").includes("consolidation.  No pleural"));
    assert.match(cases.find((c) => c.sourceId === "1600")!.findings, /consolidation\. No pleural/);
    assert.equal((cases[1].metadata as Record<string, unknown>).image, "Chest, 2 views, frontal and lateral");

    const reference = await db.system.findFirstOrThrow({ where: { studyId, kind: "REFERENCE" } });
    const outputs = await db.output.findMany({ where: { systemId: reference.id }, include: { case: true } });
    assert.equal(outputs.length, 2831);
    for (const o of outputs) {
      assert.equal(o.text, o.case.referenceImpression);
      assert.equal(o.text, normalizeText(o.text), "stored text is already normalised");
    }
    assert.equal(await db.output.count({ where: { case: { studyId } } }), 2831, "no other outputs");

    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "study.import", entityId: studyId } });
    const data = audit.data as { imported: number; skippedRows: number[]; fileName: string };
    assert.equal(data.imported, 2831);
    assert.equal(data.skippedRows.length, 520);
    assert.equal(data.fileName, "indiana_reports.csv");
  });

  test("malformed files are refused with a reason, and nothing changes", async () => {
    const studyId = (await createStudy(db, admin, { name: "Malformed files" })).id;
    const before = await snapshot(studyId);
    const auditBefore = await db.auditLog.count();
    const header = "uid,findings,impression\n";
    const latin1 = new Uint8Array([...enc(`${header}n1,Caf`), 0xe9, ...enc(" au lait,Normal\n")]);
    const cases: [string, Parameters<typeof importCases>[3], (e: unknown) => boolean][] = [
      [
        "unclosed quote",
        csvFile(`${header}n1,"no closing quote,Normal\nn2,f,i\n`),
        (e) => e instanceof ImportFileError && /unclosed quote/.test((e as Error).message),
      ],
      [
        "stray quote",
        csvFile(`${header}n1,a "quoted" word,Normal\n`),
        (e) => e instanceof ImportFileError && /quote/.test((e as Error).message),
      ],
      [
        "too many fields",
        csvFile(`${header}n1,a,b,c\n`),
        (e) => e instanceof ImportFileError && /has 4 fields but the header has 3/.test((e as Error).message),
      ],
      [
        "mapping names a missing column",
        { ...csvFile(`${header}n1,f,i\n`), mapping: { findings: "report_text" } },
        (e) => e instanceof ImportFileError && /Column "report_text" is not in the file/.test((e as Error).message),
      ],
      [
        "no findings column to guess",
        csvFile("uid,text,impression\nn1,f,i\n"),
        (e) => e instanceof UserInputError && /Choose which columns hold the findings/.test((e as Error).message),
      ],
      [
        "Latin-1 bytes",
        { bytes: latin1, fileName: "cases.csv", maxBytes: MAX },
        (e) => e instanceof ImportFileError && /not UTF-8.*line 2/.test((e as Error).message),
      ],
      [
        "empty",
        { bytes: new Uint8Array(0), fileName: "cases.csv", maxBytes: MAX },
        (e) => e instanceof ImportFileError && /empty/.test((e as Error).message),
      ],
      ["only whitespace", csvFile("  \n\n"), (e) => e instanceof ImportFileError && /empty/.test((e as Error).message)],
      [
        "header only",
        csvFile(header),
        (e) => e instanceof ImportFileError && /no data rows/.test((e as Error).message),
      ],
      [
        "larger than maxBytes",
        { bytes: openiBytes(), fileName: "indiana_reports.csv", maxBytes: 1024 * 1024, skipIncomplete: true },
        (e) => e instanceof ImportFileError && /the limit is 1\.0 MB/.test((e as Error).message),
      ],
      [
        "same id twice in the file",
        csvFile(`${header}n1,f,i\nn1,g,j\n`),
        (e) => e instanceof ImportFileError && /appears twice/.test((e as Error).message),
      ],
      [
        "no complete row",
        { ...csvFile(`${header}n1,,i\nn2,f,\n`), skipIncomplete: true },
        (e) => e instanceof UserInputError && /no complete case/.test((e as Error).message),
      ],
      [
        "a spreadsheet",
        { bytes: enc("PK\u0003\u0004"), fileName: "cases.xlsx", maxBytes: MAX },
        (e) => e instanceof ImportFileError && /not supported/.test((e as Error).message),
      ],
    ];
    for (const [what, req, check] of cases) {
      await assert.rejects(importCases(db, admin, studyId, req), check, what);
    }
    assert.deepEqual(await snapshot(studyId), before);
    assert.equal(await db.auditLog.count(), auditBefore);
  });

  test("importing ids the study already has is refused as a whole: new rows in the same file are not imported either", async () => {
    const { studyId } = await openiImport();
    const before = await snapshot(studyId);
    const file = csvFile(
      "uid,findings,impression\nbrand-new-1,Clear lungs.,Normal.\n1,Clear lungs.,Normal.\nbrand-new-2,Clear lungs.,Normal.\n",
    );
    await assert.rejects(
      importCases(db, admin, studyId, file),
      (e) => e instanceof UserInputError && /already has cases with these ids: 1\b/.test((e as Error).message),
    );
    // The whole OpenI file again.
    await assert.rejects(
      importCases(db, admin, studyId, {
        bytes: openiBytes(),
        fileName: "indiana_reports.csv",
        maxBytes: MAX,
        skipIncomplete: true,
      }),
      (e) => e instanceof UserInputError && /Nothing was imported/.test((e as Error).message),
    );
    assert.deepEqual(await snapshot(studyId), before);
    assert.equal(await db.case.count({ where: { sourceId: { startsWith: "brand-new" } } }), 0);
  });

  test("importing into a study that does not exist is a NotFoundError", async () => {
    await assert.rejects(
      importCases(db, admin, "no-such-study", csvFile("uid,findings,impression\nx,f,i\n")),
      NotFoundError,
    );
    assert.equal(await db.case.count({ where: { sourceId: "x" } }), 0);
  });
});

describe("other files", () => {
  test("JSONL with an explicit column mapping; texts are normalised and other fields kept as metadata", async () => {
    const study = await createStudy(db, admin, { name: "JSONL study" });
    const lines = [
      {
        accession_no: "ACC-1",
        report_findings: "Heart   size normal.\nLungs clear.",
        report_impression: "  No acute\r\n disease. ",
        site: "north",
        age: 54,
      },
      {
        accession_no: "ACC-2",
        report_findings: "Small left effusion.",
        report_impression: "Left pleural effusion\u200B.",
        site: "south",
        age: null,
      },
      {
        accession_no: "ACC-3",
        report_findings: "Cafe\u0301 sign.",
        report_impression: "Normal.",
        site: "north",
        age: 61,
      },
    ];
    const bytes = enc(`${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
    const mapping = { sourceId: "accession_no", findings: "report_findings", impression: "report_impression" };
    const r = await importCases(db, admin, study.id, { bytes, fileName: "reports.jsonl", maxBytes: MAX, mapping });
    assert.deepEqual(r, { status: "imported", imported: 3, skipped: [] });
    const cases = await db.case.findMany({ where: { studyId: study.id }, orderBy: { position: "asc" } });
    assert.deepEqual(
      cases.map((c) => [c.position, c.sourceId, c.findings, c.referenceImpression]),
      [
        [1, "ACC-1", "Heart size normal. Lungs clear.", "No acute disease."],
        [2, "ACC-2", "Small left effusion.", "Left pleural effusion."],
        [3, "ACC-3", "Caf\u00e9 sign.", "Normal."],
      ],
    );
    assert.deepEqual(cases[0].metadata, { site: "north", age: "54", sourceRow: 1 });
    assert.deepEqual(cases[1].metadata, { site: "south", age: "", sourceRow: 2 });
    const outputs = await db.output.findMany({ where: { case: { studyId: study.id } }, include: { case: true } });
    assert.equal(outputs.length, 3);
    for (const o of outputs) assert.equal(o.text, o.case.referenceImpression);

    // A later import continues the positions; the metadata mapping limits what is kept.
    const more = enc(
      JSON.stringify({ accession_no: "ACC-4", report_findings: "f", report_impression: "i", site: "west", age: 1 }) +
        "\n",
    );
    const r2 = await importCases(db, admin, study.id, {
      bytes: more,
      fileName: "more.ndjson",
      maxBytes: MAX,
      mapping: { ...mapping, metadata: ["site"] },
    });
    assert.equal(r2.status, "imported");
    const c4 = await db.case.findFirstOrThrow({ where: { studyId: study.id, sourceId: "ACC-4" } });
    assert.equal(c4.position, 4);
    assert.deepEqual(c4.metadata, { site: "west", sourceRow: 1 });
  });

  test("a CSV without an id column numbers the cases by row; the same ids may exist in another study", async () => {
    const other = await createStudy(db, admin, { name: "Ids 1 and 2" });
    await importCases(db, admin, other.id, csvFile("uid,findings,impression\n1,f1,i1\n2,f2,i2\n"));
    const study = await createStudy(db, admin, { name: "No id column" });
    const r = await importCases(db, admin, study.id, csvFile("Findings,Impression\nf1,i1\nf2,i2\n"));
    assert.equal(r.status, "imported");
    const cases = await db.case.findMany({ where: { studyId: study.id }, orderBy: { position: "asc" } });
    assert.deepEqual(
      cases.map((c) => c.sourceId),
      ["1", "2"],
    );
    // "1" and "2" are also ids in another study: ids are per study.
    assert.ok((await db.case.count({ where: { sourceId: "1" } })) >= 2);
  });

  test("two imports into one study at the same time: both land, positions stay 1..n without gaps", async () => {
    const study = await createStudy(db, admin, { name: "Concurrent imports" });
    const file = (prefix: string) =>
      csvFile(
        "uid,findings,impression\n" +
          Array.from({ length: 50 }, (_, i) => `${prefix}${i},findings ${i},impression ${i}`).join("\n") +
          "\n",
      );
    const results = await whileAuditLogLocked(t.url, 2, () => [
      importCases(db, admin, study.id, file("a")),
      importCases(db, admin, study.id, file("b")),
    ]);
    for (const r of results) assert.equal(r.status, "fulfilled", r.status === "rejected" ? String(r.reason) : "");
    const cases = await db.case.findMany({ where: { studyId: study.id }, orderBy: { position: "asc" } });
    assert.equal(cases.length, 100);
    assert.deepEqual(
      cases.map((c) => c.position),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );

    // The same file twice at once (a double click): one lands, the other is told why not.
    const twice = await whileAuditLogLocked(t.url, 2, () => [
      importCases(db, admin, study.id, file("c")),
      importCases(db, admin, study.id, file("c")),
    ]);
    assert.deepEqual(twice.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
    const refused = twice.find((r) => r.status === "rejected") as PromiseRejectedResult;
    assert.ok(
      refused.reason instanceof UserInputError && /already has cases with these ids/.test(refused.reason.message),
      String(refused.reason),
    );
    assert.equal(await db.case.count({ where: { studyId: study.id } }), 150);
  });
});
