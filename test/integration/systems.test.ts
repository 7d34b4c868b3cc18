// Candidate systems (lib/systems/systems.ts): the retrieval baseline and outputs imported from a file.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { parse as parseCsv } from "csv-parse/sync";
import type { Db } from "../../lib/platform/db.ts";
import { NotFoundError, UserInputError } from "../../lib/platform/errors.ts";
import { importCases } from "../../lib/studies/import.ts";
import { ImportFileError } from "../../lib/platform/errors.ts";
import { tokenize } from "../../lib/systems/tfidf.ts";
import { kindOf } from "../../lib/systems/kinds/index.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { addImportedSystem, addRetrievalSystem, completeSystem } from "../../lib/systems/systems.ts";
import { normalizeText } from "../../lib/platform/text.ts";
import type { Actor } from "../../lib/accounts/users.ts";
import { fileDb } from "../helpers/file-db.ts";
import { whileAuditLogLocked } from "../helpers/locks.ts";
import { demoBytes, enc, makeUser, MAX, openiBytes } from "../helpers/fixtures.ts";
import { oracle } from "../helpers/oracles.ts";

// Every test makes the studies it works on; the database and the admin are shared.
let db: Db;
let admin: Actor;
const t = fileDb(async ({ db: made }) => {
  db = made;
  admin = await makeUser(db, "ADMIN");
});

async function demoStudy(name: string) {
  const study = await createStudy(db, admin, { name });
  const r = await importCases(db, admin, study.id, {
    bytes: demoBytes(),
    fileName: "openi-demo-20.csv",
    maxBytes: MAX,
  });
  assert.deepEqual(r, { status: "imported", imported: 20, skipped: [] });
  return study;
}

/** A study of the 20 demo cases, and their ids in file order. */
async function demoCases(name: string) {
  const study = await demoStudy(name);
  const sourceIds = (await db.case.findMany({ where: { studyId: study.id }, orderBy: { position: "asc" } })).map(
    (c) => c.sourceId,
  );
  return { studyId: study.id, sourceIds };
}

async function snapshot(studyId: string) {
  return {
    systems: await db.system.count({ where: { studyId } }),
    outputs: await db.output.count({ where: { case: { studyId } } }),
    audit: await db.auditLog.count(),
  };
}

type Prov = { librarySourceId: string; cosine: number };

