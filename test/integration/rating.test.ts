// The rating workflow end to end: assignment (lib/rating/assignment.ts), the blinded case view and
// saving scores (lib/rating/rating.ts), the admin's results (lib/results/results.ts) and the export (lib/results/export.ts).
// Each test makes its own study and raters (ratingStudy below, up to the stage it needs), so that
// any one of them passes alone; only tests that merely read share one (once()).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parse as parseCsv } from "csv-parse/sync";
import type { Db } from "../../lib/platform/db.ts";
import { assignmentSeed, setStudyRaters, type DisplayEntry } from "../../lib/rating/assignment.ts";
import { all, PAPER_KEYS, type PaperKey, SCORES, withScores } from "../helpers/scores.ts";
import { NotFoundError, NotReadyError, UserInputError } from "../../lib/platform/errors.ts";
import { addOutputs } from "../../lib/systems/outputs.ts";
import {
  csvField,
  EXPORT_COLUMNS,
  exportRatingsCsv,
  exportSummaryCsv,
  SUMMARY_COLUMNS,
} from "../../lib/results/export.ts";
import { importCases } from "../../lib/studies/import.ts";
import { loadCase, nextAssignmentId, raterStudies, resumePoint, saveRating } from "../../lib/rating/rating.ts";
import { failureOf } from "../../lib/platform/errors.ts";
import { studyResults } from "../../lib/results/results.ts";
import { createStudy, updateStudyTexts } from "../../lib/studies/studies.ts";
import { addImportedSystem, addRetrievalSystem } from "../../lib/systems/systems.ts";
import type { Actor } from "../../lib/accounts/users.ts";
import { fileDb } from "../helpers/file-db.ts";
import { demoBytes, enc, makeUser, MAX, once, quickUser, openStudy } from "../helpers/fixtures.ts";
import { oracle } from "../helpers/oracles.ts";

let db: Db;
let admin: Actor;
fileDb(async (t) => {
  db = t.db;
  admin = await makeUser(db, "ADMIN");
});

type Rater = Actor & { email: string };
type Stage = "systems" | "assigned" | "late" | "rated";
let made = 0;

/**
 * A study of its own, with three raters of its own, as far as the test needs it:
 * - "systems": the 20 demo cases with the reference, a retrieval baseline ("Zeta retrieval")
 *   and an imported system ("Omega model"); nobody assigned yet;
 * - "assigned": the three raters, 2 per case (40 assignments);
 * - "late": 7 cases imported later ("late-0" ... "late-6"), assigned at once, with a candidate
 *   from every system (27 cases, 18 per rater);
 * - "rated": raters[0] has scored every candidate of every case, and raters[1] one three-candidate
 *   case by system (reference 5, retrieval 1, imported 2 with clinicalUtility empty and a
 *   formula-looking comment).
 */
async function ratingStudy(stage: Stage) {
  const raters: Rater[] = [await quickUser(db, "RATER"), await quickUser(db, "RATER"), await quickUser(db, "RATER")];
  const study = await createStudy(db, admin, { name: `Rating study ${++made}` });
  const studyId = study.id;
  await importCases(db, admin, studyId, { bytes: demoBytes(), fileName: "openi-demo-20.csv", maxBytes: MAX });
  await addRetrievalSystem(db, admin, studyId, { name: "Zeta retrieval", library: null });
  const cases = await db.case.findMany({ where: { studyId }, orderBy: { position: "asc" } });
  const csv =
    "uid,text\n" +
    cases.map((c) => `${c.sourceId},"Model output for case ${c.sourceId}: no acute findings."`).join("\n") +
    "\n";
  await addImportedSystem(db, admin, studyId, {
    name: "Omega model",
    file: { bytes: enc(csv), fileName: "omega.csv", maxBytes: MAX },
  });
  const s = {
    studyId,
    studySeed: study.seed,
    name: study.name,
    raters,
    /** The rater's assignments in this study, in case order. */
    mine: (raterId: string) =>
      db.assignment.findMany({
        where: { raterId, case: { studyId } },
        orderBy: { case: { position: "asc" } },
        include: { case: true },
      }),
    assignmentsByCase: () =>
      db.case.findMany({ where: { studyId }, orderBy: { position: "asc" }, include: { assignments: true } }),
  };
  if (stage === "systems") return s;

  await setStudyRaters(db, admin, studyId, { raterIds: raters.map((x) => x.id), ratersPerCase: 2 });
  await openStudy(db, admin, studyId);
  if (stage === "assigned") return s;

  const rows = Array.from({ length: 7 }, (_, i) =>
    JSON.stringify({ id: `late-${i}`, findings: `Late findings ${i}.`, impression: `Late impression ${i}.` }),
  );
  await importCases(db, admin, studyId, { bytes: enc(rows.join("\n")), fileName: "late.jsonl", maxBytes: MAX });
  const late = await db.case.findMany({ where: { studyId, sourceId: { startsWith: "late-" } } });
  for (const [i, sys] of (await db.system.findMany({ where: { studyId, kind: { not: "REFERENCE" } } })).entries()) {
    await addOutputs(
      db,
      sys.id,
      late.map((c) => ({ caseId: c.id, text: `Late candidate ${i} for ${c.sourceId}.`, provenance: {} })),
    );
  }
  if (stage === "late") return s;

  for (const x of await s.mine(raters[0].id)) {
    const v = await loadCase(db, raters[0].id, x.id);
    for (const c of v.candidates)
      await saveRating(db, raters[0].id, { assignmentId: x.id, handle: c.handle, scores: all(3) });
  }
  const rater = raters[1];
  const a = (await s.mine(rater.id)).find((x) => !x.case.sourceId.startsWith("late-"))!;
  const view = await loadCase(db, rater.id, a.id);
  const behind = await unblind(a.id);
  const bySystem: Record<string, number> = { REFERENCE: 5, RETRIEVAL: 1, IMPORTED: 2 };
  for (const c of view.candidates) {
    const kind = behind.get(c.handle)!.system.kind;
    await saveRating(db, rater.id, {
      assignmentId: a.id,
      handle: c.handle,
      scores: { ...all(bySystem[kind]), clinicalUtility: kind === "IMPORTED" ? null : bySystem[kind] },
      comment: kind === "IMPORTED" ? '=1+2, said "the rater"' : "",
    });
  }
  return s;
}
type RatingStudy = Awaited<ReturnType<typeof ratingStudy>>;

