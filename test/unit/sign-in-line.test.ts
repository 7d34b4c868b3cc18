// The per-process line for sign-in requests (lib/accounts/sign-in-throttle.ts inSignInLine).
import { test } from "node:test";
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { inSignInLine, limitSettings, SignInBusy } from "../../lib/accounts/sign-in-throttle.ts";
import { readEnv } from "../../lib/platform/env.ts";

test("at most half the cores' worth of sign-ins run at once, in arrival order; past 100 waiting, one is turned away", async () => {
  const slots = Math.max(1, Math.floor(availableParallelism() / 2));
  let running = 0;
  let most = 0;
  const order: number[] = [];
  const releases: (() => void)[] = [];
  const tasks = Array.from({ length: slots + 100 }, (_, i) =>
    inSignInLine(async () => {
      running++;
      most = Math.max(most, running);
      order.push(i);
      await new Promise<void>((r) => releases.push(r));
      running--;
    }),
  );
  await assert.rejects(
    inSignInLine(async () => {}),
    (e) => e instanceof SignInBusy && e.message === "Too many sign-ins at once; try again in a few seconds.",
  );
  while (order.length < tasks.length) {
    await new Promise((r) => setImmediate(r));
    for (const release of releases.splice(0)) release();
  }
  await Promise.all(tasks);
  assert.equal(most, slots);
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
  );
  await inSignInLine(async () => {}); // the line is free again
});

test("limit settings come from the environment in milliseconds; the longest lock is never shorter than the first", () => {
  const env = readEnv({
    SECONDREAD_SIGNIN_ACCOUNT_LIMIT: "7",
    SECONDREAD_SIGNIN_ADDRESS_LIMIT: "40",
    SECONDREAD_SIGNIN_BACKOFF_SECONDS: "30",
    SECONDREAD_SIGNIN_BACKOFF_MAX_SECONDS: "600",
    SECONDREAD_SIGNIN_WINDOW_SECONDS: "3600",
  });
  const rule = (limit: number) => ({ limit, backoffMs: 30_000, backoffMaxMs: 600_000, windowMs: 3_600_000 });
  assert.deepEqual(limitSettings(env), { account: rule(7), address: rule(40) });
  // A maximum set below the first back-off is raised to it (else the first lock would be the shorter one).
  const floored = limitSettings(
    readEnv({ SECONDREAD_SIGNIN_BACKOFF_SECONDS: "120", SECONDREAD_SIGNIN_BACKOFF_MAX_SECONDS: "60" }),
  );
  assert.equal(floored.account.backoffMaxMs, 120_000);
  assert.equal(floored.address.backoffMaxMs, 120_000);
});
