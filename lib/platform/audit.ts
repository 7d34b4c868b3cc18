import type { Prisma } from "../generated/prisma/client.ts";

type Tx = Pick<Prisma.TransactionClient, "auditLog">;

/** Appends to the audit log inside the caller's transaction, so the record and the change land together. */
export function audit(
  tx: Tx,
  actorId: string | null,
  action: string,
  entity: string,
  entityId: string | null,
  data: Prisma.InputJsonValue = {},
) {
  return tx.auditLog.create({ data: { actorId, action, entity, entityId, data } });
}
