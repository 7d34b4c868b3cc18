// Sign-in limits (lib/accounts/sign-in-throttle.ts) on a real database: per account, per address, back-off,
// and counters shared by separate database clients, as separate web processes would have.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createDb, type Db } from "../../lib/platform/db.ts";
import { createHash } from "node:crypto";
import {
  chargeSignIn,
  forgetIdleKeys,
  limitedSignIn,
  SignInLimited,
  type LimitSettings,
} from "../../lib/accounts/sign-in-throttle.ts";
import { limitedMessage, parseLimitedCode } from "../../lib/accounts/sign-in-messages.ts";
import { checkCredentials, createUser } from "../../lib/accounts/users.ts";
import { freshDb, type TestDb } from "../helpers/db.ts";

const rule = (limit: number) => ({ limit, backoffMs: 60_000, backoffMaxMs: 900_000, windowMs: 3_600_000 });
const SETTINGS: LimitSettings = { account: rule(5), address: rule(8) };
const PASSWORD = "the right password";

let t: TestDb;
let db: Db;
before(async () => {
  t = await freshDb();
  db = t.db;
  for (const who of ["ann", "bob", "cat", "dan"])
    await createUser(db, null, { email: `${who}@test.secondread`, role: "RATER", password: PASSWORD });
});
after(() => t.close());

let n = 0;
const freshAddress = () => `10.0.0.${++n}`;
const signIn = (email: string, password: string, address = freshAddress(), client = db) =>
  limitedSignIn(client, { email, address }, () => checkCredentials(client, email, password), SETTINGS);

async function refusal(p: Promise<unknown>): Promise<SignInLimited> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SignInLimited) return e;
    throw e;
  }
  assert.fail("the try was not limited");
}

test("an account is limited after 5 failures, from any address, even with the right password; the answer says when", async () => {
  for (let i = 0; i < 5; i++) assert.equal(await signIn("ann@test.secondread", "wrong"), null);
  const limited = await refusal(signIn("ann@test.secondread", PASSWORD));
  assert.equal(limited.scope, "account");
  assert.ok(
    limited.retryAfterSeconds > 55 && limited.retryAfterSeconds <= 60,
    `retry after ${limited.retryAfterSeconds} s`,
  );
  // What the login form receives and shows.
  assert.deepEqual(parseLimitedCode(limited.message), {
    scope: "account",
    retryAfterSeconds: limited.retryAfterSeconds,
  });
  assert.equal(limitedMessage("account", 240), "Too many sign-in attempts for this account; try again in 4 minutes.");
  // Unknown emails are limited the same way (the limit tells nothing about which accounts exist).
  for (let i = 0; i < 5; i++) assert.equal(await signIn("nobody@test.secondread", "wrong"), null);
  assert.equal((await refusal(signIn("nobody@test.secondread", "wrong"))).scope, "account");
});

test("back-off doubles with each further failure and is capped", async () => {
  const from = { email: "dan@test.secondread", address: freshAddress() };
  let now = Date.parse("2030-01-01T00:00:00Z");
  for (let i = 0; i < 5; i++) await chargeSignIn(db, from, SETTINGS, new Date(now));
  const waits: number[] = [];
  for (let i = 0; i < 7; i++) {
    const wait = (await refusal(chargeSignIn(db, from, SETTINGS, new Date(now)))).retryAfterSeconds;
    waits.push(wait);
    now += wait * 1000; // wait it out, then fail once more
    await chargeSignIn(db, from, SETTINGS, new Date(now));
  }
  assert.deepEqual(waits, [60, 120, 240, 480, 900, 900, 900]);
});

test("a success resets the account's failures", async () => {
  for (let i = 0; i < 4; i++) assert.equal(await signIn("bob@test.secondread", "wrong"), null);
  assert.ok(await signIn("bob@test.secondread", PASSWORD));
  for (let i = 0; i < 4; i++)
    assert.equal(await signIn("bob@test.secondread", "wrong"), null, "four more failures are allowed");
  assert.equal(await signIn("bob@test.secondread", "wrong"), null);
  assert.equal((await refusal(signIn("bob@test.secondread", PASSWORD))).scope, "account");
});

