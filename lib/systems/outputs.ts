import type { Prisma } from "../generated/prisma/client.ts";
import { normalizeText } from "../platform/text.ts";

type Executor = Pick<Prisma.TransactionClient, "$queryRaw">;
export type NewOutput = { caseId: string; text: string; provenance: Prisma.InputJsonValue };

/**
 * The one way candidate texts enter the database, whatever made them: normalised alike,
 * at most one per case × system (a repeat is ignored), and a finished case that gains a
 * candidate is reopened for its raters. One statement, so it is atomic on its own and cheap
 * enough for the generation loop. Returns how many outputs were new.
 */
export async function addOutputs(db: Executor, systemId: string, outputs: NewOutput[]): Promise<number> {
  if (outputs.length === 0) return 0;
  const rows = JSON.stringify(
    outputs.map((o) => ({ caseId: o.caseId, text: normalizeText(o.text), provenance: o.provenance })),
  );
  const [{ created }] = await db.$queryRaw<{ created: number }[]>`
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS x("caseId" text, "text" text, "provenance" jsonb)
    ), inserted AS (
      INSERT INTO "Output" ("id", "caseId", "systemId", "text", "provenance")
      SELECT gen_random_uuid()::text, "caseId", ${systemId}, "text", "provenance" FROM incoming
      ON CONFLICT ("caseId", "systemId") DO NOTHING
      RETURNING "caseId"
    ), reopened AS (
      UPDATE "Assignment" SET "completedAt" = NULL
      WHERE "caseId" IN (SELECT "caseId" FROM inserted) AND "completedAt" IS NOT NULL
    )
    SELECT count(*)::int AS created FROM inserted`;
  return created;
}
