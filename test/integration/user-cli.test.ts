// `npm run user:create`: the way the first admin of a real deployment is made.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { checkCredentials } from "../../lib/users.ts";
import { freshDb, type TestDb } from "../helpers/db.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
let t: TestDb;
before(async () => (t = await freshDb()));
after(() => t.close());

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["scripts/bootstrap.mjs", "user-create.ts", ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.url }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

test("creates a rater with a generated password printed once, which then signs in", async () => {
  const r = cli("--email", "Dr.Lee@Example.org", "--role", "rater", "--name", "Dr Lee");
  assert.equal(r.status, 0, r.stderr);
  const password = /Password \(shown once, store it now\): (\S+)/.exec(r.stdout)?.[1];
  assert.ok(password && password.length >= 16, r.stdout);
  const user = await t.db.user.findUniqueOrThrow({ where: { email: "dr.lee@example.org" } });
  assert.equal(user.role, "RATER");
  assert.notEqual(user.passwordHash, password);
  assert.match(user.passwordHash, /^scrypt\$32768\$8\$1\$/, "scrypt, N=2^15 r=8 p=1");
  assert.ok(await checkCredentials(t.db, "dr.lee@example.org", password));
  assert.equal(await checkCredentials(t.db, "dr.lee@example.org", "wrong password"), null);
});

test("refuses a duplicate email and a bad role, changing nothing", async () => {
  const before = await t.db.user.count();
  const dup = cli("--email", "dr.lee@example.org", "--role", "admin");
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, /already exists/);
  const bad = cli("--email", "x@example.org", "--role", "superuser");
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Usage: npm run user:create/);
  assert.equal(await t.db.user.count(), before);
});
