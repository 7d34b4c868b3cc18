// The answer history on a real database: every committed change of an answer is kept with its
// time, by the database whatever wrote it; repeats add nothing; the history export lists them all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCase, saveRating, savePreference } from "../../lib/rating/rating.ts";
import { exportHistoryCsv } from "../../lib/results/history.ts";
import { fileDb } from "../helpers/file-db.ts";
import { designStudy } from "../helpers/design-study.ts";

const t = fileDb();
const DESIGN = {
  scores: { criteria: [{ key: "accuracy", name: "Accuracy", definition: "", points: 5, low: "", high: "" }] },
  errors: {},
  preference: { mode: "BEST" as const },
};

const history = async (ratingId: string) =>
  t.db.answerRevision.findMany({ where: { ratingId }, orderBy: { revision: "asc" } });

test("every change of an answer is kept with its time; a repeated save adds nothing; one save is one revision", async () => {
  const s = await designStudy(t.db, DESIGN);
  const [one] = s.assignments;
  const view = await loadCase(t.db, s.rater.id, one.id);
  const handle = view.candidates[0].handle;
  const save = (
    answer: Parameters<typeof saveRating>[2] extends infer I ? Omit<I & object, "assignmentId" | "handle"> : never,
  ) => saveRating(t.db, s.rater.id, { assignmentId: one.id, handle, ...answer });
  await save({ scores: { accuracy: 3 } });
  // Scores and two errors written in one save: one revision, not one per row.
  await save({
    scores: { accuracy: 4 },
    errors: [
      { category: "MISSED_FINDING", significant: true, note: "effusion" },
      { category: "WRONG_SEVERITY", significant: false, note: "" },
    ],
  });
  await save({
    scores: { accuracy: 4 },
    errors: [
      { category: "MISSED_FINDING", significant: true, note: "effusion" },
      { category: "WRONG_SEVERITY", significant: false, note: "" },
    ],
  }); // the same again (a retry): nothing new
  await save({ scores: { accuracy: null }, noErrors: true, comment: "changed my mind" });
  const rating = await t.db.rating.findFirstOrThrow({ where: { assignmentId: one.id, revisions: { some: {} } } });
  const revisions = await history(rating.id);
  assert.deepEqual(
    revisions.map((r) => r.revision),
    [1, 2, 3],
  );
  assert.deepEqual(
    revisions.map((r) => r.answer),
    [
      {
        scores: [{ criterion: "accuracy", value: 3 }],
        errors: [],
        noErrors: false,
        signOff: null,
        editedText: null,
        rank: null,
        comment: "",
      },
      {
        scores: [{ criterion: "accuracy", value: 4 }],
        errors: [
          { category: "MISSED_FINDING", significant: true, note: "effusion" },
          { category: "WRONG_SEVERITY", significant: false, note: "" },
        ],
        noErrors: false,
        signOff: null,
        editedText: null,
        rank: null,
        comment: "",
      },
      {
        scores: [],
        errors: [],
        noErrors: true,
        signOff: null,
        editedText: null,
        rank: null,
        comment: "changed my mind",
      },
    ],
  );
  for (let i = 1; i < revisions.length; i++) assert.ok(revisions[i].savedAt >= revisions[i - 1].savedAt);
});

test("the database keeps the history whatever writes the answer, and a preference counts for each system of the case", async () => {
  const s = await designStudy(t.db, DESIGN);
  const [one] = s.assignments;
  const view = await loadCase(t.db, s.rater.id, one.id);
  const [a, b] = view.candidates.map((c) => c.handle);
  await savePreference(t.db, s.rater.id, { assignmentId: one.id, ranks: { [a]: 1, [b]: 2 } });
  await savePreference(t.db, s.rater.id, { assignmentId: one.id, ranks: { [a]: 1, [b]: 1 } });
  const ratings = await t.db.rating.findMany({ where: { assignmentId: one.id } });
  assert.equal(ratings.length, 2);
  const ranks = await Promise.all(
    ratings.map(async (r) => (await history(r.id)).map((v) => (v.answer as { rank: number }).rank)),
  );
  assert.deepEqual(ranks.sort(), [[1], [2, 1]].sort(), "the one that changed has two revisions");
  // Written around the application: still kept.
  await t.db.$executeRaw`UPDATE "Rating" SET "comment" = 'edited in SQL' WHERE "id" = ${ratings[0].id}`;
  const last = (await history(ratings[0].id)).at(-1)!;
  assert.equal((last.answer as { comment: string }).comment, "edited in SQL");
  // A change rolled back leaves no trace.
  await assert.rejects(
    t.db.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE "Rating" SET "comment" = 'never committed' WHERE "id" = ${ratings[0].id}`;
      throw new Error("rolled back");
    }),
    /rolled back/,
  );
  assert.equal((await history(ratings[0].id)).at(-1)!.revision, last.revision);
});

test("the history export: one row per answer item per revision, a cleared answer as one empty row", async () => {
  const s = await designStudy(t.db, DESIGN);
  const [one] = s.assignments;
  const view = await loadCase(t.db, s.rater.id, one.id);
  const handle = view.candidates[0].handle;
  const save = (scores: Record<string, number | null>, noErrors: boolean) =>
    saveRating(t.db, s.rater.id, { assignmentId: one.id, handle, scores, noErrors });
  await save({ accuracy: 2 }, true);
  await save({ accuracy: 5 }, true);
  await save({ accuracy: null }, false);
  let csv = "";
  for await (const chunk of exportHistoryCsv(t.db, s.admin, s.id)) csv += chunk;
  const [head, ...rows] = csv.trim().split("\r\n");
  const cols = head.split(",");
  const get = (row: string, col: string) => row.split(",")[cols.indexOf(col)];
  assert.deepEqual(
    rows.map((r) => [get(r, "revision"), get(r, "module"), get(r, "item"), get(r, "value")]),
    [
      ["1", "scores", "accuracy", "2"],
      ["1", "errors", "none", "0"],
      ["2", "scores", "accuracy", "5"],
      ["2", "errors", "none", "0"],
      ["3", "", "", ""],
    ],
  );
  assert.ok(rows.every((r) => get(r, "rater_email") === s.rater.email && get(r, "case_position") === "1"));
  assert.ok(rows.every((r) => !Number.isNaN(Date.parse(get(r, "saved_at")))));
});
