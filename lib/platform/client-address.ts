// Which client a sign-in try comes from, for the per-address limit.
//
// `next start` fills X-Forwarded-For only when the request has none (`headers['x-forwarded-for'] ??=
// socket.remoteAddress` in next/dist/server/base-server.js), so a client can put any address there.
// So the web server records the socket's address itself in PEER_HEADER (instrumentation.ts, which
// overwrites whatever a client sent under that name), and X-Forwarded-For is believed only when
// SECONDREAD_TRUST_PROXY says how many proxies of ours append to it.

export const PEER_HEADER = "x-secondread-peer";

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/**
 * IPv4-mapped IPv6 as IPv4; other IPv6 in full, lower case. Not grouped by /64: on a hospital LAN a
 * whole ward shares one /64, and one host's failures must not lock the ward out.
 */
export function normalizeAddress(raw: string): string {
  let a = raw.trim().toLowerCase();
  if (a.startsWith("[")) a = a.slice(1, a.indexOf("]") > 0 ? a.indexOf("]") : undefined);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1];
  const v4 = /^(\d+\.\d+\.\d+\.\d+)(:\d+)?$/.exec(a);
  if (v4) return v4[1];
  if (!a.includes(":")) return a;
  a = a.split("%")[0];
  const [head, tail] = a.includes("::") ? a.split("::") : [a, null];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups =
    tail === null ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return groups.map((g) => (g || "0").replace(/^0+(?=.)/, "")).join(":");
}

/** The client's address: what the socket saw, or with `trustProxy` = N, the N-th X-Forwarded-For entry from the right. */
export function clientAddress(headers: HeaderBag, trustProxy: number): string {
  if (trustProxy > 0) {
    const hops = (header(headers, "x-forwarded-for") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    // Fewer entries than proxies: the leftmost would be the client's own claim, so not used.
    if (hops.length >= trustProxy) return normalizeAddress(hops[hops.length - trustProxy]);
  }
  const peer = header(headers, PEER_HEADER);
  if (peer) return normalizeAddress(peer);
  // Without the hook's header: never a client's X-Forwarded-For (next start keeps one a client sent).
  return "unknown";
}
