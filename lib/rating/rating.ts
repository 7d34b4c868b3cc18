// The rater's side: their studies, their queue, one case at a time, and saving scores.
// Everything returned here goes to the rater's browser, so it carries texts and opaque
// handles only: never an output id, a system id, a system name or kind.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "../platform/db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { candidateEntries, extendDisplayOrder, mergeIdenticalTexts, type DisplayEntry } from "./assignment.ts";
import { type Criterion, criteriaOf, modulesOf, readDesign, type Scores } from "./design.ts";
import { ANSWER, answerOf, type CandidateAnswer, caseComplete, type Expected, type Modules } from "./answer.ts";
import { ranksProblem } from "./preference.ts";
import { ERROR_CATEGORIES, type ErrorCategory, MAX_ERRORS } from "./clinical-errors.ts";
import { keepsEdit, MAX_EDITED_CHARS, SIGN_OFF_LEVELS, type SignOff } from "./sign-off.ts";
import { NotFoundError, NotReadyError, StudyClosedError, UserInputError } from "../platform/errors.ts";
import { parseInput } from "../platform/validation.ts";

/**
 * Cases whose every system has its output. Raters see only these: a case shown with some
 * candidates missing, or a candidate arriving later, would tell them which text is which.
 */
async function readyCaseIds(db: Db, studyId: string, onlyCase: string | null = null): Promise<Set<string>> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT c."id" FROM "Case" c
    WHERE c."studyId" = ${studyId} AND (${onlyCase}::text IS NULL OR c."id" = ${onlyCase})
      AND (SELECT count(*) FROM "Output" o WHERE o."caseId" = c."id") >= (SELECT count(*) FROM "System" s WHERE s."studyId" = ${studyId})`;
  return new Set(rows.map((r) => r.id));
}

/** A rater's cases in the order they come: the practice cases first, then the study's order. */
const QUEUE = [
  { case: { practice: "desc" } },
  { case: { position: "asc" } },
] as const satisfies Prisma.AssignmentOrderByWithRelationInput[];

type RaterStudy = {
  id: string;
  name: string;
  /** Closed: the rater may look back at their answers, not change them. */
  closed: boolean;
  instructions: string;
  total: number;
  done: number;
  preparing: number;
};

export async function raterStudies(db: Db, raterId: string): Promise<RaterStudy[]> {
  const memberships = await db.studyRater.findMany({
    // A draft is the admins' until it opens.
    where: { userId: raterId, study: { state: { not: "DRAFT" } } },
    include: { study: { select: { id: true, name: true, raterInstructions: true, state: true } } },
    orderBy: { addedAt: "asc" },
  });
  return Promise.all(
    memberships.map(async ({ study }) => {
      const [mine, ready] = await Promise.all([
        db.assignment.findMany({
          where: { raterId, case: { studyId: study.id } },
          select: { caseId: true, completedAt: true },
        }),
        readyCaseIds(db, study.id),
      ]);
      const done = mine.filter((a) => a.completedAt && ready.has(a.caseId)).length;
      // Built field by field: nothing of the study beyond these reaches a rater (admin notes name systems).
      return {
        id: study.id,
        name: study.name,
        closed: study.state === "CLOSED",
        instructions: study.raterInstructions,
        total: mine.length,
        done,
        preparing: mine.filter((a) => !ready.has(a.caseId)).length,
      };
    }),
  );
}

/** Where a rater resumes: the first ready case (in study order) not yet finished, or null. */
export async function nextAssignmentId(db: Db, raterId: string, studyId: string): Promise<string | null> {
  const [open, ready] = await Promise.all([
    db.assignment.findMany({
      where: { raterId, completedAt: null, case: { studyId } },
      orderBy: QUEUE,
      select: { id: true, caseId: true },
    }),
    readyCaseIds(db, studyId),
  ]);
  return open.find((a) => ready.has(a.caseId))?.id ?? null;
}

/**
 * Where a rater picks a study up: the first unfinished case that is ready, or else their first case
 * (to look back at their ratings). Null when they are not a rater of the study. `instructions` are
 * shown before the first case: until the rater has saved a score in the study.
 */
export async function resumePoint(db: Db, raterId: string, studyId: string) {
  const member = await db.studyRater.findUnique({
    where: { studyId_userId: { studyId, userId: raterId } },
    include: { study: { select: { raterInstructions: true, state: true } } },
  });
  if (!member || member.study.state === "DRAFT") return null;
  const next = await nextAssignmentId(db, raterId, studyId);
  if (next) {
    const started = await db.rating.findFirst({
      where: { assignment: { raterId, case: { studyId } } },
      select: { id: true },
    });
    return { next, first: null, instructions: started ? null : member.study.raterInstructions || null };
  }
  // Nothing left to rate: the first case, to look back at the ratings.
  const first = await db.assignment.findFirst({
    where: { raterId, case: { studyId } },
    orderBy: QUEUE,
    select: { id: true },
  });
  return { next: null, first: first?.id ?? null, instructions: null };
}

type CandidateView = CandidateAnswer & {
  handle: string;
  label: string;
  text: string;
  comment: string;
  timeSpentMs: number;
};
export type CaseView = {
  assignmentId: string;
  studyId: string;
  studyName: string;
  /** The study's instructions for raters (Markdown), on demand from every case. */
  instructions: string;
  /** The study's criteria, in order: what each candidate is scored on (none if scores are off). */
  criteria: Criterion[];
  /** What else the study asks per candidate. */
  modules: Modules;
  /** The study is closed: answers are shown, not editable. */
  closed: boolean;
  /** Position among the real cases (or among the practice cases, for one of them). */
  index: number;
  total: number;
  /**
   * A practice case: it counts in no result. Once the rater has answered it, the scores the admin
   * expects for each candidate (by handle) and the admin's note; before, nothing of them.
   */
  practice: { revealed: false } | { revealed: true; note: string; expected: Record<string, Expected["scores"]> } | null;
  findings: string;
  candidates: CandidateView[];
  prevId: string | null;
  nextId: string | null;
};

export const label = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : `Z${i - 25}`);

async function ownAssignment(db: Db, raterId: string, assignmentId: string) {
  const a = await db.assignment.findUnique({
    where: { id: assignmentId },
    include: {
      case: { include: { study: true, outputs: { select: { id: true, text: true, expected: true } } } },
      ratings: { include: ANSWER },
    },
  });
  // Someone else's assignment, or one in a study still in draft, looks exactly like a missing one.
  if (!a || a.raterId !== raterId || a.case.study.state === "DRAFT")
    throw new NotFoundError("No such case in your assignments.");
  return a;
}
type Assignment = Awaited<ReturnType<typeof ownAssignment>>;

/** Fixes the display order (first view, or new candidates since) and returns it. */
async function settleOrder(db: Db, a: Assignment, mergeIdentical: boolean): Promise<DisplayEntry[]> {
  const current = a.displayOrder as DisplayEntry[];
  let order = extendDisplayOrder(
    current,
    a.case.outputs.map((o) => o.id),
    a.seed,
    a.firstShownAt !== null,
  );
  // Merged once, when the case is first shown; a candidate arriving later keeps a handle of its own.
  if (!a.firstShownAt && mergeIdentical) {
    const text = new Map(a.case.outputs.map((o) => [o.id, o.text]));
    order = mergeIdenticalTexts(order, (id) => text.get(id) ?? "");
  }
  if (order !== current || !a.firstShownAt) {
    // Conditional on the order we read: two tabs opening the case at once agree on one order.
    const changed = await db.assignment.updateMany({
      where: { id: a.id, displayOrder: { equals: current } },
      data: { displayOrder: order, firstShownAt: a.firstShownAt ?? new Date() },
    });
    if (changed.count === 0)
      return (await db.assignment.findUniqueOrThrow({ where: { id: a.id } })).displayOrder as DisplayEntry[];
  }
  return order;
}

export async function loadCase(db: Db, raterId: string, assignmentId: string): Promise<CaseView> {
  const a = await ownAssignment(db, raterId, assignmentId);
  if (!(await readyCaseIds(db, a.case.studyId, a.caseId)).has(a.caseId)) throw new NotReadyError(); // this case only: the page is a hot path
  const design = readDesign(a.case.study.design, a.case.study.name);
  const order = await settleOrder(db, a, design.mergeIdentical === true);
  // The case's outputs came with the assignment: every entry of the order is one of them.
  const text = new Map(a.case.outputs.map((o) => [o.id, o.text]));
  const rating = new Map(a.ratings.map((r) => [r.outputId, r]));
  const siblings = await db.assignment.findMany({
    where: { raterId, case: { studyId: a.case.studyId } },
    orderBy: QUEUE,
    select: { id: true, case: { select: { practice: true } } },
  });
  const index = siblings.findIndex((s) => s.id === a.id);
  // Counted among their own kind: "Practice case 1 of 2", then "Case 1 of 20".
  const kind = siblings.filter((s) => s.case.practice === a.case.practice);
  const criteria = criteriaOf(design);
  return {
    assignmentId: a.id,
    studyId: a.case.studyId,
    studyName: a.case.study.name,
    instructions: a.case.study.raterInstructions,
    criteria,
    modules: modulesOf(design),
    closed: a.case.study.state === "CLOSED",
    index: kind.findIndex((s) => s.id === a.id) + 1,
    total: kind.length,
    practice: !a.case.practice
      ? null
      : a.completedAt === null
        ? { revealed: false }
        : {
            revealed: true,
            note: a.case.practiceNote,
            expected: Object.fromEntries(
              candidateEntries(order).map((e) => [
                e.handle,
                (a.case.outputs.find((o) => o.id === e.outputId)?.expected as Expected | null)?.scores ?? {},
              ]),
            ),
          },
    findings: a.case.findings,
    candidates: candidateEntries(order).map((e, i) => {
      const r = rating.get(e.outputId);
      return {
        handle: e.handle,
        label: label(i),
        text: text.get(e.outputId) ?? "",
        ...answerOf(criteria, r),
        comment: r?.comment ?? "",
        timeSpentMs: r?.timeSpentMs ?? 0,
      };
    }),
    prevId: siblings[index - 1]?.id ?? null,
    nextId: siblings[index + 1]?.id ?? null,
  };
}

// PostgreSQL cannot store NUL, and other control characters have no place in a note: refused here
// (a clear, final error), never left to the database (which the form would take for a hiccup).
const note = (max: number) =>
  z
    .string()
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    .regex(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/, "must not contain control characters")
    .default("");

export const ratingInput = z.object({
  assignmentId: z.string().min(1).max(64),
  handle: z.string().min(1).max(64),
  // The candidate's scores as they now stand (a criterion left out has none). Which criteria and
  // scales are allowed is the study's: checked by checkScores once the study is known.
  scores: z.record(z.string().max(40), z.number().int().min(1).max(10).nullable()).default({}),
  // The errors found, in order of entry (the whole list as it now stands), or the word that there are none.
  errors: z
    .array(
      z.strictObject({
        category: z.enum(ERROR_CATEGORIES.map((c) => c.key) as [ErrorCategory, ...ErrorCategory[]]),
        significant: z.boolean(),
        note: note(500),
      }),
    )
    .max(MAX_ERRORS, `at most ${MAX_ERRORS} per candidate`)
    .default([]),
  noErrors: z.boolean().default(false),
  signOff: z
    .enum(SIGN_OFF_LEVELS.map((l) => l.key) as [SignOff, ...SignOff[]])
    .nullable()
    .default(null),
  // The impression as the rater would sign it: kept for minor or major edits only.
  editedText: note(MAX_EDITED_CHARS).nullable().default(null),
  comment: note(2000),
  // Capped rather than refused: a page left open overnight must not cost the rater a score.
  // saveRating caps it again by the time that really passed (the client's clock is not trusted).
  timeSpentMs: z
    .number()
    .int()
    .min(0)
    .default(0)
    .transform((ms) => Math.min(ms, MAX_TIME_MS)),
});

const MAX_TIME_MS = 24 * 3600 * 1000;

/** The scores given, checked against the study's criteria: an unknown criterion is refused, never dropped. */
export function checkScores(criteria: readonly Criterion[], scores: Scores): [string, number][] {
  const problems: string[] = [];
  const given: [string, number][] = [];
  for (const [key, value] of Object.entries(scores)) {
    const c = criteria.find((x) => x.key === key);
    if (!c) problems.push(`scores.${key}: not a criterion of this study.`);
    else if (value !== null && value > c.points) problems.push(`${c.name}: must be 1–${c.points}.`);
    else if (value !== null) given.push([key, value]);
  }
  if (problems.length) throw new UserInputError(problems.join(" "));
  return given;
}

/** The clinical errors given, checked against the study's design. */
function checkErrors(modules: Modules, answer: Pick<CandidateAnswer, "errors" | "noErrors">) {
  if (!modules.errors && (answer.errors.length || answer.noErrors))
    throw new UserInputError("errors: this study does not ask for clinical errors.");
  if (answer.noErrors && answer.errors.length)
    throw new UserInputError("errors: a candidate with errors cannot also have none; remove the errors first.");
}

/** The sign-off given, checked against the design; an edited text only with an edit level. */
function checkSignOff(modules: Modules, answer: Pick<CandidateAnswer, "signOff" | "editedText">) {
  if (!modules.signOff && (answer.signOff !== null || answer.editedText !== null))
    throw new UserInputError("signOff: this study does not ask for a sign-off.");
  if (answer.editedText !== null && !keepsEdit(answer.signOff))
    throw new UserInputError("editedText: an edited impression goes with minor or major edits only.");
}

/**
 * Saves one candidate's answer (scores, errors, sign-off, comment). Idempotent: one row per assignment × candidate, written with
 * INSERT … ON CONFLICT, so double clicks, two tabs and retries update that row, never add one.
 * Returns whether the whole case is now complete.
 */
export async function saveRating(db: Db, raterId: string, input: z.input<typeof ratingInput>) {
  const { assignmentId, handle, scores, errors, noErrors, signOff, editedText, comment, timeSpentMs } = parseInput(
    ratingInput,
    input,
  );
  const a = await ownAssignment(db, raterId, assignmentId);
  const design = readDesign(a.case.study.design, a.case.study.name);
  const [criteria, modules] = [criteriaOf(design), modulesOf(design)];
  const given = checkScores(criteria, scores);
  checkErrors(modules, { errors, noErrors });
  checkSignOff(modules, { signOff, editedText });
  // A candidate shown once for several systems (the same text) is saved for each of them.
  const outputIds = (a.displayOrder as DisplayEntry[]).filter((e) => e.handle === handle).map((e) => e.outputId);
  if (outputIds.length === 0)
    throw new NotFoundError("This candidate is not part of the case any more; reload the page.");
  // A first save cannot count more time than has passed since the case was first shown.
  const shownFor = Math.max(0, Date.now() - (a.firstShownAt?.getTime() ?? Date.now()));
  return db.$transaction(async (tx) => {
    await lockForSave(tx, a);
    for (const outputId of outputIds) {
      // The errors become exactly those given (removed first: a rating saying "no errors" has none).
      await tx.$executeRaw`DELETE FROM "ErrorMark" WHERE "ratingId" IN
        (SELECT "id" FROM "Rating" WHERE "assignmentId" = ${assignmentId} AND "outputId" = ${outputId})`;
      const [{ id }] = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO "Rating" ("id", "assignmentId", "outputId", "comment", "noErrors", "signOff", "editedText", "timeSpentMs", "createdAt", "updatedAt")
        VALUES (${randomUUID()}, ${assignmentId}, ${outputId}, ${comment}, ${noErrors}, ${signOff}::"SignOff", ${editedText},
          ${Math.min(timeSpentMs, shownFor)}, timezone('UTC', clock_timestamp()), timezone('UTC', clock_timestamp()))
        ON CONFLICT ("assignmentId", "outputId") DO UPDATE SET
          "comment" = EXCLUDED."comment", "noErrors" = EXCLUDED."noErrors",
          "signOff" = EXCLUDED."signOff", "editedText" = EXCLUDED."editedText",
          -- grows by at most the time since this rating was last saved: the page cannot have been open longer
          -- (clock_timestamp, not now(): saves queued on the row lock must not see time run backwards)
          -- (in bigint: weeks since the last save would overflow an int; the result is at most 24 h)
          "timeSpentMs" = GREATEST("Rating"."timeSpentMs", LEAST(${timeSpentMs}::bigint, "Rating"."timeSpentMs" + (extract(epoch FROM timezone('UTC', clock_timestamp()) - "Rating"."updatedAt") * 1000)::bigint)::int),
          "updatedAt" = timezone('UTC', clock_timestamp())
        RETURNING "id"`;
      // The scores become exactly those given: a cleared one is removed.
      const keys = given.map(([k]) => k);
      await tx.$executeRaw`DELETE FROM "Score" WHERE "ratingId" = ${id} AND NOT ("criterion" = ANY(${keys}::text[]))`;
      if (given.length)
        await tx.$executeRaw`
          INSERT INTO "Score" ("ratingId", "criterion", "value")
          SELECT ${id}, k, v FROM unnest(${keys}::text[], ${given.map(([, v]) => v)}::int[]) AS t(k, v)
          ON CONFLICT ("ratingId", "criterion") DO UPDATE SET "value" = EXCLUDED."value"`;
      if (errors.length)
        await tx.errorMark.createMany({ data: errors.map((e, i) => ({ ...e, ratingId: id, position: i + 1 })) });
    }
    return settleCompletion(tx, a, criteria, modules);
  });
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Marks the case done or not after a save, and says which. Within the save's transaction. */
async function settleCompletion(tx: Tx, a: Assignment, criteria: Criterion[], modules: Modules) {
  // Complete means every candidate the case has now, not only those in the order last shown.
  const [ratings, outputs] = await Promise.all([
    tx.rating.findMany({ where: { assignmentId: a.id }, include: ANSWER }),
    tx.output.findMany({ where: { caseId: a.caseId }, select: { id: true } }),
  ]);
  // Candidates as shown: outputs sharing a handle are one text; one not yet shown counts alone.
  const handleOf = new Map((a.displayOrder as DisplayEntry[]).map((e) => [e.outputId, e.handle]));
  const candidates = new Set(outputs.map((o) => handleOf.get(o.id) ?? o.id)).size;
  const answers = outputs.map((o) =>
    answerOf(
      criteria,
      ratings.find((x) => x.outputId === o.id),
    ),
  );
  // (An output without a rating has an empty answer, which no active module accepts.)
  const complete = caseComplete(criteria, modules, answers, candidates);
  await tx.assignment.update({
    where: { id: a.id },
    data: { completedAt: complete ? (a.completedAt ?? new Date()) : null },
  });
  return { complete };
}