describe("retrieval baseline", () => {
  test("with the study as library: leave-one-out, every case answered from another case of the study", async () => {
    const study = await demoStudy("Retrieval over the study");
    const system = await addRetrievalSystem(db, admin, study.id, { name: "Retrieval (study)", library: null });
    assert.equal(system.kind, "RETRIEVAL");
    assert.deepEqual(system.config, { method: "tfidf-cosine", library: "study", leaveOneOut: true, size: 20 });

    const cases = await db.case.findMany({ where: { studyId: study.id } });
    const bySource = new Map(cases.map((c) => [c.sourceId, c]));
    const outputs = await db.output.findMany({ where: { systemId: system.id }, include: { case: true } });
    assert.equal(outputs.length, 20, "one output per case");
    for (const o of outputs) {
      const p = o.provenance as Prov;
      assert.notEqual(p.librarySourceId, o.case.sourceId, `case ${o.case.sourceId} retrieved its own report`);
      const source = bySource.get(p.librarySourceId);
      assert.ok(source, `library id ${p.librarySourceId} is a case of the study`);
      assert.equal(o.text, source.referenceImpression);
      assert.ok(p.cosine >= 0 && p.cosine <= 1);
    }
    // A baseline that only ever answers with one report would be suspicious.
    assert.ok(new Set(outputs.map((o) => (o.provenance as Prov).librarySourceId)).size > 3);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "system.create", entityId: system.id } });
    assert.deepEqual(audit.data, { studyId: study.id, name: "Retrieval (study)", kind: "RETRIEVAL", outputs: 20 });
  });

  test("with the OpenI file as library: never the same uid, though the file holds every case of the study", async () => {
    const study = await demoStudy("Retrieval over OpenI");
    const bytes = openiBytes();
    const system = await addRetrievalSystem(db, admin, study.id, {
      name: "Retrieval (OpenI)",
      library: { bytes, fileName: "indiana_reports.csv", maxBytes: MAX },
    });
    assert.deepEqual(system.config, {
      method: "tfidf-cosine",
      library: "file",
      fileName: "indiana_reports.csv",
      sha256: createHash("sha256").update(bytes).digest("hex"),
      size: 2831,
    });

    // The library as the file has it, read with csv-parse directly rather than the app's import
    // parser (which the retrieval system uses): its complete rows, counted in Python too
    // (test/fixtures/oracles/make_openi_import.py).
    const library = (parseCsv(bytes, { columns: true, skip_empty_lines: true }) as Record<string, string>[])
      .map((r) => ({ sourceId: r.uid.trim(), findings: r.findings.trim(), impression: r.impression.trim() }))
      .filter((r) => r.findings && r.impression);
    assert.equal(library.length, oracle("openi_import.json").cases);
    const libById = new Map(library.map((c) => [c.sourceId, c]));
    const outputs = await db.output.findMany({ where: { systemId: system.id }, include: { case: true } });
    assert.equal(outputs.length, 20);
    for (const o of outputs) {
      assert.ok(libById.has(o.case.sourceId), `study case ${o.case.sourceId} is in the library file`);
      const p = o.provenance as Prov;
      assert.notEqual(p.librarySourceId, o.case.sourceId, `case ${o.case.sourceId} retrieved its own report`);
      const hit = libById.get(p.librarySourceId);
      assert.ok(hit, `library id ${p.librarySourceId} is a complete row of the file`);
      assert.equal(o.text, normalizeText(hit.impression));
      // A perfect match is fine only when another report has the same findings terms (OpenI
      // has many identical "normal" templates); otherwise it would be the case's own report.
      const bag = (text: string) => tokenize(text).sort().join(" ");
      const twin = library.some((c) => c.sourceId !== o.case.sourceId && bag(c.findings) === bag(o.case.findings));
      if (!twin)
        assert.ok(p.cosine < 0.9999, `case ${o.case.sourceId}: a perfect match suggests its own report (${p.cosine})`);
    }
  });

  test("a study without cases, or a library file without findings/impression columns, is refused", async () => {
    const empty = await createStudy(db, admin, { name: "Empty study" });
    await assert.rejects(
      addRetrievalSystem(db, admin, empty.id, { name: "r", library: null }),
      (e) => e instanceof UserInputError && /Import cases/.test((e as Error).message),
    );
    await assert.rejects(addRetrievalSystem(db, admin, "no-such-study", { name: "r", library: null }), NotFoundError);
    const study = await demoStudy("Retrieval refused");
    const before = await snapshot(study.id);
    await assert.rejects(
      addRetrievalSystem(db, admin, study.id, {
        name: "bad library",
        library: { bytes: enc("uid,text\n1,x\n"), fileName: "lib.csv", maxBytes: MAX },
      }),
      (e) => e instanceof UserInputError && /needs findings and impression columns/.test((e as Error).message),
    );
    await assert.rejects(addRetrievalSystem(db, admin, study.id, { name: "  ", library: null }), UserInputError);
    assert.deepEqual(await snapshot(study.id), before);
    assert.equal(await db.system.count({ where: { studyId: empty.id } }), 1, "only the reference");
  });
});

