// `npm run user:create`: the way the first admin of a real deployment is made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { checkCredentials } from "../../lib/accounts/users.ts";
import { makeUser } from "../helpers/fixtures.ts";
import { fileDb } from "../helpers/file-db.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const t = fileDb();

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["scripts/bootstrap.mjs", "user-create.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: t.url },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });

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

test("refuses a duplicate email and bad input naming the field, changing nothing", async () => {
  await makeUser(t.db, "RATER", "dr.dup@example.org");
  const before = await t.db.user.count();
  const dup = cli("--email", "Dr.Dup@Example.org", "--role", "admin");
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, /already exists/);
  for (const [args, message] of [
    [["--email", "x@example.org", "--role", "superuser"], /^Role: must be ADMIN \(study admin\) or RATER/],
    [["--email", "x@example.org", "--role", "rater", "--name", "Dr\u0001Ctrl"], /^Name: control characters/],
    [["--email", `${"x".repeat(10_000)}@example.org`, "--role", "rater"], /^Email: at most 254 characters/],
  ] as const) {
    const r = cli(...args);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, message);
  }
  const usage = cli("--email", "x@example.org");
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /Usage: npm run user:create/);
  assert.equal(await t.db.user.count(), before);
});

test("--reset-password prints a new password once and ends the user's sessions", async () => {
  const user = await makeUser(t.db, "RATER", "dr.reset@example.org");
  const r = cli("--email", "DR.RESET@example.org", "--reset-password");
  assert.equal(r.status, 0, r.stderr);
  const password = /Password \(shown once, store it now\): (\S+)/.exec(r.stdout)?.[1];
  assert.ok(password, r.stdout);
  assert.ok(await checkCredentials(t.db, "dr.reset@example.org", password));
  const after = await t.db.user.findUniqueOrThrow({ where: { email: "dr.reset@example.org" } });
  assert.equal(after.sessionVersion, user.sessionVersion + 1);
  const missing = cli("--email", "nobody@example.org", "--reset-password");
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /No user has the email nobody@example.org/);
});
