// Systems are the sources of candidate impressions, one kind each (kinds/). This module is the
// area's door: adding a system of any kind, completing one, and what the admin checks.
import { z } from "zod";
import type { Actor } from "../accounts/users.ts";
import { assertAdmin } from "../accounts/access.ts";
import { audit } from "../platform/audit.ts";
import type { Db } from "../platform/db.ts";
import { NotFoundError, UserInputError } from "../platform/errors.ts";
import { parseInput } from "../platform/validation.ts";
import type { SystemKind } from "../generated/prisma/enums.ts";
import { ALL_KINDS, kindOf } from "./kinds/index.ts";
import { addOutputs } from "./outputs.ts";
import type { FileInput } from "../platform/validation.ts";

export { addImportedSystem } from "./kinds/imported.ts";
export { addLlamaSystem, buildLlamaConfig } from "./kinds/llama.ts";
export { addOpenAiSystem, buildOpenAiConfig } from "./kinds/openai.ts";
export { addRetrievalSystem } from "./kinds/retrieval.ts";
export { previewPrompt } from "./prompt-preview.ts";
export { describeSystem } from "./kinds/index.ts";

const ADDABLE = ALL_KINDS.flatMap((k) => (k.adding ? [{ kind: k.kind, ...k.adding }] : []));

/** The choices of the "Add a system" form, in the registry's order. */
export const addChoices = () =>
  ADDABLE.map(({ kind, choice, form, defaultName }) => ({ kind, choice, form, defaultName }));

const addableKind = z.object({
  kind: z.custom<SystemKind>(
    (v) => ADDABLE.some((a) => a.kind === v),
    `must be one of ${ADDABLE.map((a) => a.kind).join(", ")}.`,
  ),
});

/** Adds a system of the kind the form names, from the form's fields (each kind checks its own). */
export async function addSystem(db: Db, actor: Actor, studyId: string, fields: unknown) {
  assertAdmin(actor);
  const { kind } = parseInput(addableKind, fields, { kind: "Kind" });
  return kindOf(kind).adding!.add(db, actor, studyId, fields);
}

/**
 * Outputs for the cases a system has none for (cases imported after the system was added:
 * raters cannot see those cases until every system has its candidate), as its kind makes them.
 * Existing outputs are never changed — raters may have seen them. All or nothing.
 */
export async function completeSystem(db: Db, actor: Actor, studyId: string, systemId: string, file: FileInput | null) {
  assertAdmin(actor);
  const system = await db.system.findFirst({ where: { id: systemId, studyId } });
  if (!system) throw new NotFoundError("No such system in this study.");
  const { completion } = kindOf(system.kind);
  if (!("action" in completion)) throw new UserInputError(completion.refusal);
  const missing = await db.case.findMany({
    where: { studyId, outputs: { none: { systemId } } },
    orderBy: { position: "asc" },
    select: { id: true, sourceId: true, findings: true },
  });
  if (missing.length === 0) throw new UserInputError(`Every case already has an output from ${system.name}.`);
  const outputs = await completion.outputs(db, system, missing, file);
  return db.$transaction(async (tx) => {
    // One completion of a system at a time; what another added meanwhile is not added twice.
    await tx.$queryRaw`SELECT 1 FROM "System" WHERE "id" = ${systemId} FOR UPDATE`;
    const open = new Set(
      (await tx.case.findMany({ where: { studyId, outputs: { none: { systemId } } }, select: { id: true } })).map(
        (c) => c.id,
      ),
    );
    const fresh = outputs.filter((o) => open.has(o.caseId));
    if (fresh.length === 0) throw new UserInputError(`Every case already has an output from ${system.name}.`);
    const added = await addOutputs(tx, systemId, fresh);
    await audit(tx, actor.id, "system.complete", "System", systemId, { studyId, added });
    return { added, stillMissing: open.size - added };
  });
}

/** One system of a study with its outputs in case order: what the admin checks before raters see them. */
export async function systemWithOutputs(db: Db, actor: Actor, studyId: string, systemId: string) {
  assertAdmin(actor);
  const system = await db.system.findFirst({
    where: { id: systemId, studyId },
    include: { study: { select: { name: true } } },
  });
  if (!system) throw new NotFoundError("No such system in this study.");
  const outputs = await db.output.findMany({
    where: { systemId },
    include: { case: { select: { position: true, sourceId: true, findings: true } } },
    orderBy: { case: { position: "asc" } },
  });
  const { label, outputFacts } = kindOf(system.kind);
  return {
    system: { ...system, label },
    outputs: outputs.map((o) => ({ ...o, warning: outputFacts(o.provenance).warning ?? null })),
  };
}
