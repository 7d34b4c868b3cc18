import type { Prisma } from "./generated/prisma/client.ts";
import { normalizeText } from "./text.ts";

type Tx = Prisma.TransactionClient;
export type NewOutput = { caseId: string; text: string; provenance: Prisma.InputJsonValue };

/**
 * The one way candidate texts enter the database, whatever made them: normalised alike,
 * at most one per case × system (a repeat is ignored), and a finished case that gains a
 * candidate is reopened for its raters. Returns how many were new.
 */
export async function addOutputs(tx: Tx, systemId: string, outputs: NewOutput[]): Promise<number> {
  if (outputs.length === 0) return 0;
  const created = await tx.output.createManyAndReturn({
    data: outputs.map((o) => ({ systemId, caseId: o.caseId, text: normalizeText(o.text), provenance: o.provenance })),
    skipDuplicates: true,
    select: { caseId: true },
  });
  if (created.length > 0) {
    await tx.assignment.updateMany({ where: { caseId: { in: created.map((o) => o.caseId) }, completedAt: { not: null } }, data: { completedAt: null } });
  }
  return created.length;
}
