// Each integration test file gets its own freshly migrated database on the test server
// (embedded PostgreSQL, or the server of DATABASE_URL), so files never see each other's rows.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type Db } from "../../lib/platform/db.ts";
import { migrate } from "../../lib/runtime/migrate.ts";

export function serverUrl(): string {
  const url = process.env.TEST_SERVER_URL;
  if (!url) throw new Error("TEST_SERVER_URL is not set: run the tests with `npm test`.");
  return url;
}

export function urlFor(database: string) {
  const u = new URL(serverUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>) {
  const c = new pg.Client({ connectionString: serverUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createEmptyDatabase(prefix = "t") {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: urlFor(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

export type TestDb = { db: Db; url: string; close: () => Promise<void> };

export async function freshDb(): Promise<TestDb> {
  const empty = await createEmptyDatabase();
  await migrate(empty.url);
  const db = createDb(empty.url);
  return {
    db,
    url: empty.url,
    close: async () => {
      await db.$disconnect();
      await empty.drop();
    },
  };
}