/** Pretends the case was first shown `ms` ago. */
async function shownAgo(assignmentId: string, ms: number) {
  await db.assignment.update({ where: { id: assignmentId }, data: { firstShownAt: new Date(Date.now() - ms) } });
}

function assertSpread(cases: Awaited<ReturnType<RatingStudy["assignmentsByCase"]>>, perCase: number, raters: Rater[]) {
  for (const c of cases) {
    assert.equal(c.assignments.length, perCase, `case ${c.sourceId} has ${c.assignments.length} assignments`);
    assert.equal(new Set(c.assignments.map((a) => a.raterId)).size, perCase, `case ${c.sourceId}: distinct raters`);
  }
  const load = raters.map((r) => cases.reduce((n, c) => n + c.assignments.filter((a) => a.raterId === r.id).length, 0));
  assert.equal(
    load.reduce((a, b) => a + b, 0),
    cases.length * perCase,
  );
  assert.ok(Math.max(...load) - Math.min(...load) <= 1, `loads ${load.join(", ")} differ by more than 1`);
  return load;
}

/** What the server knows behind a rater's handles: handle -> output and system. */
async function unblind(assignmentId: string) {
  const a = await db.assignment.findUniqueOrThrow({ where: { id: assignmentId } });
  const order = a.displayOrder as DisplayEntry[];
  const outputs = await db.output.findMany({
    where: { id: { in: order.map((e) => e.outputId) } },
    include: { system: true },
  });
  const byId = new Map(outputs.map((o) => [o.id, o]));
  return new Map(order.map((e) => [e.handle, byId.get(e.outputId)!]));
}

describe("assignment", () => {
  test("3 raters, 2 per case: every case gets exactly 2, loads differ by at most 1, seeds derive from the study seed", async () => {
    const { studyId, raters, assignmentsByCase, studySeed } = await ratingStudy("systems");
    const r = await setStudyRaters(db, admin, studyId, { raterIds: raters.map((x) => x.id), ratersPerCase: 2 });
    assert.equal(r.created, 40);
    const cases = await assignmentsByCase();
    assert.equal(cases.length, 20);
    assert.deepEqual(assertSpread(cases, 2, raters).sort(), [13, 13, 14]);
    for (const c of cases)
      for (const a of c.assignments) assert.equal(a.seed, assignmentSeed(studySeed, c.id, a.raterId));
    // Again with the same settings: nothing new.
    assert.deepEqual(
      await setStudyRaters(db, admin, studyId, { raterIds: raters.map((x) => x.id), ratersPerCase: 2 }),
      { created: 0 },
    );
    assert.equal(await db.assignment.count({ where: { case: { studyId } } }), 40);
  });

  test("invalid rater settings are refused", async () => {
    const { studyId, raters } = await ratingStudy("assigned");
    const before = await db.assignment.count();
    await assert.rejects(
      setStudyRaters(db, admin, studyId, { raterIds: [raters[0].id], ratersPerCase: 2 }),
      (e) => e instanceof UserInputError && /needs at least 2 raters/.test((e as Error).message),
    );
    await assert.rejects(
      setStudyRaters(db, admin, studyId, { raterIds: [admin.id, raters[0].id], ratersPerCase: 1 }),
      (e) => e instanceof UserInputError && /Only active rater accounts/.test((e as Error).message),
    );
    await assert.rejects(
      setStudyRaters(db, admin, studyId, { raterIds: raters.map((x) => x.id), ratersPerCase: 0 }),
      UserInputError,
    );
    await assert.rejects(
      setStudyRaters(db, admin, studyId, { raterIds: raters.map((x) => x.id), ratersPerCase: 1.5 }),
      UserInputError,
    );
    await assert.rejects(
      setStudyRaters(db, admin, "no-such-study", { raterIds: raters.map((x) => x.id), ratersPerCase: 1 }),
      NotFoundError,
    );
    assert.equal(await db.assignment.count(), before);
    assert.equal((await db.study.findUniqueOrThrow({ where: { id: studyId } })).ratersPerCase, 2);
  });

  test("cases imported later are assigned at once, keeping the spread even", async () => {
    const { studyId, raters, assignmentsByCase, studySeed } = await ratingStudy("assigned");
    const rows = Array.from({ length: 7 }, (_, i) =>
      JSON.stringify({ id: `late-${i}`, findings: `Late findings ${i}.`, impression: `Late impression ${i}.` }),
    );
    const r = await importCases(db, admin, studyId, {
      bytes: enc(rows.join("\n")),
      fileName: "late.jsonl",
      maxBytes: MAX,
    });
    assert.equal(r.status, "imported");
    const cases = await assignmentsByCase();
    assert.equal(cases.length, 27);
    assert.deepEqual(assertSpread(cases, 2, raters), [18, 18, 18]);
    const late = cases.filter((c) => c.sourceId.startsWith("late-"));
    for (const c of late) {
      for (const a of c.assignments) assert.equal(a.seed, assignmentSeed(studySeed, c.id, a.raterId));
    }
    // Until every system has a candidate for them, the late cases are not shown to raters.
    const [first] = late[0].assignments;
    await assert.rejects(loadCase(db, first.raterId, first.id), NotReadyError);
    assert.ok((await raterStudies(db, first.raterId))[0].preparing > 0);
    // The other systems catch up (as a generation would), and the cases become ready.
    for (const [i, s] of (await db.system.findMany({ where: { studyId, kind: { not: "REFERENCE" } } })).entries()) {
      await addOutputs(
        db,
        s.id,
        late.map((c) => ({ caseId: c.id, text: `Late candidate ${i} for ${c.sourceId}.`, provenance: {} })),
      );
    }
    assert.equal((await raterStudies(db, first.raterId))[0].preparing, 0);
  });

  test("raters see their studies with progress", async () => {
    const { studyId, raters, name } = await ratingStudy("late");
    const [s] = await raterStudies(db, raters[0].id);
    assert.deepEqual(s, { id: studyId, name, closed: false, instructions: "", total: 18, done: 0, preparing: 0 });
  });
});

