// Setting a study's raters (lib/rating/assignment.ts setStudyRaters): the 1–50 range at its ends,
// removing a rater who has not rated, the load spread after it, and the audit record. Written
// for the survivors of a mutation run (issue 10 point 7).
import { test } from "node:test";
import assert from "node:assert/strict";
import { assignmentSeed, setStudyRaters, shuffle } from "../../lib/rating/assignment.ts";
import { importCases } from "../../lib/studies/import.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { fileDb } from "../helpers/file-db.ts";
import { enc, MAX, quickUser, openStudy } from "../helpers/fixtures.ts";

const t = fileDb();

async function studyOf(cases: number) {
  const admin = await quickUser(t.db, "ADMIN");
  const study = await createStudy(t.db, admin, { name: `Assign ${Math.random()}` });
  const rows = Array.from({ length: cases }, (_, i) => `c${i},Findings ${i}.,Impression ${i}.`).join("\n");
  await importCases(t.db, admin, study.id, {
    bytes: enc(`uid,findings,impression\n${rows}\n`),
    fileName: "c.csv",
    maxBytes: MAX,
  });
  return { admin, study };
}
const loads = async (studyId: string) => {
  const rows = await t.db.assignment.groupBy({ by: ["raterId"], where: { case: { studyId } }, _count: true });
  return new Map(rows.map((r) => [r.raterId, r._count]));
};

test("50 raters per case is allowed, 51 and 0 are refused with the rule, nothing changed", async () => {
  const { admin, study } = await studyOf(1);
  const raters = [];
  for (let i = 0; i < 51; i++) raters.push(await quickUser(t.db, "RATER"));
  const ids = raters.map((r) => r.id);
  for (const n of [51, 0]) {
    await assert.rejects(
      setStudyRaters(t.db, admin, study.id, { raterIds: ids, ratersPerCase: n }),
      /Raters per case: must be a whole number from 1 to 50\./,
    );
  }
  assert.equal(await t.db.assignment.count({ where: { case: { studyId: study.id } } }), 0);
  assert.deepEqual(await setStudyRaters(t.db, admin, study.id, { raterIds: ids, ratersPerCase: 50 }), { created: 50 });
});

test("a rater who has not rated can be removed: their assignments go to the others, evenly, and the audit says so", async () => {
  const { admin, study } = await studyOf(6);
  const [a, b, c] = [await quickUser(t.db, "RATER"), await quickUser(t.db, "RATER"), await quickUser(t.db, "RATER")];
  assert.deepEqual(await setStudyRaters(t.db, admin, study.id, { raterIds: [a.id, b.id, c.id], ratersPerCase: 2 }), {
    created: 12,
  });
  // 6 cases × 2 raters over 3 raters: 4 each.
  assert.deepEqual([...(await loads(study.id)).values()], [4, 4, 4]);
  assert.deepEqual(await setStudyRaters(t.db, admin, study.id, { raterIds: [a.id, b.id], ratersPerCase: 2 }), {
    created: 4,
  });
  const after = await loads(study.id);
  assert.deepEqual([after.get(a.id), after.get(b.id), after.get(c.id)], [6, 6, undefined]);
  assert.deepEqual(
    (await t.db.studyRater.findMany({ where: { studyId: study.id }, orderBy: { userId: "asc" } })).map((r) => r.userId),
    [a.id, b.id].sort(),
  );
  const log = await t.db.auditLog.findFirst({
    where: { action: "study.assign", entityId: study.id },
    orderBy: { id: "desc" },
  });
  assert.deepEqual(log?.data, { raterIds: [a.id, b.id], ratersPerCase: 2, removed: [c.id], created: 4 });
});

