// Response headers for every answer (next.config.ts adds them to pages and API answers alike) and
// the pages' Content-Security-Policy (proxy.ts, with a fresh nonce per request). No imports:
// next.config.ts and proxy.ts load it.

const PERMISSIONS_POLICY = [
  "camera",
  "microphone",
  "geolocation",
  "payment",
  "usb",
  "serial",
  "hid",
  "bluetooth",
  "midi",
  "display-capture",
  "browsing-topics",
]
  .map((f) => `${f}=()`)
  .join(", ");

export const COMMON_HEADERS = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** API answers are JSON or CSV downloads: nothing in them may run or load anything. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * Pages: only SecondRead's own scripts. Next.js puts the nonce on its scripts (it reads it from
 * this header on the request), and 'strict-dynamic' lets them load its chunks. Style attributes
 * (React `style` props, Next's route announcer) need 'unsafe-inline' there; <style> elements do not.
 */
export function pageCsp(nonce: string, { dev = false, https = false } = {}) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Served over https: NEXTAUTH_URL says so, or the proxy in front tells (X-Forwarded-Proto). */
export function servedOverHttps(headers: Pick<Headers, "get">, nextauthUrl: string | undefined) {
  return (
    Boolean(nextauthUrl?.startsWith("https:")) ||
    headers.get("x-forwarded-proto")?.split(",")[0].trim().toLowerCase() === "https"
  );
}
