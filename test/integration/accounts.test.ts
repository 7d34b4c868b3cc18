// Sessions end when they should (sign-out, deactivation, password change), and the account
// functions refuse what a study admin or rater must not do, changing nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  changeOwnPassword,
  listActiveRaters,
  listUsers,
  resetPassword,
  setUserActive,
} from "../../lib/accounts/accounts.ts";
import { verifyPassword } from "../../lib/accounts/passwords.ts";
import { ForbiddenError, NotFoundError, UserInputError } from "../../lib/platform/errors.ts";
import { endSessions, sessionUser, sessionVersionForSignIn } from "../../lib/accounts/sessions.ts";
import { checkCredentials, createUser } from "../../lib/accounts/users.ts";
import { freshDb, type TestDb } from "../helpers/db.ts";
import { makeUser } from "../helpers/fixtures.ts";

let t: TestDb;
before(async () => (t = await freshDb()));
after(() => t.close());

const claims = async (id: string) => ({
  sub: id,
  sv: (await t.db.user.findUniqueOrThrow({ where: { id } })).sessionVersion,
});
const inputError = (pattern: RegExp) => (e: unknown) => e instanceof UserInputError && pattern.test(e.message);
const snapshot = async () => ({
  users: await t.db.user.findMany({ orderBy: { id: "asc" } }),
  audit: await t.db.auditLog.count(),
});

test("a token is honoured only while the user is active and its version is current", async () => {
  const rater = await makeUser(t.db, "RATER");
  const token = await claims(rater.id);
  assert.equal((await sessionUser(t.db, token))?.email, rater.email);
  assert.equal(
    await sessionUser(t.db, { sub: rater.id }),
    null,
    "a token without a version (older than versions) is over",
  );
  assert.equal(await sessionUser(t.db, { sub: rater.id, sv: token.sv + 1 }), null);
  assert.equal(await sessionUser(t.db, { sub: "nobody", sv: 0 }), null);
  assert.equal(await sessionUser(t.db, null), null);
});

test("sign-out ends every session of the user; replaying the ended token changes nothing", async () => {
  const rater = await makeUser(t.db, "RATER");
  const token = await claims(rater.id);
  assert.equal(await endSessions(t.db, token), true);
  assert.equal(await sessionUser(t.db, token), null);
  const version = (await claims(rater.id)).sv;
  assert.equal(version, token.sv + 1);
  assert.equal(await endSessions(t.db, token), false, "an ended token cannot sign the user out again");
  assert.equal((await claims(rater.id)).sv, version);
  assert.ok(await sessionUser(t.db, await claims(rater.id)), "a new sign-in gets a working session");
});

test("deactivation ends the user's sessions and stops sign-in; reactivation allows a new sign-in", async () => {
  const admin = await makeUser(t.db, "ADMIN");
  const rater = await makeUser(t.db, "RATER");
  const token = await claims(rater.id);
  assert.deepEqual(await setUserActive(t.db, admin, rater.id, false), { email: rater.email, active: false });
  assert.equal(await sessionUser(t.db, token), null);
  assert.equal(
    await sessionVersionForSignIn(t.db, rater.id, (await claims(rater.id)).sv),
    null,
    "no new session for a deactivated user",
  );
  assert.equal(await checkCredentials(t.db, rater.email, "correct horse battery"), null);
  await setUserActive(t.db, admin, rater.id, true);
  assert.equal(await sessionUser(t.db, token), null, "reactivation does not revive old sessions");
  assert.ok(await sessionUser(t.db, await claims(rater.id)));
  const actions = await t.db.auditLog.findMany({
    where: { entityId: rater.id, action: { in: ["user.deactivate", "user.reactivate"] } },
    orderBy: { at: "asc" },
  });
  assert.deepEqual(
    actions.map((a) => [a.action, a.actorId]),
    [
      ["user.deactivate", admin.id],
      ["user.reactivate", admin.id],
    ],
  );
});