describe("imported systems", () => {
  test("a CSV of case id -> text becomes a system; texts are whitespace- and Unicode-normalised", async () => {
    const { studyId, sourceIds } = await demoCases("Imported outputs: CSV");
    const texts = new Map<string, [string, string]>([
      [sourceIds[0], ['"No acute\r\n  cardiopulmonary   abnormality."', "No acute cardiopulmonary abnormality."]],
      [sourceIds[1], ['"  Borderline\tcardiomegaly.\n\nClear lungs.  "', "Borderline cardiomegaly. Clear lungs."]],
      [sourceIds[2], ["Cafe\u0301 au lait\u200B spot.", "Caf\u00e9 au lait spot."]],
      [sourceIds[3], ['"Effusion, small, left."', "Effusion, small, left."]],
    ]);
    const csv = `case_id,prediction\n${[...texts].map(([id, [raw]]) => `${id},${raw}`).join("\n")}\n`;
    const before = await snapshot(studyId);
    const { system, missing } = await addImportedSystem(db, admin, studyId, {
      name: "Model X",
      file: { bytes: enc(csv), fileName: "model-x.csv", maxBytes: MAX },
    });
    assert.equal(system.kind, "IMPORTED");
    assert.equal(missing, 16, "cases the file has no output for");
    assert.deepEqual((system.config as { mapping: object }).mapping, { sourceId: "case_id", text: "prediction" });
    const outputs = await db.output.findMany({ where: { systemId: system.id }, include: { case: true } });
    assert.equal(outputs.length, 4);
    for (const o of outputs) {
      const [, want] = texts.get(o.case.sourceId)!;
      assert.equal(o.text, want, `output for ${o.case.sourceId}`);
      assert.equal(o.text, normalizeText(o.text));
    }
    const after = await snapshot(studyId);
    assert.deepEqual(after, { systems: before.systems + 1, outputs: before.outputs + 4, audit: before.audit + 1 });
  });

  test("JSONL with an explicit mapping", async () => {
    const { studyId, sourceIds } = await demoCases("Imported outputs: JSONL");
    const bytes = enc(
      sourceIds
        .slice(0, 5)
        .map((id) => JSON.stringify({ study: id, gen: `Impression for ${id}.`, score: 0.5 }))
        .join("\n"),
    );
    const { system, missing } = await addImportedSystem(db, admin, studyId, {
      name: "Model Y",
      file: { bytes, fileName: "y.jsonl", maxBytes: MAX },
      mapping: { sourceId: "study", text: "gen" },
    });
    assert.equal(missing, 15);
    const outputs = await db.output.findMany({ where: { systemId: system.id }, include: { case: true } });
    assert.deepEqual(
      outputs.map((o) => o.text).sort(),
      sourceIds
        .slice(0, 5)
        .map((id) => `Impression for ${id}.`)
        .sort(),
    );
    for (const o of outputs) assert.equal(o.text, `Impression for ${o.case.sourceId}.`);
  });

  test("unknown case ids are refused and nothing is created", async () => {
    const { studyId, sourceIds } = await demoCases("Imported outputs: unknown ids");
    const before = await snapshot(studyId);
    const csv = `uid,text\n${sourceIds[0]},fine\nnot-a-case,orphan\n${sourceIds[1]},fine too\n`;
    await assert.rejects(
      addImportedSystem(db, admin, studyId, {
        name: "Model Z",
        file: { bytes: enc(csv), fileName: "z.csv", maxBytes: MAX },
      }),
      (e) =>
        e instanceof UserInputError &&
        /1 row\(s\) name cases that are not in this study \(e\.g\. row 2: "not-a-case"\)\. Nothing was imported\./.test(
          (e as Error).message,
        ),
    );
    assert.deepEqual(await snapshot(studyId), before);
    assert.equal(await db.system.count({ where: { name: "Model Z" } }), 0);
  });

  test("rows without text, duplicate ids, or no id/text columns are refused and nothing is created", async () => {
    const { studyId, sourceIds } = await demoCases("Imported outputs: bad rows");
    const before = await snapshot(studyId);
    const file = (text: string) => ({ bytes: enc(text), fileName: "z.csv", maxBytes: MAX });
    await assert.rejects(
      addImportedSystem(db, admin, studyId, {
        name: "Model Z",
        file: file(`uid,text\n${sourceIds[0]},x\n${sourceIds[1]},   \n`),
      }),
      (e) => e instanceof UserInputError && /Rows 2 have no text/.test((e as Error).message),
    );
    await assert.rejects(
      addImportedSystem(db, admin, studyId, {
        name: "Model Z",
        file: file(`uid,text\n${sourceIds[0]},x\n${sourceIds[0]},y\n`),
      }),
      (e) => e instanceof ImportFileError && /appears twice/.test((e as Error).message),
    );
    await assert.rejects(
      addImportedSystem(db, admin, studyId, { name: "Model Z", file: file(`a,b\n1,x\n`) }),
      (e) => e instanceof UserInputError && /Choose the case id and text columns/.test((e as Error).message),
    );
    await assert.rejects(
      addImportedSystem(db, admin, studyId, {
        name: "Model Z",
        file: file(`uid,text\n1,x\n`),
        mapping: { text: "nope" },
      }),
      (e) => e instanceof ImportFileError && /Column "nope" is not in the file/.test((e as Error).message),
    );
    assert.deepEqual(await snapshot(studyId), before);
  });

  test("a system name may be used once per study (after trimming), including the reference's", async () => {
    const { studyId, sourceIds } = await demoCases("Imported outputs: names");
    const file = { bytes: enc(`uid,text\n${sourceIds[0]},x\n`), fileName: "dup.csv", maxBytes: MAX };
    await addImportedSystem(db, admin, studyId, { name: "Model X", file });
    const before = await snapshot(studyId);
    await assert.rejects(
      addImportedSystem(db, admin, studyId, { name: "Model X", file }),
      (e) => e instanceof UserInputError && /already has a system named "Model X"/.test((e as Error).message),
    );
    await assert.rejects(
      addImportedSystem(db, admin, studyId, { name: "  Model X ", file }),
      (e) => e instanceof UserInputError && /already has a system named/.test((e as Error).message),
    );
    await assert.rejects(
      addRetrievalSystem(db, admin, studyId, { name: "Model X", library: null }),
      (e) => e instanceof UserInputError && /already has a system named/.test((e as Error).message),
    );
    await assert.rejects(
      addImportedSystem(db, admin, studyId, { name: "Reference (radiologist)", file }),
      UserInputError,
    );
    assert.deepEqual(await snapshot(studyId), before);
    // The same name several times at once (double clicks, two admins), really overlapping.
    const many = await whileAuditLogLocked(t.url, 3, () =>
      Array.from({ length: 3 }, () => addImportedSystem(db, admin, studyId, { name: "Model W", file })),
    );
    assert.equal(many.filter((r) => r.status === "fulfilled").length, 1);
    for (const r of many) {
      if (r.status === "rejected")
        assert.ok(
          r.reason instanceof UserInputError && /already has a system named "Model W"/.test(r.reason.message),
          String(r.reason),
        );
    }
    assert.equal(await db.system.count({ where: { studyId, name: "Model W" } }), 1);
    // Another study may reuse the name.
    const other = await demoStudy("Another study");
    const { system } = await addImportedSystem(db, admin, other.id, { name: "Model X", file });
    assert.equal(system.studyId, other.id);
  });
});