describe("the blinded case view", () => {
  // Display orders computed outside lib/rating/assignment.ts (test/fixtures/oracles/make_shuffle.py:
  // mulberry32 and Fisher-Yates in Python, from their definitions). The stored seeds derive from
  // random ids (checked above against assignmentSeed), so before any case is shown the test below
  // replaces them by the fixture's: case k (by position) gets seed_pairs[k], in rater id order.
  const fixed = oracle("shuffle.json").rating_test as {
    seed_pairs: number[][];
    orders_of_3: Record<string, number[]>;
    cases: number;
    differing: number;
  };

  test("candidates are labelled A, B, C and the view carries no output id, system id, name or kind", async () => {
    const { studyId, raters, mine } = await ratingStudy("late");
    const studyOutputs = await db.output.findMany({ where: { case: { studyId } }, select: { id: true } });
    const systems = await db.system.findMany({ where: { studyId } });
    assert.deepEqual(systems.map((s) => s.kind).sort(), ["IMPORTED", "REFERENCE", "RETRIEVAL"]);
    const forbidden = [
      ...studyOutputs.map((o) => o.id),
      ...systems.flatMap((s) => [s.id, s.name, s.kind]),
      "Reference",
      "Zeta",
      "Omega",
      "RETRIEVAL",
      "IMPORTED",
      "REFERENCE",
    ];
    for (const rater of raters) {
      for (const a of await mine(rater.id)) {
        const view = await loadCase(db, rater.id, a.id);
        assert.deepEqual(
          view.candidates.map((c) => c.label),
          ["A", "B", "C"],
        );
        const json = JSON.stringify(view);
        for (const secret of forbidden)
          assert.ok(!json.includes(secret), `the view of ${a.case.sourceId} for ${rater.email} contains "${secret}"`);
        // Texts: exactly the case's outputs.
        const outputs = await db.output.findMany({ where: { caseId: a.caseId } });
        assert.deepEqual(view.candidates.map((c) => c.text).sort(), outputs.map((o) => o.text).sort());
        assert.equal(view.findings, a.case.findings);
        assert.equal(view.total, 18);
        for (const c of view.candidates) assert.deepEqual(c.scores, all(null));
      }
    }
  });

  test("the display order is stored, stable across loads, seeded per rater, and differs between raters", async () => {
    const { assignmentsByCase } = await ratingStudy("late");
    const unseen = await assignmentsByCase();
    assert.equal(unseen.length, fixed.cases);
    for (const [k, c] of unseen.entries()) {
      assert.deepEqual(
        c.assignments.map((a) => a.displayOrder),
        [[], []],
        "not shown yet",
      );
      const byRater = [...c.assignments].sort((a, b) => (a.raterId < b.raterId ? -1 : 1));
      for (const [r, a] of byRater.entries())
        await db.assignment.update({ where: { id: a.id }, data: { seed: fixed.seed_pairs[k][r] } });
    }
    let compared = 0;
    let differing = 0;
    const cases = await assignmentsByCase();
    for (const c of cases) {
      const orders: string[][] = [];
      for (const a of c.assignments) {
        const first = await loadCase(db, a.raterId, a.id);
        const second = await loadCase(db, a.raterId, a.id);
        assert.deepEqual(second.candidates, first.candidates, "same handles, labels and texts on every load");
        const stored = (await db.assignment.findUniqueOrThrow({ where: { id: a.id } })).displayOrder as DisplayEntry[];
        assert.deepEqual(
          stored.map((e) => e.handle),
          first.candidates.map((x) => x.handle),
          "the order shown is the order stored",
        );
        const outputIds = (await db.output.findMany({ where: { caseId: c.id }, select: { id: true } }))
          .map((o) => o.id)
          .sort();
        const expected = fixed.orders_of_3[String(a.seed)].map((i) => outputIds[i]);
        assert.deepEqual(
          stored.map((e) => e.outputId),
          expected,
          `the order is the seeded shuffle of seed ${a.seed}`,
        );
        assert.ok((await db.assignment.findUniqueOrThrow({ where: { id: a.id } })).firstShownAt instanceof Date);
        orders.push(stored.map((e) => e.outputId));
      }
      if (orders[0].length > 1) {
        compared++;
        if (orders[0].join() !== orders[1].join()) differing++;
      }
    }
    assert.equal(compared, 27, "the 20 cases and the 7 imported later");
    // 23 of the 27 seed pairs give different permutations of three (make_shuffle.py counts them;
    // about 27 × 5/6 = 22.5 are expected of random pairs).
    assert.equal(differing, fixed.differing, "two raters of a case see different orders");
    assert.equal(fixed.differing, 23);
  });

  test("simultaneous first loads (two tabs) agree on one order", async () => {
    const extra = await makeUser(db, "RATER");
    const study = await createStudy(db, admin, { name: "Two tabs" });
    await importCases(db, admin, study.id, {
      bytes: enc("uid,findings,impression\nt1,Clear lungs.,Normal.\n"),
      fileName: "t.csv",
      maxBytes: MAX,
    });
    await addImportedSystem(db, admin, study.id, {
      name: "T1",
      file: { bytes: enc("uid,text\nt1,One.\n"), fileName: "t1.csv", maxBytes: MAX },
    });
    await addImportedSystem(db, admin, study.id, {
      name: "T2",
      file: { bytes: enc("uid,text\nt1,Two.\n"), fileName: "t2.csv", maxBytes: MAX },
    });
    await setStudyRaters(db, admin, study.id, { raterIds: [extra.id], ratersPerCase: 1 });
    await openStudy(db, admin, study.id);
    const a = await db.assignment.findFirstOrThrow({ where: { raterId: extra.id } });
    assert.deepEqual(a.displayOrder, [], "never shown yet");
    const views = await Promise.all(Array.from({ length: 6 }, () => loadCase(db, extra.id, a.id)));
    for (const v of views)
      assert.deepEqual(
        v.candidates.map((c) => c.handle),
        views[0].candidates.map((c) => c.handle),
      );
    const stored = (await db.assignment.findUniqueOrThrow({ where: { id: a.id } })).displayOrder as DisplayEntry[];
    assert.equal(stored.length, 3);
    assert.deepEqual(
      stored.map((e) => e.handle),
      views[0].candidates.map((c) => c.handle),
    );
  });

  test("another rater's assignment, or one that does not exist, is not found", async () => {
    const { studyId, raters, mine } = await ratingStudy("assigned");
    const [a0] = await mine(raters[0].id);
    const view = await loadCase(db, raters[0].id, a0.id);
    const notMine = (e: unknown) => e instanceof NotFoundError && e.message === "No such case in your assignments.";
    await assert.rejects(loadCase(db, raters[1].id, a0.id), notMine);
    await assert.rejects(loadCase(db, admin.id, a0.id), notMine);
    await assert.rejects(loadCase(db, raters[0].id, "no-such-assignment"), notMine);
    await assert.rejects(
      saveRating(db, raters[1].id, { assignmentId: a0.id, handle: view.candidates[0].handle, scores: all(3) }),
      NotFoundError,
    );
    await assert.rejects(
      saveRating(db, raters[0].id, { assignmentId: a0.id, handle: "not-a-handle", scores: all(3) }),
      (e) => e instanceof NotFoundError && /not part of the case any more; reload the page/.test(e.message),
    );
    assert.equal(await db.rating.count({ where: { assignment: { case: { studyId } } } }), 0);
  });

  test("the study's instructions come before a rater's first score, then on every case; not to non-raters", async () => {
    const { studyId, raters, mine } = await ratingStudy("assigned");
    const text = "## How to rate\n\nScore each impression as a report you would sign.";
    await updateStudyTexts(db, admin, studyId, { raterInstructions: text, adminNotes: "Omega is the new model." });
    const [first] = await mine(raters[0].id);
    assert.deepEqual(await resumePoint(db, raters[0].id, studyId), { next: first.id, first: null, instructions: text });
    assert.equal((await loadCase(db, raters[0].id, first.id)).instructions, text);
    const view = await loadCase(db, raters[0].id, first.id);
    await saveRating(db, raters[0].id, { assignmentId: first.id, handle: view.candidates[0].handle, scores: all(4) });
    // Once they have begun, resuming goes straight to the case; the instructions stay on it.
    assert.deepEqual(await resumePoint(db, raters[0].id, studyId), { next: first.id, first: null, instructions: null });
    assert.equal((await loadCase(db, raters[0].id, first.id)).instructions, text);
    // Another rater has not begun: the instructions still come first for them.
    assert.equal((await resumePoint(db, raters[1].id, studyId))?.instructions, text);
    // Without instructions there is nothing to show first; a non-rater gets nothing at all.
    await updateStudyTexts(db, admin, studyId, { raterInstructions: "", adminNotes: "" });
    assert.equal((await resumePoint(db, raters[1].id, studyId))?.instructions, null);
    assert.equal(await resumePoint(db, admin.id, studyId), null);
  });

  test("a rater walks their own cases of one study in order: position, total, previous and next", async () => {
    const a = await ratingStudy("assigned");
    const b = await ratingStudy("systems");
    const [rater, other] = a.raters;
    // The rater has cases in a second study too, and other raters have cases in both.
    await setStudyRaters(db, admin, b.studyId, { raterIds: [rater.id, b.raters[0].id], ratersPerCase: 1 });
    await openStudy(db, admin, b.studyId);
    for (const s of [a, b]) {
      const cases = await s.mine(rater.id);
      assert.ok(cases.length >= 10);
      for (const [i, x] of cases.entries()) {
        const view = await loadCase(db, rater.id, x.id);
        assert.equal(view.index, i + 1);
        assert.equal(view.total, cases.length);
        assert.equal(view.prevId, cases[i - 1]?.id ?? null);
        assert.equal(view.nextId, cases[i + 1]?.id ?? null);
        assert.equal(view.studyId, s.studyId);
      }
    }
    // Each rater's list of studies is their own, with their own counts.
    const mineIn = async (s: RatingStudy, id: string) => (await s.mine(id)).length;
    assert.deepEqual(
      (await raterStudies(db, rater.id)).map((x) => [x.id, x.total, x.done, x.preparing]),
      [
        [a.studyId, await mineIn(a, rater.id), 0, 0],
        [b.studyId, await mineIn(b, rater.id), 0, 0],
      ],
    );
    assert.deepEqual(
      (await raterStudies(db, other.id)).map((x) => [x.id, x.total]),
      [[a.studyId, await mineIn(a, other.id)]],
    );
    assert.deepEqual(await raterStudies(db, b.raters[1].id), []);
  });
});

