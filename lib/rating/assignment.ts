// Who rates which case, and in what order each rater sees the candidates.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../platform/db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { assertAdmin } from "../accounts/access.ts";
import { audit } from "../platform/audit.ts";
import { mulberry32 } from "../platform/random.ts";
import { RATERS_PER_CASE, RATERS_PER_CASE_RULE } from "./raters-per-case.ts";
import { NotFoundError, UserInputError } from "../platform/errors.ts";
import type { Actor } from "../accounts/users.ts";

type Tx = Prisma.TransactionClient;
/** One candidate as shown: `handle` is all the browser ever gets; `outputId` stays on the server. */
export type DisplayEntry = { handle: string; outputId: string };

/** A 31-bit seed from the study's secret seed, the case and the rater: reproducible, unguessable. */
export function assignmentSeed(studySeed: string, caseId: string, raterId: string): number {
  return createHash("sha256").update(`${studySeed}:${caseId}:${raterId}`).digest().readUInt32BE(0) >>> 1;
}

/** The PRNG behind every display order (mulberry32, pinned against Python in the tests). */
export const rng = mulberry32;

export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const next = rng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export const newHandle = () => randomBytes(9).toString("base64url");

/**
 * The order stored with the assignment, extended with outputs that appeared since (a system
 * added later). Before the case was first shown, everything is shuffled together. After, the
 * texts already shown keep their handles and the new ones go to seeded random places, so a
 * late system is not always the last label.
 */
export function extendDisplayOrder(
  current: DisplayEntry[],
  outputIds: string[],
  seed: number,
  shown: boolean,
): DisplayEntry[] {
  const known = new Set(current.map((e) => e.outputId));
  const live = new Set(outputIds);
  const kept = current.filter((e) => live.has(e.outputId));
  const added = [...outputIds]
    .sort()
    .filter((id) => !known.has(id))
    .map((outputId) => ({ handle: newHandle(), outputId }));
  if (added.length === 0 && kept.length === current.length) return current;
  if (!shown)
    return shuffle(
      [...kept, ...added].sort((a, b) => (a.outputId < b.outputId ? -1 : 1)),
      seed,
    );
  const next = rng(seed ^ current.length);
  const order = [...kept];
  for (const entry of added) order.splice(Math.floor(next() * (order.length + 1)), 0, entry);
  return order;
}

/**
 * Candidates whose texts are the same are shown once: every output with a text already in the order
 * takes the handle of the first one, so the rater sees one candidate (at the first one's place) and
 * their answer counts for each system that wrote it. Nothing else marks a shared handle.
 */
export function mergeIdenticalTexts(order: DisplayEntry[], textOf: (outputId: string) => string): DisplayEntry[] {
  const handleOf = new Map<string, string>();
  return order.map((e) => {
    const text = textOf(e.outputId);
    const first = handleOf.get(text);
    if (first) return { ...e, handle: first };
    handleOf.set(text, e.handle);
    return e;
  });
}

/** The candidates the rater sees, in order: one per handle (outputs with the same text share one), at its first place. */
export const candidateEntries = (order: DisplayEntry[]): DisplayEntry[] =>
  order.filter((e, i) => order.findIndex((x) => x.handle === e.handle) === i);

/**
 * Gives every case of the study its N raters (N = ratersPerCase), keeping existing
 * assignments and choosing, for each case, the least-loaded raters not already on it.
 * A practice case goes to every rater (and counts in nobody's load).
 */
export async function spreadAssignments(tx: Tx, studyId: string) {
  const study = await tx.study.findUniqueOrThrow({
    where: { id: studyId },
    include: { raters: { orderBy: { userId: "asc" } } },
  });
  const raterIds = study.raters.map((r) => r.userId);
  if (raterIds.length === 0) return 0;
  const n = Math.min(study.ratersPerCase, raterIds.length);
  const cases = await tx.case.findMany({
    where: { studyId },
    orderBy: { position: "asc" },
    select: { id: true, practice: true, assignments: { select: { raterId: true } } },
  });
  const load = new Map(raterIds.map((id) => [id, 0]));
  for (const c of cases)
    for (const a of c.assignments)
      if (load.has(a.raterId) && !c.practice) load.set(a.raterId, load.get(a.raterId)! + 1);
  const tieOrder = new Map(shuffle(raterIds, assignmentSeed(study.seed, "raters", "")).map((id, i) => [id, i]));
  const rows: Prisma.AssignmentCreateManyInput[] = [];
  for (const c of cases) {
    const onCase = new Set(c.assignments.map((a) => a.raterId).filter((id) => load.has(id)));
    const candidates = raterIds
      .filter((id) => !onCase.has(id))
      .sort((a, b) => load.get(a)! - load.get(b)! || tieOrder.get(a)! - tieOrder.get(b)!);
    for (const raterId of c.practice ? candidates : candidates.slice(0, Math.max(0, n - onCase.size))) {
      rows.push({ caseId: c.id, raterId, seed: assignmentSeed(study.seed, c.id, raterId) });
      if (!c.practice) load.set(raterId, load.get(raterId)! + 1);
    }
  }
  if (rows.length > 0) await tx.assignment.createMany({ data: rows, skipDuplicates: true });
  return rows.length;
}

/** Sets the study's raters and N, then spreads the cases. Raters who already rated something are kept. */
export async function setStudyRaters(
  db: Db,
  actor: Actor,
  studyId: string,
  input: { raterIds: string[]; ratersPerCase: number },
) {
  assertAdmin(actor);
  const n = input.ratersPerCase;
  if (!Number.isInteger(n) || n < RATERS_PER_CASE.min || n > RATERS_PER_CASE.max)
    throw new UserInputError(`Raters per case: ${RATERS_PER_CASE_RULE}`);
  const raterIds = [...new Set(input.raterIds)];
  return db.$transaction(
    async (tx) => {
      const study = await tx.study.findUnique({ where: { id: studyId }, include: { raters: true } });
      if (!study) throw new NotFoundError("No such study.");
      const users = await tx.user.findMany({
        where: { id: { in: raterIds }, role: "RATER", active: true },
        select: { id: true },
      });
      if (users.length !== raterIds.length) throw new UserInputError("Only active rater accounts can be assigned.");
      if (raterIds.length < n)
        throw new UserInputError(`${n} raters per case needs at least ${n} raters; ${raterIds.length} chosen.`);
      const removed = study.raters.map((r) => r.userId).filter((id) => !raterIds.includes(id));
      if (removed.length > 0) {
        const rated = await tx.rating.findFirst({
          where: { assignment: { raterId: { in: removed }, case: { studyId } } },
          include: { assignment: { include: { rater: true } } },
        });
        if (rated)
          throw new UserInputError(
            `${rated.assignment.rater.email} has already rated cases in this study and cannot be removed.`,
          );
        await tx.assignment.deleteMany({ where: { raterId: { in: removed }, case: { studyId } } });
        await tx.studyRater.deleteMany({ where: { studyId, userId: { in: removed } } });
      }
      await tx.study.update({ where: { id: studyId }, data: { ratersPerCase: n } });
      await tx.studyRater.createMany({ data: raterIds.map((userId) => ({ studyId, userId })), skipDuplicates: true });
      const created = await spreadAssignments(tx, studyId);
      await audit(tx, actor.id, "study.assign", "Study", studyId, { raterIds, ratersPerCase: n, removed, created });
      return { created };
    },
    { timeout: 60_000 },
  );
}
