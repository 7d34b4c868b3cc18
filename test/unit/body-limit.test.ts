// lib/platform/body-limit.ts: a body is refused as soon as it passes the limit, Content-Length or not,
// and its stream is cancelled so the rest is never read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseMultipart, readBodyLimited } from "../../lib/platform/body-limit.ts";
import { BodyTooLargeError } from "../../lib/platform/errors.ts";

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
  await assert.rejects(
    readBodyLimited(req, 1024 * 1024),
    (e: unknown) =>
      e instanceof BodyTooLargeError && /larger than 1 MB, the limit\. Nothing was changed\./.test(e.message),
  );
  assert.ok(seen.cancelled);
  assert.ok(seen.pulled <= 18, `pulled ${seen.pulled} chunks of 64 KB`);
});

test("a declared Content-Length over the limit is refused before reading; within it, the bytes come back", async () => {
  const big = new Request("http://x/", {
    method: "POST",
    body: "x".repeat(2000),
    headers: { "content-length": "2000" },
  });
  await assert.rejects(
    readBodyLimited(big, 1000, () => new BodyTooLargeError("too big (SETTING)")),
    /too big \(SETTING\)/,
  );
  const ok = await readBodyLimited(new Request("http://x/", { method: "POST", body: "hello" }), 1000);
  assert.equal(new TextDecoder().decode(ok), "hello");
});

test("multipart bodies parse like undici's parser does (fields, files, names with quotes, an empty file)", async () => {
  const form = new FormData();
  form.set("mode", "preview");
  form.set("note", "two\r\nlines, é");
  form.set("file", new File([new TextEncoder().encode("uid,findings\n1,a\n")], 'my "cases".csv', { type: "text/csv" }));
  form.set("empty", new File([], "none.csv"));
  const req = new Request("http://x/", { method: "POST", body: form });
  const contentType = req.headers.get("content-type")!;
  const body = new Uint8Array(await req.arrayBuffer());
  const ours = parseMultipart(body, contentType)!;
  const theirs = await new Response(body, { headers: { "content-type": contentType } }).formData();
  assert.ok(ours);
  const dump = async (f: FormData) =>
    Promise.all(
      [...f.entries()].map(async ([k, v]) => [
        k,
        typeof v === "string" ? v : { name: v.name, type: v.type, text: await v.text() },
      ]),
    );
  assert.deepEqual(await dump(ours), await dump(theirs));
  assert.equal(parseMultipart(body, "application/json"), null);
  assert.equal(parseMultipart(body.subarray(0, body.length - 10), contentType), null);
});
