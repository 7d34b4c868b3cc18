// test/helpers/wait.ts: the deadline every polling test waits with.
import { test } from "node:test";
import assert from "node:assert/strict";
import { waitFor } from "../helpers/wait.ts";

test("waitFor returns the first truthy value", async () => {
  let n = 0;
  assert.equal(await waitFor("the third call", () => (++n >= 3 ? n : 0), { intervalMs: 1 }), 3);
});

test("a condition that never comes true fails at its deadline, naming what never happened and the state", async () => {
  const started = Date.now();
  await assert.rejects(
    waitFor("the impossible", () => false, { timeoutMs: 300, intervalMs: 50, state: () => ({ done: 0 }) }),
    (e: Error) => e.message === 'the impossible never happened within 0.3s (at the deadline: {"done":0})',
  );
  const ms = Date.now() - started;
  assert.ok(ms >= 290 && ms < 2000, `gave up after ${ms} ms`);
});

test("a check that hangs fails at the deadline too; a check that throws ends the wait with its error", async () => {
  const started = Date.now();
  await assert.rejects(
    waitFor("an answer", () => new Promise<boolean>(() => {}), { timeoutMs: 200 }),
    /^Error: an answer never happened within 0\.2s$/,
  );
  assert.ok(Date.now() - started < 2000);
  await assert.rejects(
    waitFor("anything", () => {
      throw new Error("the database is gone");
    }),
    /the database is gone/,
  );
});
