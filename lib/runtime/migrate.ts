// Applies prisma/migrations/*/migration.sql and records them in `_prisma_migrations` the way
// Prisma Migrate does, so `prisma migrate deploy` agrees where its engine is available.
// Prisma's engine cannot be downloaded here, hence our own runner.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

export const MIGRATIONS_DIR = path.join(import.meta.dirname, "..", "..", "prisma", "migrations");
const LOCK_KEY = 727_274_001; // any constant: serialises concurrent starts against one database

export type Migration = { name: string; sql: string; checksum: string };

function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export async function migrate(url: string, opts: { dir?: string; log?: (l: string) => void } = {}) {
  const log = opts.log ?? (() => {});
  const migrations = readMigrations(opts.dir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`);
    const known = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    for (const row of known.values()) {
      if (row.finished_at === null) {
        throw new Error(
          `Migration ${row.migration_name} failed earlier and was not resolved; fix the database by hand, then mark it rolled back.`,
        );
      }
      if (!migrations.some((m) => m.name === row.migration_name)) {
        throw new Error(
          `The database has migration ${row.migration_name}, which this version of SecondRead does not know. Is it older than the database?`,
        );
      }
    }
    for (const m of migrations) {
      const row = known.get(m.name);
      if (row) {
        if (row.checksum !== m.checksum)
          throw new Error(`Migration ${m.name} was changed after it was applied (checksum differs).`);
        continue;
      }
      // DDL is transactional in PostgreSQL: a migration applies whole or not at all.
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${m.name} failed: ${(e as Error).message}`);
      }
      applied.push(m.name);
      log(`applied migration ${m.name}`);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    await client.end();
  }
  return applied;
}