describe("cases imported after a system was added", () => {
  const first =
    "uid,findings,impression\na1,Heart size normal. Lungs clear.,Normal chest.\na2,Small left pleural effusion.,Left effusion.\na3,Right lower lobe consolidation.,Pneumonia.\n";
  const second =
    "uid,findings,impression\nb1,Lungs clear. Heart normal in size.,No acute disease.\nb2,Large right pleural effusion.,Right effusion.\n";
  const file = (text: string) => ({ bytes: enc(text), fileName: "outputs.csv", maxBytes: MAX });

  async function lateStudy(name: string) {
    const study = await createStudy(db, admin, { name });
    await importCases(db, admin, study.id, { bytes: enc(first), fileName: "a.csv", maxBytes: MAX });
    const retrieval = await addRetrievalSystem(db, admin, study.id, { name: "TF-IDF", library: null });
    const { system: imported } = await addImportedSystem(db, admin, study.id, {
      name: "Other model",
      file: file("uid,text\na1,Normal.\na2,Effusion.\na3,Consolidation.\n"),
    });
    await importCases(db, admin, study.id, { bytes: enc(second), fileName: "b.csv", maxBytes: MAX });
    return { study, retrieval, imported };
  }

  test("retrieval answers only the new cases, from the study as it is now; earlier outputs stay as they were", async () => {
    const { study, retrieval } = await lateStudy("Late cases: retrieval");
    const before = await db.output.findMany({ where: { systemId: retrieval.id }, orderBy: { id: "asc" } });
    assert.equal(before.length, 3);
    // Two admins at once: one adds both, the other is told there is nothing left; no duplicates.
    const both = await Promise.allSettled([
      completeSystem(db, admin, study.id, retrieval.id, null),
      completeSystem(db, admin, study.id, retrieval.id, null),
    ]);
    assert.deepEqual(
      both.filter((r) => r.status === "fulfilled").map((r) => r.value),
      [{ added: 2, stillMissing: 0 }],
    );
    assert.match(
      String((both.find((r) => r.status === "rejected") as PromiseRejectedResult).reason),
      /Every case already has an output/,
    );
    const now = await db.output.findMany({ where: { systemId: retrieval.id }, include: { case: true } });
    assert.equal(now.length, 5);
    for (const o of before) assert.deepEqual(now.find((n) => n.id === o.id)?.text, o.text);
    const b2 = now.find((o) => o.case.sourceId === "b2")!;
    assert.equal(b2.text, "Left effusion.", "the most similar other case's impression");
    assert.equal((b2.provenance as { addedLater?: boolean }).addedLater, true);
    await assert.rejects(
      completeSystem(db, admin, study.id, retrieval.id, null),
      (e) => e instanceof UserInputError && /Every case already has an output from TF-IDF/.test(e.message),
    );
  });

  test("imported outputs: the missing cases only, all or nothing; a changed text or an unknown case is refused", async () => {
    const { study, imported } = await lateStudy("Late cases: imported");
    const count = () => db.output.count({ where: { systemId: imported.id } });
    const refused = async (f: ReturnType<typeof file> | null, re: RegExp) => {
      await assert.rejects(
        completeSystem(db, admin, study.id, imported.id, f),
        (e) => e instanceof UserInputError && re.test(e.message),
      );
      assert.equal(await count(), 3, "nothing added");
    };
    await refused(null, /Choose a file/);
    await refused(
      file("uid,text\nb1,Normal.\na1,Something else.\n"),
      /Row 2: case "a1" already has a different output/,
    );
    await refused(file("uid,text\nb1,Normal.\nzz,Normal.\n"), /names a case that is not in this study \("zz"\)/);
    await refused(file("uid,text\na1,Normal.\n"), /no outputs for the 2 case\(s\) without one/);
    await refused(
      file("id,impression\nb1,Normal.\n"),
      /needs the columns "uid" and "text", as the file Other model was made from/,
    );
    // The whole file again, with the new cases: the repeated rows are the same texts, so fine.
    assert.deepEqual(
      await completeSystem(
        db,
        admin,
        study.id,
        imported.id,
        file("uid,text\na1,Normal.\na2,Effusion.\na3,Consolidation.\nb1,Normal.\n"),
      ),
      { added: 1, stillMissing: 1 },
    );
    assert.deepEqual(await completeSystem(db, admin, study.id, imported.id, file("uid,text\nb2,Right effusion.\n")), {
      added: 1,
      stillMissing: 0,
    });
    assert.equal(await count(), 5);
  });

  test("a retrieval system made from a library file needs that very file", async () => {
    const study = await createStudy(db, admin, { name: "Late cases: library file" });
    await importCases(db, admin, study.id, { bytes: enc(first), fileName: "a.csv", maxBytes: MAX });
    const library =
      "uid,findings,impression\nx1,Heart normal. Lungs clear.,Normal.\nx2,Right pleural effusion.,Right effusion.\n";
    const retrieval = await addRetrievalSystem(db, admin, study.id, { name: "TF-IDF file", library: file(library) });
    await importCases(db, admin, study.id, { bytes: enc(second), fileName: "b.csv", maxBytes: MAX });
    const count = () => db.output.count({ where: { systemId: retrieval.id } });
    await assert.rejects(completeSystem(db, admin, study.id, retrieval.id, null), /Choose the library file/);
    await assert.rejects(
      completeSystem(db, admin, study.id, retrieval.id, file(`${library}x3,Other.,Other.\n`)),
      /not the library file TF-IDF file was made with/,
    );
    assert.equal(await count(), 3);
    assert.deepEqual(await completeSystem(db, admin, study.id, retrieval.id, file(library)), {
      added: 2,
      stillMissing: 0,
    });
    const b2 = await db.output.findFirstOrThrow({ where: { systemId: retrieval.id, case: { sourceId: "b2" } } });
    assert.equal(b2.text, "Right effusion.");
  });

  test("the reference, LLM systems and other studies' systems are not completed this way", async () => {
    const { study } = await lateStudy("Late cases: others");
    const reference = await db.system.findFirstOrThrow({ where: { studyId: study.id, kind: "REFERENCE" } });
    await assert.rejects(completeSystem(db, admin, study.id, reference.id, null), /comes with each imported case/);
    const llm = await db.system.create({
      data: { studyId: study.id, name: "An LLM", kind: "LLAMA", config: {}, provenance: {} },
    });
    await assert.rejects(completeSystem(db, admin, study.id, llm.id, null), /under Generation/);
    const other = await createStudy(db, admin, { name: "Late cases: elsewhere" });
    await assert.rejects(completeSystem(db, admin, other.id, reference.id, null), (e) => e instanceof NotFoundError);
    const rater = await makeUser(db, "RATER");
    await assert.rejects(completeSystem(db, rater, study.id, reference.id, null), /Only study admins/);
  });
});

