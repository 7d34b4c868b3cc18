import type { NextConfig } from "next";
import { API_CSP, COMMON_HEADERS, HSTS } from "./lib/platform/security-headers.ts";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // ESM with a native addon: loaded by Node at run time, never bundled.
  serverExternalPackages: ["node-llama-cpp", "pg-boss"],
  // `npm test` type-checks the whole project (tsc); the build need not do it a second time.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // What the proxy (proxy.ts) buffers of a POST to a page: server actions are at most 1 MB anyway,
    // and a refused cross-site post must not cost 10 MB of memory.
    proxyClientMaxBodySize: "1mb",
    // forbidden() gives raters a real 403 on admin pages and actions.
    authInterrupts: true,
  },
  // Pages get their Content-Security-Policy (with a nonce) and HSTS from proxy.ts. API routes stay
  // out of the proxy (it would buffer uploads), so their headers come from here; these rules are
  // fixed at build time, so HSTS on API answers follows X-Forwarded-Proto only.
  async headers() {
    return [
      { source: "/:path*", headers: COMMON_HEADERS },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
      {
        source: "/api/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: HSTS }],
      },
    ];
  },
};

export default nextConfig;
