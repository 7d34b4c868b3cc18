import assert from "node:assert/strict";
import { test } from "node:test";
import { readEnv } from "../../lib/platform/env.ts";
import { pageCsp, servedOverHttps } from "../../lib/platform/security-headers.ts";

test("the page policy allows scripts only by nonce (no inline, no eval outside development)", () => {
  const csp = pageCsp("abc123");
  const scripts = csp.split("; ").find((d) => d.startsWith("script-src "))!;
  assert.equal(scripts, "script-src 'self' 'nonce-abc123' 'strict-dynamic'");
  assert.match(csp, /object-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /upgrade-insecure-requests/);
  assert.match(pageCsp("n", { dev: true }), /'unsafe-eval'/);
  assert.match(pageCsp("n", { https: true }), /upgrade-insecure-requests/);
});

test("https is NEXTAUTH_URL's scheme or the proxy's X-Forwarded-Proto", () => {
  assert.equal(servedOverHttps(new Headers(), "https://secondread.example.org"), true);
  assert.equal(servedOverHttps(new Headers(), "http://localhost:3000"), false);
  assert.equal(servedOverHttps(new Headers({ "x-forwarded-proto": "https" }), "http://localhost:3000"), true);
  assert.equal(servedOverHttps(new Headers({ "x-forwarded-proto": "http" }), undefined), false);
  assert.equal(
    servedOverHttps(new Headers({ "x-forwarded-proto": "HTTPS, http" }), undefined),
    true,
    "the proxy nearest the client, any case",
  );
});

test("a NEXTAUTH_URL that is not an http(s) address is refused, naming the setting", () => {
  assert.throws(
    () => readEnv({ NEXTAUTH_URL: "secondread.example.org" }),
    /NEXTAUTH_URL: must be the http\(s\):\/\/ address/,
  );
  assert.throws(() => readEnv({ NEXTAUTH_URL: "ftp://secondread.example.org" }), /NEXTAUTH_URL/);
  assert.equal(
    readEnv({ NEXTAUTH_URL: "https://secondread.example.org" }).NEXTAUTH_URL,
    "https://secondread.example.org",
  );
});
