import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "../platform/db.ts";
import { assertAdmin } from "../accounts/access.ts";
import { audit } from "../platform/audit.ts";
import { isUniqueViolation, NotFoundError, UserInputError } from "../platform/errors.ts";
import { parseInput } from "../platform/validation.ts";
import { referenceSystem } from "../systems/kinds/reference.ts";
import type { Actor } from "../accounts/users.ts";
import type { StudyState } from "../generated/prisma/enums.ts";
import { RATERS_PER_CASE, RATERS_PER_CASE_RULE } from "../rating/raters-per-case.ts";
import { checkDesign, defaultDesign, type Design, keysForNewCriteria, readDesign } from "../rating/design.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: PostgreSQL cannot store a NUL
const NO_NUL = /^[^\u0000]*$/;

export const studyInput = z.object({
  name: z.string().trim().min(1, "Give the study a name.").max(200).regex(NO_NUL, "must not contain a NUL character."),
  raterInstructions: z
    .string()
    .trim()
    .max(10_000, "at most 10,000 characters.")
    .regex(NO_NUL, "must not contain a NUL character.")
    .default(""),
  adminNotes: z
    .string()
    .trim()
    .max(10_000, "at most 10,000 characters.")
    .regex(NO_NUL, "must not contain a NUL character.")
    .default(""),
  ratersPerCase: z.coerce
    .number()
    .int(RATERS_PER_CASE_RULE)
    .min(RATERS_PER_CASE.min, RATERS_PER_CASE_RULE)
    .max(RATERS_PER_CASE.max, RATERS_PER_CASE_RULE)
    .default(1),
});

export const STUDY_LABELS = {
  name: "Name",
  raterInstructions: "Instructions for raters",
  adminNotes: "Notes for admins",
  ratersPerCase: "Raters per case",
};

/** A new study, a draft, with the reference as its first system and the rating design given (or the paper's). */
export async function createStudy(db: Db, actor: Actor, input: z.input<typeof studyInput>, designInput?: unknown) {
  assertAdmin(actor);
  const data = parseInput(studyInput, input, STUDY_LABELS);
  const design = designInput === undefined ? defaultDesign() : checkDesign(keysForNewCriteria(designInput));
  const exists = new UserInputError(`A study named "${data.name}" already exists.`);
  return db
    .$transaction(async (tx) => {
      if (await tx.study.findUnique({ where: { name: data.name } })) throw exists;
      const study = await tx.study.create({
        data: { ...data, design, seed: randomBytes(8).toString("hex") },
      });
      await tx.system.create({ data: { studyId: study.id, ...referenceSystem } });
      await audit(tx, actor.id, "study.create", "Study", study.id, { ...data, design });
      return study;
    })
    .catch((e) => Promise.reject(isUniqueViolation(e) ? exists : e));
}

export const studyTextsInput = studyInput.pick({ raterInstructions: true, adminNotes: true });

/** Rewrites what raters read and the admins' notes (audited: raters may have read the old text). */
export async function updateStudyTexts(db: Db, actor: Actor, studyId: string, input: z.input<typeof studyTextsInput>) {
  assertAdmin(actor);
  const data = parseInput(studyTextsInput, input, STUDY_LABELS);
  return db.$transaction(async (tx) => {
    const study = await tx.study.updateMany({ where: { id: studyId }, data });
    if (study.count === 0) throw new NotFoundError("No such study.");
    await audit(tx, actor.id, "study.texts", "Study", studyId, data);
    return data;
  });
}

/** The study's design, and why it can no longer change (null while it can). */
export async function studyDesign(db: Db, actor: Actor, studyId: string) {
  assertAdmin(actor);
  const study = await db.study.findUnique({ where: { id: studyId }, select: { name: true, design: true } });
  if (!study) throw new NotFoundError("No such study.");
  return { design: readDesign(study.design, study.name), locked: await designLock(db, studyId) };
}

async function designLock(db: Pick<Db, "rating">, studyId: string): Promise<string | null> {
  const ratings = await db.rating.count({ where: { assignment: { case: { studyId } } } });
  if (ratings === 0) return null;
  return `The rating design is locked: raters have saved ${ratings === 1 ? "a rating" : `${ratings} ratings`} in this study, and a changed question would change what those answers mean.`;
}

/**
 * Replaces the design (audited), while no rating exists; the database holds the lock too.
 * A criterion without a key is new: it gets one from its name.
 */
export async function updateDesign(db: Db, actor: Actor, studyId: string, input: unknown): Promise<Design> {
  assertAdmin(actor);
  const design = checkDesign(keysForNewCriteria(input));
  return db.$transaction(async (tx) => {
    // The row lock orders this against a first rating's save, which the database's trigger checks.
    const [study] = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Study" WHERE "id" = ${studyId} FOR UPDATE`;
    if (!study) throw new NotFoundError("No such study.");
    const locked = await designLock(tx, studyId);
    if (locked) throw new UserInputError(locked, 409);
    await tx.study.update({ where: { id: studyId }, data: { design } });
    await audit(tx, actor.id, "study.design", "Study", studyId, design);
    return design;
  });
}

const MOVES: Record<string, { from: StudyState; action: string }> = {
  OPEN: { from: "DRAFT", action: "study.open" },
  CLOSED: { from: "OPEN", action: "study.close" },
};

/**
 * Moves a study along its life: a draft opens to its raters, an open study closes (answers become
 * read-only, the results final), a closed one reopens. Each move is audited.
 */
export async function setStudyState(db: Db, actor: Actor, studyId: string, to: StudyState) {
  assertAdmin(actor);
  return db.$transaction(async (tx) => {
    const [study] = await tx.$queryRaw<{ state: StudyState; name: string }[]>`
      SELECT "state", "name" FROM "Study" WHERE "id" = ${studyId} FOR UPDATE`;
    if (!study) throw new NotFoundError("No such study.");
    const reopen = to === "OPEN" && study.state === "CLOSED";
    const move = MOVES[to];
    if (!reopen && (!move || move.from !== study.state))
      throw new UserInputError(
        `Study "${study.name}" is ${study.state.toLowerCase()}: it cannot become ${to.toLowerCase()}.`,
        409,
      );
    await tx.study.update({ where: { id: studyId }, data: { state: to } });
    await audit(tx, actor.id, reopen ? "study.reopen" : move.action, "Study", studyId, { from: study.state, to });
    return to;
  });
}

export async function listStudies(db: Db, actor: Actor) {
  assertAdmin(actor);
  return db.study.findMany({
    orderBy: { createdAt: "desc" },
    include: { _count: { select: { cases: true, systems: true, raters: true } } },
  });
}

export async function getStudy(db: Db, actor: Actor, studyId: string) {
  assertAdmin(actor);
  const study = await db.study.findUnique({
    where: { id: studyId },
    include: {
      systems: { orderBy: { createdAt: "asc" }, include: { _count: { select: { outputs: true } } } },
      raters: { include: { user: { select: { id: true, email: true, name: true } } }, orderBy: { addedAt: "asc" } },
      _count: { select: { cases: true } },
    },
  });
  if (!study) throw new NotFoundError("No such study.");
  return study;
}