test("an address is limited after its budget of failures, across accounts; other addresses are not", async () => {
  const address = freshAddress();
  // Successful sign-ins from the address never use up its budget.
  for (let i = 0; i < 12; i++) assert.ok(await signIn("cat@test.secondread", PASSWORD, address));
  for (let i = 0; i < 8; i++) assert.equal(await signIn(`spray${i}@test.secondread`, "wrong", address), null);
  const limited = await refusal(signIn("cat@test.secondread", PASSWORD, address));
  assert.equal(limited.scope, "address");
  assert.ok(limited.retryAfterSeconds > 55 && limited.retryAfterSeconds <= 60);
  assert.ok(await signIn("cat@test.secondread", PASSWORD, freshAddress()), "another address signs in");
});

test("two database clients (two web processes) share the counts: of 10 tries at once, exactly 5 get through", async () => {
  const other = createDb(t.url);
  try {
    const email = "shared@test.secondread";
    const tries = Array.from({ length: 10 }, (_, i) =>
      signIn(email, "wrong", freshAddress(), i % 2 ? other : db).then(
        () => "checked",
        (e) => (e instanceof SignInLimited ? "limited" : Promise.reject(e)),
      ),
    );
    const outcomes = await Promise.all(tries);
    assert.equal(outcomes.filter((o) => o === "checked").length, 5, outcomes.join(" "));
    assert.equal((await refusal(signIn(email, "wrong", freshAddress(), other))).scope, "account");
    assert.equal((await refusal(signIn(email, "wrong", freshAddress(), db))).scope, "account");
  } finally {
    await other.$disconnect();
  }
});

test("an account is one account however its email is typed; a long address counts by its first 100 characters", async () => {
  const typed = ["eve@test.secondread", "  EVE@Test.SecondRead ", "Eve@test.secondread"];
  for (let i = 0; i < 5; i++) assert.equal(await signIn(typed[i % typed.length], "wrong"), null);
  assert.equal((await refusal(signIn("eve@test.secondread", "wrong"))).scope, "account");
  const long = `2001:db8::${"f".repeat(120)}`;
  for (let i = 0; i < 8; i++) assert.equal(await signIn(`long${i}@test.secondread`, "wrong", long), null);
  // Another address that differs only after its 100th character is the same key.
  assert.equal(
    (await refusal(signIn("cat@test.secondread", PASSWORD, `${long.slice(0, 100)}different`))).scope,
    "address",
  );
  const keys = await db.signInThrottle.findMany({ where: { key: { startsWith: "address:2001:db8::" } } });
  assert.deepEqual(
    keys.map((k) => k.key),
    [`address:${long.slice(0, 100)}`],
  );
  // Emails are not stored as typed: the account's key is a hash.
  assert.equal(await db.signInThrottle.count({ where: { key: { contains: "eve" } } }), 0);
});

test("when the account and the address are both locked, the answer gives the longer wait (a tie: the account)", async () => {
  const lockBoth = async (email: string, accountAt: number, addressAt: number) => {
    const address = freshAddress();
    for (let i = 0; i < 8; i++)
      await chargeSignIn(db, { email: `${email}${i}.x@test.secondread`, address }, SETTINGS, new Date(addressAt));
    for (let i = 0; i < 5; i++)
      await chargeSignIn(db, { email, address: freshAddress() }, SETTINGS, new Date(accountAt));
    const r = await refusal(
      chargeSignIn(db, { email, address }, SETTINGS, new Date(Math.max(accountAt, addressAt) + 1000)),
    );
    return [r.scope, r.retryAfterSeconds];
  };
  const t0 = Date.parse("2031-01-01T00:00:00Z");
  // Each lock lasts 60 s from its last failure; the answer is one second after the later one.
  assert.deepEqual(await lockBoth("gus@test.secondread", t0, t0 + 1000), ["address", 59]);
  assert.deepEqual(await lockBoth("hal@test.secondread", t0 + 1000, t0), ["account", 59]);
  assert.deepEqual(await lockBoth("ida@test.secondread", t0, t0), ["account", 59]);
});

test("failures older than the window are forgotten; one exactly at its edge still counts", async () => {
  const from = { email: "jan@test.secondread", address: freshAddress() };
  const t0 = Date.parse("2032-01-01T00:00:00Z");
  const hour = SETTINGS.account.windowMs;
  for (let i = 0; i < 4; i++) await chargeSignIn(db, from, SETTINGS, new Date(t0));
  // At exactly the window's length after them, the four still count: this fifth failure locks.
  await chargeSignIn(db, from, SETTINGS, new Date(t0 + hour));
  assert.equal((await refusal(chargeSignIn(db, from, SETTINGS, new Date(t0 + hour + 1000)))).scope, "account");
  // Past the window after the last failure (and its lock), the count starts again at one.
  const later = t0 + 3 * hour;
  for (let i = 0; i < 4; i++) await chargeSignIn(db, from, SETTINGS, new Date(later));
  const row = await db.signInThrottle.findMany({ where: { failures: 4, lastFailureAt: new Date(later) } });
  assert.ok(
    row.some((r) => r.key.startsWith("account:")),
    "four failures in the new window, not nine",
  );
});