test("equal loads are broken by the study's seeded rater order, case by case in position order; other studies untouched", async () => {
  const other = await studyOf(2);
  const { admin, study } = await studyOf(6);
  const raters = [await quickUser(t.db, "RATER"), await quickUser(t.db, "RATER"), await quickUser(t.db, "RATER")];
  // Positions reversed, and raters listed against their id order, so that neither the table's
  // order of cases nor the order the raters were given can pass for the rule.
  const imported = await t.db.case.findMany({ where: { studyId: study.id }, orderBy: { position: "asc" } });
  for (const [i, c] of imported.entries()) await t.db.case.update({ where: { id: c.id }, data: { position: 100 - i } });
  await setStudyRaters(t.db, admin, study.id, { raterIds: raters.map((r) => r.id).reverse(), ratersPerCase: 1 });
  // The tie order is the raters sorted by id, shuffled with the seed of (study seed, "raters", "");
  // shuffle and assignmentSeed are pinned against Python in test/unit/assignment.test.ts.
  const { seed } = await t.db.study.findUniqueOrThrow({ where: { id: study.id } });
  const tieOrder = shuffle(raters.map((r) => r.id).sort(), assignmentSeed(seed, "raters", ""));
  const cases = await t.db.case.findMany({
    where: { studyId: study.id },
    orderBy: { position: "asc" },
    include: { assignments: true },
  });
  assert.deepEqual(
    cases.map((c) => c.assignments.map((a) => a.raterId)),
    [0, 1, 2, 0, 1, 2].map((i) => [tieOrder[i]]),
  );
  assert.equal(await t.db.assignment.count({ where: { case: { studyId: other.study.id } } }), 0);
});

test("removing a rater touches only that rater in this study: the others keep their very assignments, other studies keep theirs", async () => {
  const here = await studyOf(4);
  const there = await studyOf(3);
  const [a, b, c] = [await quickUser(t.db, "RATER"), await quickUser(t.db, "RATER"), await quickUser(t.db, "RATER")];
  await setStudyRaters(t.db, here.admin, here.study.id, { raterIds: [a.id, b.id, c.id], ratersPerCase: 1 });
  await setStudyRaters(t.db, there.admin, there.study.id, { raterIds: [b.id, c.id], ratersPerCase: 1 });
  await openStudy(t.db, there.admin, there.study.id);
  // A rating elsewhere (by c, in the other study) does not stop c's removal here.
  const elsewhere = await t.db.assignment.findFirstOrThrow({
    where: { raterId: c.id, case: { studyId: there.study.id } },
    include: { case: { include: { outputs: true } } },
  });
  await t.db.rating.create({
    data: {
      assignmentId: elsewhere.id,
      outputId: elsewhere.case.outputs[0].id,
      scores: { create: { criterion: "understandability", value: 4 } },
    },
  });
  const keptHere = await t.db.assignment.findMany({
    where: { raterId: { in: [a.id, b.id] }, case: { studyId: here.study.id } },
    orderBy: { id: "asc" },
  });
  const thereBefore = await t.db.assignment.findMany({
    where: { case: { studyId: there.study.id } },
    orderBy: { id: "asc" },
  });
  const membersThere = await t.db.studyRater.findMany({
    where: { studyId: there.study.id },
    orderBy: { userId: "asc" },
  });

  await setStudyRaters(t.db, here.admin, here.study.id, { raterIds: [a.id, b.id], ratersPerCase: 1 });
  const nowHere = await t.db.assignment.findMany({ where: { case: { studyId: here.study.id } } });
  assert.ok(!nowHere.some((x) => x.raterId === c.id), "c has nothing left here");
  for (const k of keptHere)
    assert.ok(
      nowHere.some((x) => x.id === k.id),
      "a kept assignment is the same row",
    );
  assert.deepEqual(
    await t.db.assignment.findMany({ where: { case: { studyId: there.study.id } }, orderBy: { id: "asc" } }),
    thereBefore,
  );
  assert.deepEqual(
    await t.db.studyRater.findMany({ where: { studyId: there.study.id }, orderBy: { userId: "asc" } }),
    membersThere,
  );
  assert.equal(await t.db.rating.count({ where: { assignmentId: elsewhere.id } }), 1);
});
