// One fresh database per test file, as a before/after pair (kept out of db.ts, which scripts and
// benches import outside the test runner).
import { after, before } from "node:test";
import type { Db } from "../../lib/platform/db.ts";
import { freshDb, type TestDb } from "./db.ts";

/**
 * The usual set-up of a test file: one fresh database, made before its first test and dropped
 * after its last (`const t = fileDb();` then `t.db`, `t.url` inside tests and hooks). Tests in
 * the file share the database, never each other's rows: each makes the study, users and rows it
 * needs (see the fixtures of each file), so that any one of them passes when run alone.
 *
 * `setup` runs once the database is there (e.g. to make the admin every test acts as): at the top
 * of a file Node 20 starts each before() hook as soon as it is declared, without waiting for the
 * one before it, so a second top-level before() could not count on the database.
 */
export function fileDb(setup?: (t: { db: Db; url: string }) => unknown): { readonly db: Db; readonly url: string } {
  let t: TestDb | undefined;
  before(async () => {
    t = await freshDb();
    await setup?.(t);
  });
  after(async () => {
    await t?.close();
  });
  const made = () => {
    if (!t) throw new Error("fileDb(): the database is made in before(); use it inside tests and hooks");
    return t;
  };
  return {
    get db() {
      return made().db;
    },
    get url() {
      return made().url;
    },
  };
}
