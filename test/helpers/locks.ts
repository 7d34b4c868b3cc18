// Makes concurrent calls really overlap: the audit log is locked from another session, so each
// call that writes an audit record gets that far and waits there with its transaction open.
// Once `waiters` sessions wait on a lock, the audit log is released and the results returned.
import assert from "node:assert/strict";
import pg from "pg";
import { waitFor } from "./wait.ts";

export async function whileAuditLogLocked<T>(
  url: string,
  waiters: number,
  calls: () => Promise<T>[],
): Promise<PromiseSettledResult<T>[]> {
  const blocker = new pg.Client({ connectionString: url });
  await blocker.connect();
  try {
    await blocker.query(`BEGIN; LOCK TABLE "AuditLog" IN SHARE ROW EXCLUSIVE MODE`);
    const settled = Promise.allSettled(calls());
    const waiting = async () => {
      await blocker.query(`SELECT pg_stat_clear_snapshot()`); // pg_stat_activity is otherwise frozen for the transaction
      const { rows } = await blocker.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      return rows[0].n as number;
    };
    await waitFor(`${waiters} sessions waiting on the audit log's lock`, async () => (await waiting()) >= waiters, {
      timeoutMs: 10_000,
      intervalMs: 50,
      state: async () => `${await waiting()} waiting`,
    });
    assert.equal(await waiting(), waiters, `expected ${waiters} sessions waiting on a lock`);
    await blocker.query("COMMIT");
    return await settled;
  } finally {
    await blocker.end();
  }
}
