// What the admin reads: progress per rater and the score statistics per system × criterion.
import type { Db } from "../platform/db.ts";
import { assertAdmin } from "../accounts/access.ts";
import { type Criterion, criteriaOf, modulesOf, readDesign } from "../rating/design.ts";
import { ANSWER, answerOf, candidateComplete, type Modules } from "../rating/answer.ts";
import { errorsAnswered } from "../rating/clinical-errors.ts";
import { errorResults, type ErrorsResult } from "./errors.ts";
import { signOffResults, type SignOffResult } from "./sign-off.ts";
import { comparisonsOf, type HeadToHead, headToHead, preferenceRanking, type Strength } from "./preference.ts";
import { NotFoundError } from "../platform/errors.ts";
import {
  compareByCase,
  holm,
  krippendorffAlphaOrdinal,
  summarizeByCase,
  type Comparison,
  type Summary,
} from "./stats.ts";
import type { Actor } from "../accounts/users.ts";
import { isReferenceKind } from "../systems/kinds/reference.ts";

export type RaterProgress = {
  raterId: string;
  email: string;
  casesDone: number;
  cases: number;
  ratingsDone: number;
  ratingsExpected: number;
};
type SystemResult = {
  systemId: string;
  name: string;
  kind: string;
  outputs: number;
  /** By criterion key. */
  byCriterion: Record<string, Summary & { cases: number }>;
  /** Paired by case against the radiologists' reference (null for the reference itself, or without one). */
  vsReference: Record<string, Comparison & { pHolm: number | null }> | null;
  /** Clinical errors, when the study asks for them. */
  errors: ErrorsResult | null;
  /** Sign-off, when the study asks for it. */
  signOff: SignOffResult | null;
  /** Preference, when the study asks for it: the Bradley–Terry strength and the record against each other system. */
  preference: { strength: Strength; headToHead: HeadToHead[] } | null;
};
export type StudyResults = {
  /** The study's criteria, in the design's order. */
  criteria: Criterion[];
  modules: Modules;
  raters: RaterProgress[];
  systems: SystemResult[];
  agreement: Record<string, number | null>;
  totalRatings: number;
};

/** The cases whose answers count: every case but the practice ones. */
export const ratedCases = (studyId: string) => ({ studyId, practice: false });

export async function studyResults(db: Db, actor: Actor, studyId: string): Promise<StudyResults> {
  assertAdmin(actor);
  const study = await db.study.findUnique({
    where: { id: studyId },
    include: { systems: { orderBy: { createdAt: "asc" }, include: { _count: { select: { outputs: true } } } } },
  });
  if (!study) throw new NotFoundError("No such study.");
  const design = readDesign(study.design, study.name);
  const criteria = criteriaOf(design);
  const assignments = await db.assignment.findMany({
    where: { case: ratedCases(studyId) },
    select: {
      raterId: true,
      completedAt: true,
      rater: { select: { email: true } },
      case: { select: { _count: { select: { outputs: true } } } },
    },
  });
  const ratings = await db.rating.findMany({
    where: { assignment: { case: ratedCases(studyId) } },
    select: {
      ...ANSWER,
      noErrors: true,
      signOff: true,
      editedText: true,
      rank: true,
      outputId: true,
      output: { select: { systemId: true, text: true } },
      assignmentId: true,
      assignment: { select: { raterId: true, caseId: true } },
    },
  });

  const raters = new Map<string, RaterProgress>();
  for (const a of assignments) {
    const p = raters.get(a.raterId) ?? {
      raterId: a.raterId,
      email: a.rater.email,
      casesDone: 0,
      cases: 0,
      ratingsDone: 0,
      ratingsExpected: 0,
    };
    p.cases += 1;
    p.casesDone += a.completedAt ? 1 : 0;
    p.ratingsExpected += a.case._count.outputs;
    raters.set(a.raterId, p);
  }
  const scoreOf = (r: (typeof ratings)[number], key: string) => r.scores.find((x) => x.criterion === key)?.value;
  const modules = modulesOf(design);
  const complete = (r: (typeof ratings)[number]) => candidateComplete(criteria, modules, answerOf(criteria, r));
  for (const r of ratings) if (complete(r)) raters.get(r.assignment.raterId)!.ratingsDone += 1;

  const bySystem = new Map<string, typeof ratings>();
  for (const r of ratings) {
    const list = bySystem.get(r.output.systemId);
    if (list) list.push(r);
    else bySystem.set(r.output.systemId, [r]);
  }
  const scores = (systemId: string, k: string) =>
    (bySystem.get(systemId) ?? []).flatMap((r) => {
      const score = scoreOf(r, k);
      return score === undefined ? [] : [{ caseId: r.assignment.caseId, score }];
    });
  const reference = study.systems.find((s) => isReferenceKind(s.kind));
  const systemIds = study.systems.map((s) => s.id);
  const comparisons = modules.preference
    ? comparisonsOf(
        modules.preference,
        ratings.map((r) => ({
          assignmentId: r.assignmentId,
          caseId: r.assignment.caseId,
          systemId: r.output.systemId,
          rank: r.rank,
        })),
      )
    : [];
  const ranking = modules.preference ? preferenceRanking(systemIds, comparisons) : [];
  const records = headToHead(systemIds, comparisons);
  const systems = study.systems.map((s) => {
    const byCriterion = Object.fromEntries(
      criteria.map((c) => [c.key, summarizeByCase(scores(s.id, c.key), c.points)]),
    ) as SystemResult["byCriterion"];
    const vsReference =
      reference && reference.id !== s.id
        ? (Object.fromEntries(
            criteria.map(({ key }) => [
              key,
              { ...compareByCase(scores(s.id, key), scores(reference.id, key)), pHolm: null },
            ]),
          ) as SystemResult["vsReference"])
        : null;
    const reports = (bySystem.get(s.id) ?? []).filter((r) => errorsAnswered(r));
    return {
      systemId: s.id,
      name: s.name,
      kind: s.kind,
      outputs: s._count.outputs,
      byCriterion,
      vsReference,
      errors: modules.errors
        ? errorResults(reports.map((r) => ({ caseId: r.assignment.caseId, errors: r.errors })))
        : null,
      signOff: modules.signOff
        ? signOffResults(
            (bySystem.get(s.id) ?? []).flatMap((r) =>
              r.signOff
                ? [
                    {
                      caseId: r.assignment.caseId,
                      signOff: r.signOff,
                      original: r.output.text,
                      editedText: r.editedText,
                    },
                  ]
                : [],
            ),
          )
        : null,
      preference: modules.preference
        ? { strength: ranking.find((x) => x.systemId === s.id)!, headToHead: records.get(s.id)! }
        : null,
    } satisfies SystemResult;
  });
  // The study's family of tests: every system against the reference on every criterion.
  const family = systems.flatMap((s) => (s.vsReference ? criteria.map((c) => s.vsReference![c.key]) : []));
  for (const [i, p] of holm(family.map((c) => c.p)).entries()) family[i].pHolm = p;

  // Agreement: each output rated by several raters is one unit.
  const agreement = Object.fromEntries(
    criteria.map(({ key }) => {
      const units = new Map<string, number[]>();
      for (const r of ratings) {
        const v = scoreOf(r, key);
        if (v !== undefined) units.set(r.outputId, [...(units.get(r.outputId) ?? []), v]);
      }
      return [key, krippendorffAlphaOrdinal([...units.values()])];
    }),
  );

  return {
    criteria,
    modules,
    raters: [...raters.values()].sort((a, b) => a.email.localeCompare(b.email)),
    systems,
    agreement,
    totalRatings: ratings.length,
  };
}
