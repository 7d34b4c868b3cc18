// Sign-in limits (lib/accounts/sign-in-throttle.ts) on a real database: per account, per address, back-off,
// and counters shared by separate database clients, as separate web processes would have.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createDb, type Db } from "../../lib/platform/db.ts";
import { chargeSignIn, limitedSignIn, SignInLimited, type LimitSettings } from "../../lib/accounts/sign-in-throttle.ts";
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
