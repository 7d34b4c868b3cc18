// The one rule for state-changing requests (route handlers through lib/web/route.ts, server actions
// through proxy.ts): they must come from SecondRead's own origin. No imports: proxy.ts uses it too.
//
// A request without Origin is refused as well. Every browser SecondRead supports sends Origin on
// POST/PUT/PATCH/DELETE, same-origin or not (fetch and plain forms), so only hand-made clients omit
// it, and they can send it. Next.js itself lets an action without Origin through; we do not.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function isStateChanging(method: string) {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Why the request is not from SecondRead's own origin, or null when it is. The allowed origin is
 * NEXTAUTH_URL's (behind a proxy, the address users open); without it, the request's own host
 * (x-forwarded-host, else Host: a browser cannot set either on a cross-origin request).
 */
export function crossOriginReason(headers: Headers, nextauthUrl: string | undefined): string | null {
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin") return `it was sent from another site (Sec-Fetch-Site: ${site})`;
  const origin = headers.get("origin");
  if (!origin || origin === "null") return "it has no Origin header";
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return "its Origin header is not a URL";
  }
  if (nextauthUrl) {
    const own = URL.canParse(nextauthUrl) ? new URL(nextauthUrl).origin : null;
    if (!own) return "NEXTAUTH_URL is not a URL";
    return from.origin === own ? null : `it comes from ${from.origin}, not ${own}`;
  }
  const host = headers.get("x-forwarded-host")?.split(",")[0].trim() || headers.get("host");
  if (!host) return "it has no Host header";
  return from.host === host ? null : `it comes from ${from.origin}, not this server (${host})`;
}

/** 403 for a state-changing request from anywhere but SecondRead's own origin; null when it may go on. */
/** `nextauthUrl`: the NEXTAUTH_URL setting (env().NEXTAUTH_URL), passed in because proxy.ts loads this file. */
export function refuseCrossOrigin(req: Request, nextauthUrl: string | undefined): Response | null {
  if (!isStateChanging(req.method)) return null;
  const reason = crossOriginReason(req.headers, nextauthUrl);
  if (!reason) return null;
  return Response.json(
    { error: `Refused: ${reason}. Changes must come from SecondRead's own pages; nothing was changed.` },
    { status: 403 },
  );
}

type BodyKind = "multipart" | "json" | "form";
const MEDIA: Record<BodyKind, string> = {
  multipart: "multipart/form-data",
  json: "application/json",
  form: "application/x-www-form-urlencoded",
};

/** 415 unless the body is of the kind the handler reads (a cross-site form can send text/plain). */
export function refuseBodyType(req: Request, kind: BodyKind): Response | null {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === MEDIA[kind]) return null;
  return Response.json(
    { error: `Content-Type must be ${MEDIA[kind]} (got ${type || "none"}); nothing was changed.` },
    { status: 415 },
  );
}