test("an admin cannot deactivate themself, nor the last active admin; a rater cannot deactivate anyone", async () => {
  const db = await freshDb();
  try {
    const admin = await createUser(db.db, null, {
      email: "only-admin@test.secondread",
      role: "ADMIN",
      password: "correct horse battery",
    });
    const rater = await createUser(db.db, null, {
      email: "r@test.secondread",
      role: "RATER",
      password: "correct horse battery",
    });
    const before = await db.db.user.findMany({ orderBy: { id: "asc" } });
    await assert.rejects(
      setUserActive(db.db, admin, admin.id, false),
      inputError(/cannot deactivate your own account/),
    );
    await assert.rejects(setUserActive(db.db, rater, admin.id, false), ForbiddenError);
    // Another admin who is no longer active (their page was open) cannot deactivate the last active one.
    const gone = await createUser(db.db, null, {
      email: "gone@test.secondread",
      role: "ADMIN",
      password: "correct horse battery",
    });
    await setUserActive(db.db, admin, gone.id, false);
    await assert.rejects(setUserActive(db.db, gone, admin.id, false), ForbiddenError);
    const after = await db.db.user.findMany({ where: { id: { in: before.map((u) => u.id) } }, orderBy: { id: "asc" } });
    assert.deepEqual(after, before);
  } finally {
    await db.close();
  }
});

test("two admins deactivating each other at once leave one active admin", async () => {
  const db = await freshDb();
  try {
    // Made directly (no password hashing): this test is about the lock, and many rounds must stay quick.
    const admin = (i: number, k: string) =>
      db.db.user.create({ data: { email: `${k}${i}@test.secondread`, name: k, role: "ADMIN", passwordHash: "-" } });
    let survivor = null;
    // Several rounds: a race lost once in a while must still show.
    for (let i = 0; i < 8; i++) {
      const [a, b] = [await admin(i, "a"), await admin(i, "b")];
      if (survivor) await setUserActive(db.db, a, survivor.id, false);
      const results = await Promise.allSettled([
        setUserActive(db.db, a, b.id, false),
        setUserActive(db.db, b, a.id, false),
      ]);
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, JSON.stringify(results));
      assert.equal(await db.db.user.count({ where: { role: "ADMIN", active: true } }), 1);
      survivor = await db.db.user.findFirstOrThrow({ where: { role: "ADMIN", active: true } });
    }
  } finally {
    await db.close();
  }
});

test("an admin's password reset gives a working generated password once and ends the user's sessions", async () => {
  const admin = await makeUser(t.db, "ADMIN");
  const rater = await makeUser(t.db, "RATER");
  const token = await claims(rater.id);
  const { email, password } = await resetPassword(t.db, admin, { id: rater.id });
  assert.equal(email, rater.email);
  assert.ok(password.length >= 16);
  assert.equal(await sessionUser(t.db, token), null);
  assert.ok(await checkCredentials(t.db, rater.email, password));
  assert.equal(await checkCredentials(t.db, rater.email, "correct horse battery"), null);
  assert.equal(
    await t.db.auditLog.count({ where: { entityId: rater.id, action: "user.password-reset", actorId: admin.id } }),
    1,
  );
  const snap = await snapshot();
  await assert.rejects(resetPassword(t.db, admin, { id: admin.id }), inputError(/Account page/));
  await assert.rejects(resetPassword(t.db, rater, { id: admin.id }), ForbiddenError);
  await assert.rejects(
    resetPassword(t.db, null, { email: rater.email }, "x".repeat(1001)),
    inputError(/^Password: at most 1,000 characters/),
  );
  assert.deepEqual(await snapshot(), snap);
});