describe("saving scores", () => {
  test("saving the same input twice, or ten times at once, leaves exactly one Rating row", async () => {
    const { raters, mine } = await ratingStudy("assigned");
    const [a] = await mine(raters[0].id);
    const view = await loadCase(db, raters[0].id, a.id);
    const handle = view.candidates[0].handle;
    const input = { assignmentId: a.id, handle, scores: all(4), comment: "fine", timeSpentMs: 1000 };
    await shownAgo(a.id, 3600_000); // so that the time that really passed does not cap these figures
    assert.deepEqual(await saveRating(db, raters[0].id, input), { complete: false });
    assert.deepEqual(await saveRating(db, raters[0].id, input), { complete: false });
    assert.equal(await db.rating.count({ where: { assignmentId: a.id } }), 1);

    await db.$executeRaw`UPDATE "Rating" SET "updatedAt" = "updatedAt" - interval '1 hour' WHERE "assignmentId" = ${a.id}`;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        saveRating(db, raters[0].id, { ...input, scores: all(1 + (i % 5)), timeSpentMs: 2000 + i }),
      ),
    );
    for (const r of results) assert.equal(r.status, "fulfilled", r.status === "rejected" ? String(r.reason) : "");
    const rows = (await db.rating.findMany({ where: { assignmentId: a.id }, include: SCORES })).map(withScores);
    assert.equal(rows.length, 1);
    // Only grows: at least the first of the burst; at most the largest claim (claims beyond the time
    // that really passed between two saves are cut back to it).
    assert.ok(rows[0].timeSpentMs >= 2000 && rows[0].timeSpentMs <= 2009, `time spent ${rows[0].timeSpentMs}`);
    const after = await loadCase(db, raters[0].id, a.id);
    assert.deepEqual(after.candidates[0].scores, all(rows[0].understandability));
    assert.equal(after.candidates[0].comment, "fine");
  });

  test("time spent grows at most by the time that really passed", async () => {
    const { raters, mine } = await ratingStudy("assigned");
    const [, , a] = await mine(raters[0].id);
    const view = await loadCase(db, raters[0].id, a.id);
    const handle = view.candidates[0].handle;
    const started = Date.now();
    await shownAgo(a.id, 0); // the rater opens the case now
    await saveRating(db, raters[0].id, { assignmentId: a.id, handle, scores: all(3), timeSpentMs: 1e12 });
    const first = await db.rating.findFirstOrThrow({ where: { assignmentId: a.id } });
    assert.ok(first.timeSpentMs <= Date.now() - started + 1000, `a first save counted ${first.timeSpentMs} ms`);
    await saveRating(db, raters[0].id, { assignmentId: a.id, handle, scores: all(4), timeSpentMs: 1e12 });
    const second = await db.rating.findFirstOrThrow({ where: { assignmentId: a.id } });
    assert.ok(
      second.timeSpentMs - first.timeSpentMs <= Date.now() - started + 1000,
      `a second save added ${second.timeSpentMs - first.timeSpentMs} ms`,
    );
    // An hour later (the case shown an hour ago, the rating last saved then), the hour counts.
    await db.$executeRaw`UPDATE "Rating" SET "updatedAt" = "updatedAt" - interval '1 hour' WHERE "assignmentId" = ${a.id}`;
    await saveRating(db, raters[0].id, {
      assignmentId: a.id,
      handle,
      scores: all(4),
      timeSpentMs: second.timeSpentMs + 3000_000,
    });
    assert.equal(
      (await db.rating.findFirstOrThrow({ where: { assignmentId: a.id } })).timeSpentMs,
      second.timeSpentMs + 3000_000,
    );
    // Changed a month after the last save: the elapsed time is far beyond an int of milliseconds.
    await db.$executeRaw`UPDATE "Rating" SET "updatedAt" = "updatedAt" - interval '40 days' WHERE "assignmentId" = ${a.id}`;
    await saveRating(db, raters[0].id, { assignmentId: a.id, handle, scores: all(2), timeSpentMs: 1e12 });
    const later = withScores(await db.rating.findFirstOrThrow({ where: { assignmentId: a.id }, include: SCORES }));
    assert.equal(later.understandability, 2);
    assert.equal(later.timeSpentMs, 24 * 3600 * 1000);
  });

  test("a comment with a NUL or other control character is refused, named, never retried, and nothing is written", async () => {
    // As the rating form's action answers (lib/web/action.ts: callAction): a value, with whether to retry.
    const saveRatingResult = (...args: Parameters<typeof saveRating>) =>
      saveRating(...args).then((r) => ({ ok: true as const, ...r }), failureOf);
    const { raters, mine } = await ratingStudy("assigned");
    const [a] = await mine(raters[0].id);
    const view = await loadCase(db, raters[0].id, a.id);
    const handle = view.candidates[2].handle;
    const before = await db.rating.findMany({ where: { assignmentId: a.id }, orderBy: { id: "asc" } });
    for (const comment of ["a\u0000b", "bell\u0007", "esc\u001b[31m"]) {
      const res = await saveRatingResult(db, raters[0].id, { assignmentId: a.id, handle, scores: all(2), comment });
      assert.equal(res.ok, false);
      assert.ok(!res.ok && res.retry === false, "the form must not retry it");
      assert.match(!res.ok ? res.error : "", /comment/);
    }
    // A NUL in an id reaches the database (ids are not validated beyond their length): still bad input, never retried.
    const nulId = await saveRatingResult(db, raters[0].id, { assignmentId: `${a.id}\u0000`, handle, scores: all(2) });
    assert.deepEqual(nulId, {
      ok: false,
      error: "The input contains a character that cannot be stored (a NUL byte); nothing was changed.",
      retry: false,
    });
    assert.deepEqual(await db.rating.findMany({ where: { assignmentId: a.id }, orderBy: { id: "asc" } }), before);
    // Line breaks and tabs are ordinary text in a note.
    assert.deepEqual(
      await saveRatingResult(db, raters[0].id, {
        assignmentId: a.id,
        handle,
        scores: all(2),
        comment: "line one\n\tline two",
      }),
      { ok: true, complete: false },
    );
  });

  test("scores out of range or not whole numbers are refused with UserInputError", async () => {
    const { raters, mine } = await ratingStudy("assigned");
    const [a] = await mine(raters[0].id);
    const view = await loadCase(db, raters[0].id, a.id);
    const handle = view.candidates[1].handle;
    const before = await db.rating.count();
    for (const bad of [0, 6, -1, 2.5, "3", 100]) {
      await assert.rejects(
        saveRating(db, raters[0].id, { assignmentId: a.id, handle, scores: { ...all(3), coherence: bad as number } }),
        (e) => e instanceof UserInputError && /coherence/i.test((e as Error).message),
        `coherence = ${JSON.stringify(bad)}`,
      );
    }
    await assert.rejects(
      saveRating(db, raters[0].id, { assignmentId: a.id, handle, scores: { ...all(3), beauty: 3 } }),
      (e) => e instanceof UserInputError && e.message === "scores.beauty: not a criterion of this study.",
    );
    await assert.rejects(
      saveRating(db, raters[0].id, { assignmentId: a.id, handle, scores: all(3), timeSpentMs: -1 }),
      UserInputError,
    );
    await assert.rejects(
      saveRating(db, raters[0].id, { assignmentId: a.id, handle, scores: all(3), comment: "x".repeat(2001) }),
      UserInputError,
    );
    assert.equal(await db.rating.count(), before);
  });

  test("rating every candidate completes the assignment and moves the rater on", async () => {
    const { studyId, raters, mine } = await ratingStudy("late");
    const rater = raters[0];
    const [a, b] = await mine(rater.id);
    assert.equal(await nextAssignmentId(db, rater.id, studyId), a.id);
    const view = await loadCase(db, rater.id, a.id);
    assert.equal(view.candidates.length, 3);
    // The first candidate scored already.
    assert.deepEqual(
      await saveRating(db, rater.id, { assignmentId: a.id, handle: view.candidates[0].handle, scores: all(4) }),
      { complete: false },
    );
    // Partly scored: not complete.
    assert.deepEqual(
      await saveRating(db, rater.id, {
        assignmentId: a.id,
        handle: view.candidates[1].handle,
        scores: { ...all(2), relevance: null },
      }),
      { complete: false },
    );
    assert.deepEqual(
      await saveRating(db, rater.id, { assignmentId: a.id, handle: view.candidates[2].handle, scores: all(5) }),
      { complete: false },
    );
    assert.equal((await db.assignment.findUniqueOrThrow({ where: { id: a.id } })).completedAt, null);
    assert.equal(await nextAssignmentId(db, rater.id, studyId), a.id);
    // The last missing score completes it.
    assert.deepEqual(
      await saveRating(db, rater.id, { assignmentId: a.id, handle: view.candidates[1].handle, scores: all(2) }),
      { complete: true },
    );
    const done = await db.assignment.findUniqueOrThrow({ where: { id: a.id } });
    assert.ok(done.completedAt instanceof Date);
    assert.equal(await nextAssignmentId(db, rater.id, studyId), b.id);
    assert.equal((await raterStudies(db, rater.id))[0].done, 1);
    // Saving again keeps the completion time.
    await saveRating(db, rater.id, { assignmentId: a.id, handle: view.candidates[2].handle, scores: all(4) });
    assert.deepEqual((await db.assignment.findUniqueOrThrow({ where: { id: a.id } })).completedAt, done.completedAt);
    // Clearing a score reopens it.
    assert.deepEqual(
      await saveRating(db, rater.id, {
        assignmentId: a.id,
        handle: view.candidates[2].handle,
        scores: { ...all(4), conciseness: null },
      }),
      { complete: false },
    );
    assert.equal(await nextAssignmentId(db, rater.id, studyId), a.id);
    assert.deepEqual(
      await saveRating(db, rater.id, { assignmentId: a.id, handle: view.candidates[2].handle, scores: all(4) }),
      { complete: true },
    );

    // Finishing every case: nothing left.
    const mineAll = await mine(rater.id);
    for (const x of mineAll) {
      const v = await loadCase(db, rater.id, x.id);
      for (const c of v.candidates)
        if (c.scores.understandability === null)
          await saveRating(db, rater.id, { assignmentId: x.id, handle: c.handle, scores: all(3) });
    }
    assert.equal(await nextAssignmentId(db, rater.id, studyId), null);
  });

  test("a rater who has rated cannot be removed from the study", async () => {
    const { studyId, raters, mine } = await ratingStudy("assigned");
    const [a] = await mine(raters[0].id);
    await saveRating(db, raters[0].id, {
      assignmentId: a.id,
      handle: (await loadCase(db, raters[0].id, a.id)).candidates[0].handle,
      scores: all(3),
    });
    const before = await db.assignment.count();
    await assert.rejects(
      setStudyRaters(db, admin, studyId, { raterIds: raters.slice(1).map((r) => r.id), ratersPerCase: 2 }),
      (e) =>
        e instanceof UserInputError &&
        /already rated cases in this study and cannot be removed/.test((e as Error).message),
    );
    assert.equal(await db.assignment.count(), before);
  });
});

