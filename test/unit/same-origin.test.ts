import assert from "node:assert/strict";
import { test } from "node:test";
import { crossOriginReason, refuseBodyType, refuseCrossOrigin } from "../../lib/platform/same-origin.ts";

const h = (o: Record<string, string>) => new Headers(o);

test("behind a proxy, only NEXTAUTH_URL's origin may change things", () => {
  const url = "https://secondread.example.org";
  assert.equal(crossOriginReason(h({ origin: url, host: "10.0.0.5:3000" }), url), null);
  assert.match(
    crossOriginReason(h({ origin: "http://secondread.example.org", host: "secondread.example.org" }), url)!,
    /not https:\/\/secondread/,
  );
  assert.match(crossOriginReason(h({ origin: "https://secondread.example.org:8443" }), url)!, /comes from/);
  assert.match(crossOriginReason(h({ origin: "https://x" }), "not a url")!, /NEXTAUTH_URL/);
});

test("without NEXTAUTH_URL, the request's own host", () => {
  assert.equal(crossOriginReason(h({ origin: "http://localhost:3000", host: "localhost:3000" }), ""), null);
  assert.equal(
    crossOriginReason(
      h({ origin: "https://app.example", host: "127.0.0.1:3000", "x-forwarded-host": "app.example" }),
      "",
    ),
    null,
  );
  assert.match(
    crossOriginReason(h({ origin: "http://localhost:4000", host: "localhost:3000" }), "")!,
    /localhost:4000/,
  );
});

test("no Origin, a null Origin or another site's fetch metadata is refused", () => {
  const url = "http://localhost:3000";
  assert.match(crossOriginReason(h({ host: "localhost:3000" }), url)!, /no Origin/);
  assert.match(crossOriginReason(h({ origin: "null" }), url)!, /no Origin/);
  assert.match(crossOriginReason(h({ origin: url, "sec-fetch-site": "same-site" }), url)!, /Sec-Fetch-Site: same-site/);
  assert.equal(crossOriginReason(h({ origin: url, "sec-fetch-site": "same-origin" }), url), null);
});

test("safe methods pass; a state-changing one from elsewhere gets 403; a wrong body type 415", async () => {
  const url = "http://localhost:3000";
  assert.equal(
    refuseCrossOrigin(new Request("http://localhost:3000/api/x", { headers: { origin: "http://evil:1" } }), url),
    null,
  );
  const refused = refuseCrossOrigin(
    new Request("http://localhost:3000/api/x", { method: "POST", headers: { origin: "http://localhost:1" } }),
    url,
  )!;
  assert.equal(refused.status, 403);
  assert.match((await refused.json()).error, /nothing was changed/);
  const json = (type: string) =>
    new Request("http://localhost:3000/api/x", { method: "POST", headers: { "content-type": type }, body: "{}" });
  assert.equal(refuseBodyType(json("application/json; charset=utf-8"), "json"), null);
  assert.equal(refuseBodyType(json("text/plain"), "json")!.status, 415);
  assert.equal(refuseBodyType(json("application/x-www-form-urlencoded"), "multipart")!.status, 415);
});