test("a user's own password change needs the current password and ends every session of theirs", async () => {
  const rater = await makeUser(t.db, "RATER");
  const token = await claims(rater.id);
  const snap = await snapshot();
  const change = (currentPassword: string, newPassword: string, repeatPassword = newPassword) =>
    changeOwnPassword(t.db, rater, { currentPassword, newPassword, repeatPassword }, "198.51.100.7");
  await assert.rejects(change("wrong password!", "a brand new password"), inputError(/^Current password: /));
  await assert.rejects(
    change("correct horse battery", "a brand new password", "something else"),
    inputError(/^Repeat new password: the two new passwords differ/),
  );
  await assert.rejects(change("correct horse battery", "short"), inputError(/^New password: at least 10 characters/));
  await assert.rejects(
    change("correct horse battery", "y".repeat(1001)),
    inputError(/^New password: at most 1,000 characters/),
  );
  assert.deepEqual(await snapshot(), snap, "refused changes write nothing");
  const { sessionVersion } = await change("correct horse battery", "a brand new password");
  assert.equal(sessionVersion, token.sv + 1);
  assert.equal(await sessionUser(t.db, token), null, "the old sessions are over");
  assert.ok(await sessionUser(t.db, { sub: rater.id, sv: sessionVersion }), "the re-issued one works");
  assert.ok(await checkCredentials(t.db, rater.email, "a brand new password"));
  assert.equal(await t.db.auditLog.count({ where: { entityId: rater.id, action: "user.password-change" } }), 1);
});

test("a sign-in whose password was checked before a reset or sign-out everywhere gets no session", async () => {
  const admin = await makeUser(t.db, "ADMIN");
  const rater = await makeUser(t.db, "RATER");
  // What checkCredentials read along with the hash it checked.
  const checked = (await checkCredentials(t.db, rater.email, "correct horse battery"))!;
  assert.equal(
    await sessionVersionForSignIn(t.db, rater.id, checked.sessionVersion),
    checked.sessionVersion,
    "nothing happened meanwhile",
  );
  await resetPassword(t.db, admin, { id: rater.id }); // lands while the slow hash was being checked
  assert.equal(await sessionVersionForSignIn(t.db, rater.id, checked.sessionVersion), null);
  assert.equal(await sessionVersionForSignIn(t.db, rater.id, undefined), null, "a user without a checked version");
});

test("guessing the current password on the Account page counts against the sign-in limits", async () => {
  const rater = await makeUser(t.db, "RATER");
  const change = (currentPassword: string) =>
    changeOwnPassword(
      t.db,
      rater,
      { currentPassword, newPassword: "a brand new password", repeatPassword: "a brand new password" },
      "198.51.100.8",
    );
  for (let i = 0; i < 5; i++)
    await assert.rejects(
      change(`guess number ${i}`),
      inputError(/^Current password: that is not your current password/),
    );
  // Limited now, even with the right password: the sixth guess gets no answer about the password.
  await assert.rejects(
    change("correct horse battery"),
    inputError(/^Current password: Too many wrong passwords for this account; try again in 1 minute/),
  );
  assert.ok(await checkCredentials(t.db, rater.email, "correct horse battery"), "the password did not change");
});

test("bad user input is refused naming the field, and nothing is written", async () => {
  const admin = await makeUser(t.db, "ADMIN");
  const snap = await snapshot();
  const ok = { email: "new@test.secondread", name: "Dr New", role: "RATER", password: "long enough password" };
  const cases: [Partial<typeof ok>, RegExp][] = [
    [{ name: "Dr \u0000Null" }, /^Name: control characters/],
    [{ name: "Dr\nTwo lines" }, /^Name: control characters/],
    [{ role: "SUPERADMIN" }, /^Role: must be ADMIN \(study admin\) or RATER/],
    [{ role: "" }, /^Role: /],
    [{ email: `${"a".repeat(10_000)}@example.org` }, /^Email: at most 254 characters/],
    [{ email: "not an email" }, /^Email: enter a valid email address/],
    [{ password: "p".repeat(1001) }, /^Password: at most 1,000 characters/],
    [{ password: "short" }, /^Password: at least 10 characters/],
    [{ email: undefined }, /^Email: required\.$/],
    [{ password: undefined }, /^Password: required\.$/],
    [{ name: 5 as unknown as string }, /^Name: must be text\.$/],
  ];
  for (const [change, message] of cases) {
    await assert.rejects(
      createUser(t.db, admin.id, { ...ok, ...change }),
      inputError(message),
      JSON.stringify(change).slice(0, 80),
    );
  }
  assert.deepEqual(await snapshot(), snap);
  const user = await createUser(t.db, admin.id, {
    ...ok,
    email: ` ${"b".repeat(200)}@Test.SecondRead `,
    password: "p".repeat(1000),
  });
  assert.equal(
    user.email,
    `${"b".repeat(200)}@test.secondread`,
    "a long but valid address is kept, trimmed and lower-cased",
  );
  const { name: _, ...unnamed } = ok;
  const plain = await createUser(t.db, admin.id, { ...unnamed, email: "plain.person@test.secondread" });
  assert.equal(plain.name, "plain.person", "no name: the email's local part");
  assert.deepEqual((await t.db.auditLog.findFirstOrThrow({ where: { entityId: plain.id } })).data, {
    email: "plain.person@test.secondread",
    role: "RATER",
  });
  assert.equal((await t.db.auditLog.findFirstOrThrow({ where: { entityId: plain.id } })).action, "user.create");
  await assert.rejects(
    createUser(t.db, admin.id, { ...ok, email: " Plain.Person@test.secondread" }),
    inputError(/^Email: a user with email plain\.person@test\.secondread already exists\.$/),
  );
  assert.ok(await checkCredentials(t.db, "  PLAIN.person@Test.SecondRead ", ok.password), "signs in however typed");
});