/** Holds the assignment and the study for a save, and refuses one to a study that is not open. */
async function lockForSave(tx: Tx, a: Assignment) {
  // One save per assignment at a time, so the completeness read sees every rating.
  await tx.$queryRaw`SELECT 1 FROM "Assignment" WHERE "id" = ${a.id} FOR UPDATE`;
  // Orders this save against a change of the study's design or state (which update the row): the
  // database's triggers then see either the rating or the change, never neither.
  const [{ state }] = await tx.$queryRaw<{ state: string }[]>`
    SELECT "state"::text FROM "Study" WHERE "id" = ${a.case.studyId} FOR SHARE`;
  if (state !== "OPEN") throw new StudyClosedError();
}

export const preferenceInput = z.object({
  assignmentId: z.string().min(1).max(64),
  // Every candidate's rank as it now stands (null where none yet), by handle.
  ranks: z.record(z.string().min(1).max(64), z.number().int().min(1).max(100).nullable()),
});

/**
 * Saves the rater's preference for a case: every candidate's rank at once (picking a best one
 * changes them all), on each system's rating (a text shown once counts for each system that wrote
 * it). Idempotent like saveRating. Returns whether the whole case is now complete.
 */
export async function savePreference(db: Db, raterId: string, input: z.input<typeof preferenceInput>) {
  const { assignmentId, ranks } = parseInput(preferenceInput, input);
  const a = await ownAssignment(db, raterId, assignmentId);
  const design = readDesign(a.case.study.design, a.case.study.name);
  const [criteria, modules] = [criteriaOf(design), modulesOf(design)];
  if (!modules.preference) throw new UserInputError("ranks: this study does not ask for a preference.");
  const order = a.displayOrder as DisplayEntry[];
  const handles = [...new Set(candidateEntries(order).map((e) => e.handle))];
  const stray = Object.keys(ranks).find((h) => !handles.includes(h));
  if (stray !== undefined || handles.some((h) => !(h in ranks)))
    throw new NotFoundError("The candidates of this case have changed; reload the page.");
  const problem = ranksProblem(
    modules.preference,
    handles.map((h) => ranks[h]),
  );
  if (problem) throw new UserInputError(`ranks: ${problem}.`);
  return db.$transaction(async (tx) => {
    await lockForSave(tx, a);
    for (const e of order) {
      const rank = ranks[e.handle] ?? null;
      await tx.$executeRaw`
        INSERT INTO "Rating" ("id", "assignmentId", "outputId", "rank", "createdAt", "updatedAt")
        VALUES (${randomUUID()}, ${assignmentId}, ${e.outputId}, ${rank}, timezone('UTC', clock_timestamp()), timezone('UTC', clock_timestamp()))
        ON CONFLICT ("assignmentId", "outputId") DO UPDATE SET
          "rank" = EXCLUDED."rank", "updatedAt" = timezone('UTC', clock_timestamp())`;
    }
    return settleCompletion(tx, a, criteria, modules);
  });
}