describe("results and export", () => {
  // Both tests below only read it.
  const rated = once(() => ratingStudy("rated"));

  test("studyResults: n and mean per system and criterion match the ratings in the database", async () => {
    const { studyId, raters } = await rated();
    const results = await studyResults(db, admin, studyId);
    const ratings = (
      await db.rating.findMany({
        where: { assignment: { case: { studyId } } },
        include: { output: { include: { system: true } }, ...SCORES },
      })
    ).map(withScores);
    assert.equal(results.totalRatings, ratings.length);
    assert.equal(results.systems.length, 3);
    for (const s of results.systems) {
      for (const k of PAPER_KEYS) {
        const values = ratings
          .filter((r) => r.output.systemId === s.systemId)
          .map((r) => r[k])
          .filter((v): v is number => v !== null);
        assert.equal(s.byCriterion[k].n, values.length, `${s.name} ${k} n`);
        const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
        if (mean === null) assert.equal(s.byCriterion[k].mean, null);
        else
          assert.ok(
            Math.abs(s.byCriterion[k].mean! - mean) < 1e-9,
            `${s.name} ${k} mean ${s.byCriterion[k].mean} vs ${mean}`,
          );
      }
    }
    // raters[1]'s scores show up: the only ratings of an IMPORTED output with clinicalUtility null.
    const imported = results.systems.find((s) => s.kind === "IMPORTED")!;
    assert.equal(imported.outputs, 27);
    const byR0 = ratings.filter((r) => r.output.system.kind === "IMPORTED" && r.clinicalUtility !== null).length;
    assert.equal(imported.byCriterion.clinicalUtility.n, byR0);
    assert.equal(imported.byCriterion.coherence.n, byR0 + 1);
    const p1 = results.raters.find((p) => p.raterId === raters[1].id)!;
    assert.equal(p1.email, raters[1].email);
    assert.equal(p1.casesDone, 0, "one candidate lacks a score");
    assert.equal(p1.ratingsDone, 2);
    const p0 = results.raters.find((p) => p.raterId === raters[0].id)!;
    assert.equal(p0.casesDone, p0.cases);
    assert.equal(p0.ratingsDone, p0.ratingsExpected);
  });

  test("studyResults for a study with one rated case: the exact means", async () => {
    const rater = await makeUser(db, "RATER");
    const study = await createStudy(db, admin, { name: "Small results study" });
    await importCases(db, admin, study.id, {
      bytes: enc("uid,findings,impression\nk1,Clear lungs.,Normal.\nk2,Effusion.,Effusion.\n"),
      fileName: "k.csv",
      maxBytes: MAX,
    });
    await addImportedSystem(db, admin, study.id, {
      name: "K model",
      file: { bytes: enc("uid,text\nk1,Normal chest.\nk2,Small effusion.\n"), fileName: "k-out.csv", maxBytes: MAX },
    });
    await setStudyRaters(db, admin, study.id, { raterIds: [rater.id], ratersPerCase: 1 });
    await openStudy(db, admin, study.id);
    for (const a of await db.assignment.findMany({ where: { raterId: rater.id, case: { studyId: study.id } } })) {
      const view = await loadCase(db, rater.id, a.id);
      const behind = await unblind(a.id);
      for (const c of view.candidates) {
        const ref = behind.get(c.handle)!.system.kind === "REFERENCE";
        const k1 = (await db.case.findUniqueOrThrow({ where: { id: a.caseId } })).sourceId === "k1";
        await saveRating(db, rater.id, {
          assignmentId: a.id,
          handle: c.handle,
          scores: all(ref ? (k1 ? 5 : 4) : k1 ? 2 : 1),
        });
      }
    }
    const r = await studyResults(db, admin, study.id);
    const ref = r.systems.find((s) => s.kind === "REFERENCE")!;
    const k = r.systems.find((s) => s.name === "K model")!;
    for (const key of PAPER_KEYS) {
      assert.equal(ref.byCriterion[key].n, 2);
      assert.equal(ref.byCriterion[key].mean, 4.5);
      assert.equal(k.byCriterion[key].n, 2);
      assert.equal(k.byCriterion[key].mean, 1.5);
      assert.deepEqual(k.byCriterion[key].distribution, [1, 1, 0, 0, 0]);
      assert.equal(k.byCriterion[key].cases, 2);
      // Paired with the reference by case: -3 on both cases; two ties, so the exact p is 2/4.
      // Holm over the five criteria: 5 × 0.5, capped at 1.
      assert.deepEqual(k.vsReference![key], {
        cases: 2,
        difference: -3,
        ci95: [-3, -3],
        p: 0.5,
        method: "exact",
        pHolm: 1,
      });
    }
    assert.equal(ref.vsReference, null);

    // The summary export carries the same numbers, one row per system × criterion.
    let csv = "";
    for await (const chunk of exportSummaryCsv(db, admin, study.id)) csv += chunk;
    const [header, ...rows] = csv
      .trim()
      .split("\r\n")
      .map((l) => l.split(","));
    assert.deepEqual(header, [...SUMMARY_COLUMNS]);
    assert.equal(rows.length, 2 * PAPER_KEYS.length);
    const row = Object.fromEntries(
      header.map((h, i) => [h, rows.find((r) => r[1] === "K model" && r[3] === "coherence")![i]]),
    );
    assert.deepEqual(
      [
        row.ratings,
        row.cases,
        row.mean,
        row.scores_1,
        row.scores_2,
        row.vs_reference_difference,
        row.vs_reference_cases,
        row.vs_reference_wilcoxon_p,
        row.vs_reference_p_holm,
        row.vs_reference_p_method,
      ],
      ["2", "2", "1.5", "1", "1", "-3", "2", "0.5", "1", "exact"],
    );
    assert.ok(
      rows.filter((r) => r[2] === "REFERENCE").every((r) => r[header.indexOf("vs_reference_difference")] === ""),
    );
    await assert.rejects(exportSummaryCsv(db, rater, study.id).next(), /Only study admins/);
    assert.equal(r.totalRatings, 4);
    assert.deepEqual(
      r.raters.map((p) => [p.email, p.casesDone, p.cases, p.ratingsDone, p.ratingsExpected]),
      [[rater.email, 2, 2, 4, 4]],
    );
  });

  test("exportRatingsCsv: one row per rating × scored criterion, unblinded, paged without loss", async () => {
    const { studyId, raters, name } = await rated();
    let csv = "";
    for await (const chunk of exportRatingsCsv(db, admin, studyId, 3)) csv += chunk;
    const rows = parseCsv(csv, { columns: false }) as string[][];
    assert.deepEqual(rows[0], [...EXPORT_COLUMNS]);
    const records = rows
      .slice(1)
      .map(
        (r) =>
          Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, r[i]])) as Record<
            (typeof EXPORT_COLUMNS)[number],
            string
          >,
      );

    const ratings = (
      await db.rating.findMany({
        where: { assignment: { case: { studyId } } },
        include: {
          output: { include: { system: true } },
          assignment: { include: { rater: true, case: true } },
          ...SCORES,
        },
      })
    ).map(withScores);
    const expected = ratings.reduce((n, r) => n + PAPER_KEYS.filter((k) => r[k] !== null).length, 0);
    assert.equal(records.length, expected);
    assert.ok(
      ratings.length > 30 && expected >= 4 * ratings.length,
      "the export covers many ratings, most with five scores",
    );
    const seen = new Set<string>();
    for (const rec of records) {
      assert.equal(rec.module, "scores");
      assert.equal(rec.note, "");
      const key = `${rec.rating_id}:${rec.item}`;
      assert.ok(!seen.has(key), `duplicate row ${key}`);
      seen.add(key);
      const r = ratings.find((x) => x.id === rec.rating_id)!;
      assert.ok(r, `rating ${rec.rating_id} exists`);
      assert.equal(rec.study, name);
      assert.equal(rec.system, r.output.system.name);
      assert.equal(rec.system_kind, r.output.system.kind);
      assert.equal(rec.rater_email, r.assignment.rater.email);
      assert.equal(rec.case_source_id, r.assignment.case.sourceId);
      assert.equal(rec.case_position, String(r.assignment.case.position));
      assert.equal(rec.value, String(r[rec.item as PaperKey]));
      const pos = (r.assignment.displayOrder as DisplayEntry[]).findIndex((e) => e.outputId === r.outputId);
      assert.equal(rec.display_position, String(pos + 1));
      assert.equal(rec.display_label, "ABC"[pos]);
    }
    assert.deepEqual(
      new Set(records.map((r) => r.system)),
      new Set(["Reference (radiologist)", "Zeta retrieval", "Omega model"]),
    );
    assert.ok(records.some((r) => r.rater_email === raters[1].email));

    // raters[1]'s formula-looking comment is neutralised, and its quotes survive.
    const commented = records.filter((r) => r.rater_email === raters[1].email && r.system === "Omega model");
    assert.equal(commented.length, 4, "clinicalUtility was left empty: 4 rows");
    for (const r of commented) assert.equal(r.comment, `'=1+2, said "the rater"`);
    assert.ok(csv.includes(`"'=1+2, said ""the rater"""`));
    assert.ok(
      !records.some(
        (r) => r.item === "clinicalUtility" && r.rater_email === raters[1].email && r.system === "Omega model",
      ),
    );
  });

  test("csvField neutralises formulas but leaves numbers alone", () => {
    assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvField("+1"), "'+1");
    assert.equal(csvField("@SUM(A1)"), "'@SUM(A1)");
    assert.equal(csvField("-cmd"), "'-cmd");
    assert.equal(csvField("-3"), "-3");
    assert.equal(csvField(4), "4");
    assert.equal(csvField(null), "");
    assert.equal(csvField("a,b"), '"a,b"');
    assert.equal(csvField("line\nbreak"), '"line\nbreak"');
    assert.equal(csvField(new Date("2026-01-02T03:04:05.000Z")), "2026-01-02T03:04:05.000Z");
  });

  test("exporting an unknown study is a NotFoundError; an unrated study exports just the header", async () => {
    await assert.rejects(exportRatingsCsv(db, admin, "no-such-study").next(), NotFoundError);
    const empty = await createStudy(db, admin, { name: "Unrated" });
    const chunks: string[] = [];
    for await (const c of exportRatingsCsv(db, admin, empty.id)) chunks.push(c);
    assert.deepEqual(chunks, [`${EXPORT_COLUMNS.join(",")}\r\n`]);
  });
});

