// Which address a sign-in try is counted against (lib/client-address.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { clientAddress, normalizeAddress, PEER_HEADER } from "../../lib/client-address.ts";

test("without a trusted proxy, the socket's address counts and a client's X-Forwarded-For is ignored", () => {
  const headers = { "x-forwarded-for": "203.0.113.9", [PEER_HEADER]: "198.51.100.4" };
  assert.equal(clientAddress(headers, 0), "198.51.100.4");
  assert.equal(clientAddress(new Headers(headers), 0), "198.51.100.4");
});

test("behind N trusted proxies, the N-th X-Forwarded-For entry from the right counts", () => {
  const headers = { "x-forwarded-for": "1.1.1.1, 203.0.113.9, 10.0.0.2", [PEER_HEADER]: "10.0.0.1" };
  assert.equal(clientAddress(headers, 1), "10.0.0.2");
  assert.equal(clientAddress(headers, 2), "203.0.113.9");
  assert.equal(clientAddress(headers, 9), "1.1.1.1");
  assert.equal(clientAddress({ [PEER_HEADER]: "10.0.0.1" }, 1), "10.0.0.1", "no header: the socket");
});

test("addresses are normalized: IPv4-mapped IPv6 as IPv4, ports dropped, IPv6 by /64", () => {
  assert.equal(normalizeAddress("::ffff:127.0.0.1"), "127.0.0.1");
  assert.equal(normalizeAddress("192.0.2.1:5555"), "192.0.2.1");
  assert.equal(normalizeAddress("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  assert.equal(normalizeAddress("2001:DB8:1:2:bbbb:cccc:dddd:eeee"), "2001:db8:1:2::/64");
  assert.equal(normalizeAddress("[2001:db8::1]:443"), "2001:db8:0:0::/64");
  assert.equal(normalizeAddress("::1"), "0:0:0:0::/64");
});
