// Practice cases: the admin picks cases every rater answers first, and the scores they expect for
// each candidate; raters see those after answering. Their answers count in no result or export
// (lib/results filters them out: RATED_CASE). Which cases are practice is fixed once a rating exists
// (the database holds that too); the expected scores and notes can be corrected later.
import { z } from "zod";
import type { Db } from "../platform/db.ts";
import { assertAdmin } from "../accounts/access.ts";
import { audit } from "../platform/audit.ts";
import { NotFoundError, UserInputError } from "../platform/errors.ts";
import { parseInput } from "../platform/validation.ts";
import { spreadAssignments } from "../rating/assignment.ts";
import { criteriaOf, readDesign } from "../rating/design.ts";
import type { Actor } from "../accounts/users.ts";

export const MAX_PRACTICE_CASES = 10;

export const practiceInput = z.object({
  cases: z
    .array(
      z.object({
        position: z.number().int().min(1),
        note: z.string().trim().max(2000, "must be at most 2000 characters").default(""),
        // By output id: the expected score per criterion (left out or null: none expected).
        expected: z.record(z.string(), z.record(z.string(), z.number().int().nullable())).default({}),
      }),
    )
    .max(MAX_PRACTICE_CASES, `a study has at most ${MAX_PRACTICE_CASES} practice cases`),
});

/** The practice cases for the editor, with their outputs (unblinded: admins only), and how many cases there are. */
export async function practiceSetup(db: Db, actor: Actor, studyId: string) {
  assertAdmin(actor);
  const study = await db.study.findUnique({ where: { id: studyId }, select: { name: true, design: true } });
  if (!study) throw new NotFoundError("No such study.");
  const [cases, ratings, total] = await Promise.all([
    db.case.findMany({
      where: { studyId, practice: true },
      orderBy: { position: "asc" },
      select: {
        id: true,
        position: true,
        sourceId: true,
        findings: true,
        practice: true,
        practiceNote: true,
        outputs: {
          orderBy: { system: { createdAt: "asc" } },
          select: { id: true, text: true, expected: true, system: { select: { name: true } } },
        },
      },
    }),
    db.rating.count({ where: { assignment: { case: { studyId } } } }),
    db.case.count({ where: { studyId } }),
  ]);
  return { criteria: criteriaOf(readDesign(study.design, study.name)), locked: ratings > 0, cases, total };
}

/**
 * Sets which cases are practice, with a note and the expected scores for each (audited). Every rater
 * of the study gets every practice case. Refused, naming the field, when a case or output is not the
 * study's or a score is off its criterion's scale; a changed set of practice cases is refused once
 * raters have saved ratings.
 */
export async function setPractice(db: Db, actor: Actor, studyId: string, input: z.input<typeof practiceInput>) {
  assertAdmin(actor);
  const { cases } = parseInput(practiceInput, input);
  return db.$transaction(
    async (tx) => {
      const [study] = await tx.$queryRaw<{ name: string; design: unknown }[]>`
        SELECT "name", "design" FROM "Study" WHERE "id" = ${studyId} FOR UPDATE`;
      if (!study) throw new NotFoundError("No such study.");
      const criteria = criteriaOf(readDesign(study.design, study.name));
      const all = await tx.case.findMany({
        where: { studyId },
        select: { id: true, position: true, practice: true, outputs: { select: { id: true } } },
      });
      const byPosition = new Map(all.map((c) => [c.position, c]));
      const problems: string[] = [];
      for (const c of cases) {
        const known = byPosition.get(c.position);
        if (!known) {
          problems.push(`Practice case ${c.position}: the study has cases 1–${all.length}.`);
          continue;
        }
        for (const [outputId, scores] of Object.entries(c.expected)) {
          if (!known.outputs.some((o) => o.id === outputId))
            problems.push(`Case ${known.position}, expected: ${outputId} is not a candidate of this case.`);
          for (const [key, value] of Object.entries(scores)) {
            const criterion = criteria.find((x) => x.key === key);
            if (!criterion) problems.push(`Case ${known.position}, expected ${key}: not a criterion of this study.`);
            else if (value !== null && (value < 1 || value > criterion.points))
              problems.push(`Case ${known.position}, expected ${criterion.name}: must be 1–${criterion.points}.`);
          }
        }
      }
      if (new Set(cases.map((c) => c.position)).size !== cases.length)
        problems.push("A practice case is listed twice.");
      if (cases.length > 0 && cases.length >= all.length)
        problems.push("At least one case must be left to rate for the results.");
      if (problems.length) throw new UserInputError(problems.join(" "));

      const chosen = new Set(cases.map((c) => byPosition.get(c.position)!.id));
      const changed = all.filter((c) => c.practice !== chosen.has(c.id));
      if (changed.length > 0) {
        const ratings = await tx.rating.count({ where: { assignment: { case: { studyId } } } });
        if (ratings > 0)
          throw new UserInputError(
            `Practice cases are fixed: raters have saved ${ratings === 1 ? "a rating" : `${ratings} ratings`} in this study. The notes and expected scores can still change.`,
            409,
          );
        // No answer exists: the changed cases are given out again (practice to every rater).
        await tx.assignment.deleteMany({ where: { caseId: { in: changed.map((c) => c.id) } } });
        await tx.case.updateMany({
          where: { id: { in: changed.map((c) => c.id) } },
          data: { practice: false },
        });
        await tx.case.updateMany({ where: { id: { in: [...chosen] } }, data: { practice: true } });
      }
      await tx.case.updateMany({ where: { studyId, id: { notIn: [...chosen] } }, data: { practiceNote: "" } });
      await tx.$executeRaw`
        UPDATE "Output" o SET "expected" = NULL FROM "Case" k WHERE o."caseId" = k."id" AND k."studyId" = ${studyId}`;
      for (const c of cases) {
        await tx.case.update({ where: { id: byPosition.get(c.position)!.id }, data: { practiceNote: c.note } });
        for (const [outputId, scores] of Object.entries(c.expected)) {
          const given = Object.fromEntries(Object.entries(scores).filter(([, v]) => v !== null));
          await tx.output.update({ where: { id: outputId }, data: { expected: { scores: given } } });
        }
      }
      const created = changed.length > 0 ? await spreadAssignments(tx, studyId) : 0;
      await audit(tx, actor.id, "study.practice", "Study", studyId, { cases, created });
      return { practice: cases.length };
    },
    { timeout: 60_000 },
  );
}
