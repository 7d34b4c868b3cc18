// lib/body-limit.ts: a body is refused as soon as it passes the limit, Content-Length or not,
// and its stream is cancelled so the rest is never read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BodyTooLargeError, readBodyLimited, readJsonLimited } from "../../lib/body-limit.ts";

function endless(chunk = new Uint8Array(64 * 1024)) {
  const seen = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      seen.pulled++;
      c.enqueue(chunk);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { req: new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit), seen };
}

test("a chunked body is cut off just past the limit and its stream cancelled", async () => {
  const { req, seen } = endless();
  await assert.rejects(readBodyLimited(req, 1024 * 1024), (e: unknown) => e instanceof BodyTooLargeError && /larger than 1 MB, the limit\. Nothing was changed\./.test(e.message));
  assert.ok(seen.cancelled);
  assert.ok(seen.pulled <= 18, `pulled ${seen.pulled} chunks of 64 KB`);
});

test("a declared Content-Length over the limit is refused before reading; within it, the bytes come back", async () => {
  const big = new Request("http://x/", { method: "POST", body: "x".repeat(2000), headers: { "content-length": "2000" } });
  await assert.rejects(readBodyLimited(big, 1000, () => new BodyTooLargeError("too big (SETTING)")), /too big \(SETTING\)/);
  const ok = await readBodyLimited(new Request("http://x/", { method: "POST", body: "hello" }), 1000);
  assert.equal(new TextDecoder().decode(ok), "hello");
});

test("readJsonLimited: an object, or the fallback for anything else", async () => {
  const json = (s: string) => readJsonLimited(new Request("http://x/", { method: "POST", body: s }), 1000, { fallback: true });
  assert.deepEqual(await json('{"a":1}'), { a: 1 });
  assert.deepEqual(await json("null"), { fallback: true });
  assert.deepEqual(await json("[1]"), { fallback: true });
  assert.deepEqual(await json("{oops"), { fallback: true });
});
