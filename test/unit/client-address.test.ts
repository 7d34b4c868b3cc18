// Which address a sign-in try is counted against (lib/platform/client-address.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { clientAddress, normalizeAddress, PEER_HEADER } from "../../lib/platform/client-address.ts";

test("without a trusted proxy, the socket's address counts and a client's X-Forwarded-For is ignored", () => {
  const headers = { "x-forwarded-for": "203.0.113.9", [PEER_HEADER]: "198.51.100.4" };
  assert.equal(clientAddress(headers, 0), "198.51.100.4");
  assert.equal(clientAddress(new Headers(headers), 0), "198.51.100.4");
});

test("behind N trusted proxies, the N-th X-Forwarded-For entry from the right counts", () => {
  const headers = { "x-forwarded-for": "1.1.1.1, 203.0.113.9, 10.0.0.2", [PEER_HEADER]: "10.0.0.1" };
  assert.equal(clientAddress(headers, 1), "10.0.0.2");
  assert.equal(clientAddress(headers, 2), "203.0.113.9");
  // More proxies configured than entries: the leftmost entry is the client's own claim; the socket counts.
  assert.equal(clientAddress(headers, 9), "10.0.0.1");
  assert.equal(clientAddress({ [PEER_HEADER]: "10.0.0.1" }, 1), "10.0.0.1", "no header: the socket");
});

test("without the socket's address, a client's X-Forwarded-For is still not trusted", () => {
  assert.equal(clientAddress({ "x-forwarded-for": "203.0.113.9" }, 0), "unknown");
});

test("addresses are normalized: IPv4-mapped IPv6 as IPv4, ports dropped, IPv6 in full (a ward shares a /64)", () => {
  assert.equal(normalizeAddress("::ffff:127.0.0.1"), "127.0.0.1");
  assert.equal(normalizeAddress("192.0.2.1:5555"), "192.0.2.1");
  assert.equal(normalizeAddress("2001:db8:1:2:aaaa::1"), "2001:db8:1:2:aaaa:0:0:1");
  assert.equal(normalizeAddress("2001:DB8:1:2:bbbb:cccc:dddd:eeee"), "2001:db8:1:2:bbbb:cccc:dddd:eeee");
  assert.equal(normalizeAddress("2001:0db8:1:2::aaaa:1"), "2001:db8:1:2:0:0:aaaa:1");
  assert.equal(normalizeAddress("[2001:db8::1]:443"), "2001:db8:0:0:0:0:0:1");
  assert.equal(normalizeAddress("::1"), "0:0:0:0:0:0:0:1");
});

test("the proxy and sign-in settings have defaults, and a wrong value names the setting", async () => {
  const { readEnv } = await import("../../lib/platform/env.ts");
  const env = readEnv({});
  assert.equal(env.SECONDREAD_TRUST_PROXY, 0);
  assert.equal(readEnv({ SECONDREAD_TRUST_PROXY: "true" }).SECONDREAD_TRUST_PROXY, 1);
  assert.deepEqual(
    [
      env.SECONDREAD_SIGNIN_ACCOUNT_LIMIT,
      env.SECONDREAD_SIGNIN_ADDRESS_LIMIT,
      env.SECONDREAD_SIGNIN_BACKOFF_SECONDS,
      env.SECONDREAD_SIGNIN_BACKOFF_MAX_SECONDS,
      env.SECONDREAD_SIGNIN_WINDOW_SECONDS,
    ],
    [5, 50, 60, 900, 3600],
  );
  assert.throws(() => readEnv({ SECONDREAD_TRUST_PROXY: "yes" }), /SECONDREAD_TRUST_PROXY/);
  assert.throws(() => readEnv({ SECONDREAD_SIGNIN_ACCOUNT_LIMIT: "0" }), /SECONDREAD_SIGNIN_ACCOUNT_LIMIT/);
});