const audited = (entityId: string) =>
  t.db.auditLog.findMany({
    where: { entityId },
    orderBy: { id: "asc" },
    select: { actorId: true, action: true, entity: true, data: true },
  });
const notFound = (message: string) => (e: unknown) => e instanceof NotFoundError && e.message === message;

test("(de)activation: a missing user is named, an unchanged state writes nothing, each change is audited", async () => {
  const db = await freshDb();
  try {
    const [admin, other, rater] = [
      await makeUser(db.db, "ADMIN"),
      await makeUser(db.db, "ADMIN"),
      await makeUser(db.db, "RATER"),
    ];
    const version = async (id: string) => (await db.db.user.findUniqueOrThrow({ where: { id } })).sessionVersion;
    const sv = await version(rater.id);
    await assert.rejects(setUserActive(db.db, admin, "nobody", false), notFound("No such user."));
    assert.deepEqual(await setUserActive(db.db, admin, rater.id, true), { email: rater.email, active: true });
    assert.equal(await version(rater.id), sv, "already active: nothing changes");
    assert.deepEqual(await setUserActive(db.db, admin, rater.id, false), { email: rater.email, active: false });
    assert.equal(await version(rater.id), sv + 1, "deactivation ends the sessions");
    await setUserActive(db.db, admin, rater.id, true);
    assert.deepEqual(
      (await db.db.auditLog.findMany({ where: { entityId: rater.id }, orderBy: { id: "asc" } })).map((a) => [
        a.actorId,
        a.action,
        a.entity,
        a.data,
      ]),
      [
        [null, "user.create", "User", (await db.db.auditLog.findFirstOrThrow({ where: { entityId: rater.id } })).data],
        [admin.id, "user.deactivate", "User", { email: rater.email }],
        [admin.id, "user.reactivate", "User", { email: rater.email }],
      ],
    );
    // An admin deactivated meanwhile (their page still open) can deactivate nobody.
    await setUserActive(db.db, admin, other.id, false);
    await assert.rejects(
      setUserActive(db.db, other, rater.id, false),
      (e) => e instanceof ForbiddenError && e.message === "Your account is no longer an active study admin.",
    );
    assert.equal((await db.db.user.findUniqueOrThrow({ where: { id: rater.id } })).active, true);
  } finally {
    await db.close();
  }
});

