// What adding any system shares: its name rule, the study's cases, and the one transaction that
// stores a new system with its first outputs.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Actor } from "../accounts/users.ts";
import type { SystemKind } from "../generated/prisma/enums.ts";
import { audit } from "../platform/audit.ts";
import type { Db } from "../platform/db.ts";
import { NotFoundError, UserInputError } from "../platform/errors.ts";
import { addOutputs, type NewOutput } from "./outputs.ts";

export const systemName = z.string().trim().min(1, "Give the system a name.").max(120);

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export async function studyCases(db: Db, studyId: string) {
  const study = await db.study.findUnique({ where: { id: studyId }, select: { id: true } });
  if (!study) throw new NotFoundError("No such study.");
  const cases = await db.case.findMany({
    where: { studyId },
    orderBy: { position: "asc" },
    select: { id: true, sourceId: true, findings: true, referenceImpression: true },
  });
  if (cases.length === 0) throw new UserInputError("Import cases into the study first.");
  return cases;
}

export async function assertStudy(db: Db, studyId: string) {
  if (!(await db.study.findUnique({ where: { id: studyId }, select: { id: true } })))
    throw new NotFoundError("No such study.");
}

type NewSystem = { name: string; kind: SystemKind; config: object; provenance: object };

export async function saveSystem(db: Db, actor: Actor, studyId: string, system: NewSystem, outputs: NewOutput[]) {
  return db.$transaction(
    async (tx) => {
      // One new system per study at a time, so a double submit gets the message below, not a unique-index error.
      await tx.$queryRaw`SELECT 1 FROM "Study" WHERE "id" = ${studyId} FOR UPDATE`;
      if (await tx.system.findUnique({ where: { studyId_name: { studyId, name: system.name } } })) {
        throw new UserInputError(`The study already has a system named "${system.name}".`);
      }
      const created = await tx.system.create({ data: { studyId, ...system } });
      await addOutputs(tx, created.id, outputs);
      await audit(tx, actor.id, "system.create", "System", created.id, {
        studyId,
        name: system.name,
        kind: system.kind,
        outputs: outputs.length,
      });
      return created;
    },
    { timeout: 120_000 },
  );
}