describe("a system added after rating began", () => {
  test("texts already seen keep their handles; the new candidate lands at a seeded place; finished cases reopen", async () => {
    const { studyId, raters, mine } = await ratingStudy("rated");
    const rater = raters[1];
    const finisher = raters[0];
    assert.equal(await nextAssignmentId(db, finisher.id, studyId), null, "raters[0] had finished every case");
    const finishedBefore = (await raterStudies(db, finisher.id))[0];
    assert.equal(finishedBefore.done, finishedBefore.total);
    const a = await db.assignment.findFirstOrThrow({
      where: { raterId: rater.id, ratings: { some: {} } },
      include: { case: true },
    });
    const before = await loadCase(db, rater.id, a.id);
    const cases = await db.case.findMany({ where: { studyId, sourceId: { not: { startsWith: "late-" } } } });
    const csv = `uid,text\n${cases.map((c) => `${c.sourceId},Late system output ${c.sourceId}.`).join("\n")}`;
    await addImportedSystem(db, admin, studyId, {
      name: "Late model",
      file: { bytes: enc(csv), fileName: "late.csv", maxBytes: MAX },
    });
    const after = await loadCase(db, rater.id, a.id);
    assert.equal(after.candidates.length, before.candidates.length + 1);
    const late = after.candidates.find((c) => c.text === `Late system output ${a.case.sourceId}.`)!;
    assert.ok(late, "the new candidate is shown");
    assert.deepEqual(
      after.candidates.filter((c) => c !== late).map((c) => [c.handle, c.text, c.scores]),
      before.candidates.map((c) => [c.handle, c.text, c.scores]),
    );
    assert.deepEqual(
      after.candidates.map((c) => c.label),
      ["A", "B", "C", "D"],
    );
    assert.deepEqual(
      (await loadCase(db, rater.id, a.id)).candidates.map((c) => c.handle),
      after.candidates.map((c) => c.handle),
      "the order is stored",
    );
    assert.ok(!JSON.stringify(after).includes("Late model"));

    // raters[0] finished everything before "Late model" came: the cases with a new candidate
    // are open again, and the rater is sent back to the first of them.
    const lateCases = new Set(cases.map((c) => c.id));
    const reopened = (await mine(finisher.id)).filter((x) => lateCases.has(x.caseId));
    assert.ok(reopened.length > 0);
    for (const x of reopened) assert.equal(x.completedAt, null, `case ${x.case.sourceId} reopened`);
    for (const x of await mine(finisher.id))
      if (!lateCases.has(x.caseId)) assert.ok(x.completedAt instanceof Date, "cases without a new candidate stay done");
    assert.equal(await nextAssignmentId(db, finisher.id, studyId), reopened[0].id);
    const progress = (await studyResults(db, admin, studyId)).raters.find((p) => p.raterId === finisher.id)!;
    assert.equal(progress.casesDone, progress.cases - reopened.length);
    // Rating the new candidate closes the case again.
    const v = await loadCase(db, finisher.id, reopened[0].id);
    const unrated = v.candidates.filter((c) => c.scores.understandability === null);
    assert.equal(unrated.length, 1);
    assert.match(unrated[0].text, /^Late system output/);
    assert.deepEqual(
      await saveRating(db, finisher.id, { assignmentId: reopened[0].id, handle: unrated[0].handle, scores: all(3) }),
      { complete: true },
    );
  });
});