test("what each kind stores (config, provenance, every output's provenance) fits that kind's schemas", async () => {
  const { study } = await (async () => {
    const s = await createStudy(db, admin, { name: "Stored shapes" });
    await importCases(db, admin, s.id, {
      bytes: enc("uid,findings,impression\na1,Lungs clear.,Normal.\na2,Left effusion.,Effusion.\n"),
      fileName: "a.csv",
      maxBytes: MAX,
    });
    return { study: s };
  })();
  const lib = "uid,findings,impression\nl1,Lungs clear.,Normal chest.\nl2,Left effusion.,Effusion left.\n";
  await addRetrievalSystem(db, admin, study.id, { name: "From the study", library: null });
  await addRetrievalSystem(db, admin, study.id, {
    name: "From a file",
    library: { bytes: enc(lib), fileName: "lib.csv", maxBytes: MAX },
  });
  await addImportedSystem(db, admin, study.id, {
    name: "Imported",
    file: { bytes: enc("uid,text\na1,Normal.\n"), fileName: "o.csv", maxBytes: MAX },
  });
  const systems = await db.system.findMany({ where: { studyId: study.id }, include: { outputs: true } });
  assert.deepEqual(systems.map((s) => s.kind).sort(), ["IMPORTED", "REFERENCE", "RETRIEVAL", "RETRIEVAL"]);
  for (const s of systems) {
    const { schemas } = kindOf(s.kind);
    assert.doesNotThrow(() => schemas.config.parse(s.config), `${s.name}: config`);
    assert.doesNotThrow(() => schemas.provenance.parse(s.provenance), `${s.name}: provenance`);
    assert.ok(s.outputs.length > 0);
    for (const o of s.outputs) assert.doesNotThrow(() => schemas.output.parse(o.provenance), `${s.name}: output`);
  }
  // The schemas are not a formality: another kind's shapes do not pass.
  const retrieval = systems.find((s) => s.kind === "RETRIEVAL")!;
  assert.throws(() => kindOf("IMPORTED").schemas.config.parse(retrieval.config));
  assert.throws(() => kindOf("IMPORTED").schemas.output.parse(retrieval.outputs[0].provenance));
  // A stored configuration that does not fit (edited by hand) is named, and completing changes nothing.
  const imported = systems.find((s) => s.kind === "IMPORTED")!;
  await db.system.update({ where: { id: imported.id }, data: { config: { mapping: "uid" } } });
  const before = await db.output.count({ where: { systemId: imported.id } });
  await assert.rejects(
    completeSystem(db, admin, study.id, imported.id, {
      bytes: enc("uid,text\na2,Effusion.\n"),
      fileName: "o.csv",
      maxBytes: MAX,
    }),
    (e) => e instanceof UserInputError && /^Imported: its stored configuration is not readable \(/.test(e.message),
  );
  assert.equal(await db.output.count({ where: { systemId: imported.id } }), before);
});