test("a reset by email (the operator's CLI path) finds the user however the email is typed; a missing one is named", async () => {
  const rater = await makeUser(t.db, "RATER");
  const admin = await makeUser(t.db, "ADMIN");
  const reset = await resetPassword(t.db, null, { email: `  ${rater.email.toUpperCase()} ` }, "a fresh password 1");
  assert.deepEqual(reset, { email: rater.email, password: "a fresh password 1" });
  const stored = await t.db.user.findUniqueOrThrow({ where: { id: rater.id } });
  assert.ok(await verifyPassword("a fresh password 1", stored.passwordHash));
  assert.deepEqual((await audited(rater.id)).at(-1), {
    actorId: null,
    action: "user.password-reset",
    entity: "User",
    data: { email: rater.email },
  });
  await resetPassword(t.db, admin, { id: rater.id });
  assert.equal((await audited(rater.id)).at(-1)?.actorId, admin.id);
  const snap = await snapshot();
  await assert.rejects(
    resetPassword(t.db, admin, { email: " Nobody@Example.org " }),
    notFound("No user has the email nobody@example.org."),
  );
  await assert.rejects(resetPassword(t.db, admin, { id: "nobody" }), notFound("No such user."));
  assert.deepEqual(await snapshot(), snap);
});

test("a password change: each field's message, an inactive account refused, the change audited", async () => {
  const rater = await makeUser(t.db, "RATER");
  const change = (input: Record<string, unknown>) => changeOwnPassword(t.db, rater, input as never, "198.51.100.8");
  const good = {
    currentPassword: "correct horse battery",
    newPassword: "another password",
    repeatPassword: "another password",
  };
  const snap = await snapshot();
  const refusals: [Record<string, unknown>, string][] = [
    [{ ...good, currentPassword: undefined }, "Current password: required."],
    [{ ...good, currentPassword: "" }, "Current password: required."],
    [{ ...good, currentPassword: "x".repeat(1001) }, "Current password: that is not your current password."],
    [{ ...good, repeatPassword: undefined }, "Repeat new password: required."],
    [
      { ...good, newPassword: good.currentPassword, repeatPassword: good.currentPassword },
      "New password: must differ from the current password.",
    ],
  ];
  for (const [input, message] of refusals)
    await assert.rejects(change(input), (e) => e instanceof UserInputError && e.message === message, message);
  assert.deepEqual(await snapshot(), snap, "nothing written");
  await t.db.user.update({ where: { id: rater.id }, data: { active: false } });
  await assert.rejects(change(good), (e) => e instanceof ForbiddenError && e.message === "Your account is not active.");
  await t.db.user.update({ where: { id: rater.id }, data: { active: true } });
  await change(good);
  assert.deepEqual((await audited(rater.id)).at(-1), {
    actorId: rater.id,
    action: "user.password-change",
    entity: "User",
    data: {},
  });
});

test("the Users page lists everyone, admins first, by email; the raters panel only active raters", async () => {
  const db = await freshDb();
  try {
    const admin = await makeUser(db.db, "ADMIN", "m-admin@test.secondread");
    await makeUser(db.db, "ADMIN", "a-admin@test.secondread");
    const r2 = await makeUser(db.db, "RATER", "z-rater@test.secondread");
    await makeUser(db.db, "RATER", "b-rater@test.secondread");
    const gone = await makeUser(db.db, "RATER", "c-rater@test.secondread");
    await setUserActive(db.db, admin, gone.id, false);
    const users = await listUsers(db.db, admin);
    assert.deepEqual(
      users.map((u) => [u.email, u.role, u.active]),
      [
        ["a-admin@test.secondread", "ADMIN", true],
        ["m-admin@test.secondread", "ADMIN", true],
        ["b-rater@test.secondread", "RATER", true],
        ["c-rater@test.secondread", "RATER", false],
        ["z-rater@test.secondread", "RATER", true],
      ],
    );
    assert.deepEqual(Object.keys(users[0]).sort(), ["active", "createdAt", "email", "id", "name", "role"]);
    const raters = await listActiveRaters(db.db, admin);
    assert.deepEqual(
      raters.map((r) => r.email),
      ["b-rater@test.secondread", "z-rater@test.secondread"],
    );
    assert.deepEqual(raters[1], { id: r2.id, email: r2.email, name: "z-rater" });
    await assert.rejects(listUsers(db.db, r2), ForbiddenError);
    await assert.rejects(listActiveRaters(db.db, r2), ForbiddenError);
  } finally {
    await db.close();
  }
});