test("one account's success leaves other accounts' failures alone", async () => {
  for (let i = 0; i < 4; i++) assert.equal(await signIn("kim@test.secondread", "wrong"), null);
  await createUser(db, null, { email: "lou@test.secondread", role: "RATER", password: PASSWORD });
  assert.ok(await signIn("lou@test.secondread", PASSWORD));
  assert.equal(await signIn("kim@test.secondread", "wrong"), null);
  assert.equal((await refusal(signIn("kim@test.secondread", PASSWORD))).scope, "account");
});

test("a locked account is refused with one read, even while another process holds its row", async () => {
  const from = { email: "max@test.secondread", address: freshAddress() };
  for (let i = 0; i < 5; i++) await chargeSignIn(db, { ...from, address: freshAddress() }, SETTINGS);
  const key = `account:${createHash("sha256").update(from.email).digest("hex")}`;
  const other = createDb(t.url);
  let release = () => {};
  let held = () => {};
  const holding = new Promise<void>((r) => {
    held = r;
  });
  const holder = other.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "SignInThrottle" WHERE "key" = ${key} FOR UPDATE`;
      held();
      await new Promise<void>((r) => {
        release = r;
      });
    },
    { timeout: 30_000 },
  );
  try {
    await holding;
    // Without the lock-free first read, this try would wait for the other process's row lock.
    const outcome = await Promise.race([
      refusal(chargeSignIn(db, from, SETTINGS)).then((e) => e.scope),
      new Promise((r) => setTimeout(() => r("waited for the row lock"), 3000)),
    ]);
    assert.equal(outcome, "account");
  } finally {
    release();
    await holder;
    await other.$disconnect();
  }
});

const HOUR = 3_600_000;
const T = Date.parse("2001-06-01T00:00:00Z"); // long before any other test's rows

test("housekeeping forgets keys idle for longer than every window and every lock, and only those", async () => {
  // Each of the four durations in turn is the longest: that one decides.
  for (let longest = 0; longest < 4; longest++) {
    const hours = [1, 2, 3, 4].map((h, i) => (i === longest ? 10 : h));
    const settings: LimitSettings = {
      account: { limit: 5, backoffMs: 60_000, windowMs: hours[0] * HOUR, backoffMaxMs: hours[2] * HOUR },
      address: { limit: 8, backoffMs: 60_000, windowMs: hours[1] * HOUR, backoffMaxMs: hours[3] * HOUR },
    };
    const ages = { old: 10 * HOUR + 1, edge: 10 * HOUR, recent: 9 * HOUR };
    for (const [name, age] of Object.entries(ages))
      await db.signInThrottle.create({
        data: { key: `test:${longest}:${name}`, failures: 3, lastFailureAt: new Date(T - age) },
      });
    assert.equal(await forgetIdleKeys(db, settings, new Date(T)), 1, `longest: ${longest}`);
    const left = await db.signInThrottle.findMany({ where: { key: { startsWith: `test:${longest}:` } } });
    assert.deepEqual(left.map((r) => r.key).sort(), [`test:${longest}:edge`, `test:${longest}:recent`]);
    await db.signInThrottle.deleteMany({ where: { key: { startsWith: `test:${longest}:` } } });
  }
});

test("one try in fifty also does the housekeeping", async () => {
  const idleKey = "test:idle";
  const stillThere = async () => (await db.signInThrottle.count({ where: { key: idleKey } })) === 1;
  await db.signInThrottle.create({ data: { key: idleKey, failures: 1, lastFailureAt: new Date(T - 100 * HOUR) } });
  const from = () => ({ email: "ned@test.secondread", address: freshAddress() });
  await chargeSignIn(db, from(), SETTINGS, new Date(T), () => 0.02);
  assert.ok(await stillThere(), "a draw of 0.02 is not under one in fifty");
  await chargeSignIn(db, from(), SETTINGS, new Date(T), () => 0.0199);
  assert.equal(await stillThere(), false, "a draw under 0.02 forgets the idle key");
});
