// The per-process line for sign-in requests (lib/accounts/sign-in-throttle.ts inSignInLine).
import { test } from "node:test";
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { inSignInLine, SignInBusy } from "../../lib/accounts/sign-in-throttle.ts";

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
    SignInBusy,
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
