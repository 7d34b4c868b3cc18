// Password storage and checking (lib/accounts/passwords.ts, checkCredentials in lib/accounts/users.ts) on a real database.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import type { Db } from "../../lib/platform/db.ts";
import { verifyPassword } from "../../lib/accounts/passwords.ts";
import { checkCredentials, createUser } from "../../lib/accounts/users.ts";
import { freshDb, type TestDb } from "../helpers/db.ts";

let t: TestDb;
let db: Db;
before(async () => {
  t = await freshDb();
  db = t.db;
});
after(() => t.close());

test("a bcrypt hash from before scrypt still signs in, and is replaced by scrypt at that sign-in", async () => {
  const user = await createUser(db, null, {
    email: "legacy@test.secondread",
    role: "RATER",
    password: "legacy password 1",
  });
  const old = await bcrypt.hash("legacy password 1", 4);
  await db.user.update({ where: { id: user.id }, data: { passwordHash: old } });
  // Another account: the upgrade of one hash must touch no other row.
  const bystander = await createUser(db, null, {
    email: "bystander@test.secondread",
    role: "RATER",
    password: "bystander pass",
  });
  const bystanderHash = (await db.user.findUniqueOrThrow({ where: { id: bystander.id } })).passwordHash;

  assert.equal(
    await checkCredentials(db, "legacy@test.secondread", "wrong password 1"),
    null,
    "a wrong password stays wrong",
  );
  assert.equal(
    (await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash,
    old,
    "no upgrade without the right password",
  );

  assert.equal((await checkCredentials(db, "legacy@test.secondread", "legacy password 1"))?.id, user.id);
  const upgraded = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
  assert.match(upgraded, /^scrypt\$/);
  assert.equal((await db.user.findUniqueOrThrow({ where: { id: bystander.id } })).passwordHash, bystanderHash);
  assert.equal(await verifyPassword("legacy password 1", old), true, "the old hash still verifies");
  assert.equal(await verifyPassword("legacy password 1", upgraded), true, "the new hash verifies");
  assert.equal(await verifyPassword("legacy password 2", upgraded), false);
  assert.equal(
    (await checkCredentials(db, "legacy@test.secondread", "legacy password 1"))?.id,
    user.id,
    "signs in with the new hash",
  );
});

test("passwords longer than 72 bytes count in full (bcrypt cut them)", async () => {
  const long = "a".repeat(72) + "b".repeat(28); // 100 bytes
  const other = "a".repeat(72) + "c".repeat(28);
  await createUser(db, null, { email: "long@test.secondread", role: "RATER", password: long });
  assert.ok(await checkCredentials(db, "long@test.secondread", long));
  assert.equal(
    await checkCredentials(db, "long@test.secondread", other),
    null,
    "same first 72 bytes must not open the account",
  );
});

test("an unknown or deactivated email takes as long to check as a wrong password for a real one", async () => {
  await createUser(db, null, { email: "real@test.secondread", role: "RATER", password: "real password 123" });
  const gone = await createUser(db, null, {
    email: "gone@test.secondread",
    role: "RATER",
    password: "gone password 123",
  });
  await db.user.update({ where: { id: gone.id }, data: { active: false } });
  const time = async (email: string) => {
    const start = process.hrtime.bigint();
    assert.equal(await checkCredentials(db, email, "not the password"), null);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  await time("nobody@test.secondread"); // warm up (the stand-in hash is made once)
  const real: number[] = [];
  const unknown: number[] = [];
  const deactivated: number[] = [];
  for (let i = 0; i < 7; i++) {
    real.push(await time("real@test.secondread"));
    unknown.push(await time(`nobody${i}@test.secondread`));
    deactivated.push(await time("gone@test.secondread"));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [name, xs] of [
    ["unknown", unknown],
    ["deactivated", deactivated],
  ] as const) {
    const ratio = median(xs) / median(real);
    assert.ok(
      ratio > 0.5 && ratio < 2,
      `${name} email: median ${median(xs).toFixed(1)} ms vs real email ${median(real).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`,
    );
  }
});
