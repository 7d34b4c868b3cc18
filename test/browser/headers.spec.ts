// Security headers on pages (proxy.ts: CSP with a nonce, HSTS over https) and API answers (next.config.ts).
import { expect, test } from "./fixtures.ts";
import { login } from "./helpers.ts";

const COMMON = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
};

function expectCommon(headers: Record<string, string>, what: string) {
  for (const [k, v] of Object.entries(COMMON)) expect(headers[k], `${k} on ${what}`).toBe(v);
  expect(headers["permissions-policy"], what).toContain("camera=()");
  expect(headers["permissions-policy"], what).toContain("microphone=()");
  expect(headers["permissions-policy"], what).toContain("geolocation=()");
}

function scriptSrc(csp: string) {
  return csp
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith("script-src "))!;
}

test("pages carry a nonce-based CSP that allows only SecondRead's scripts, and the common headers", async ({
  page,
}) => {
  const login1 = await page.request.get("/login");
  const login2 = await page.request.get("/login");
  for (const res of [login1, login2]) {
    expectCommon(res.headers(), "/login");
    expect(res.headers()["strict-transport-security"], "no HSTS over http").toBeUndefined();
  }
  const csp = login1.headers()["content-security-policy"];
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  const scripts = scriptSrc(csp);
  expect(scripts).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(scripts).not.toContain("unsafe-inline");
  expect(scripts).not.toContain("unsafe-eval");
  expect(scripts).not.toContain("*");
  expect(scriptSrc(login2.headers()["content-security-policy"]), "a fresh nonce per request").not.toBe(scripts);

  // Every script Next.js put in the page carries this response's nonce.
  const nonce = scripts.match(/'nonce-([^']+)'/)![1];
  const html = await login1.text();
  const tags = html.match(/<script\b[^>]*>/g) ?? [];
  expect(tags.length).toBeGreaterThan(0);
  for (const tag of tags) expect(tag).toContain(`nonce="${nonce}"`);

  await login(page, "admin");
  const admin = await page.goto("/admin");
  expectCommon(admin!.headers(), "/admin");
  expect(scriptSrc(admin!.headers()["content-security-policy"])).toMatch(/'nonce-/);
  // The page works under the policy (the fixture fails the test on any violation).
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("API answers carry the common headers and a CSP that allows nothing", async ({ request }) => {
  const res = await request.get("/api/studies/anything/export");
  expect(res.status()).toBe(401);
  expectCommon(res.headers(), "an API answer");
  expect(res.headers()["content-security-policy"]).toContain("default-src 'none'");
  expect(res.headers()["strict-transport-security"]).toBeUndefined();
});

test("HSTS only when served over https (X-Forwarded-Proto from the proxy in front)", async ({ request }) => {
  const https = { "X-Forwarded-Proto": "https" };
  for (const path of ["/login", "/api/studies/anything/export"]) {
    const res = await request.get(path, { headers: https });
    expect(res.headers()["strict-transport-security"], path).toMatch(/max-age=\d{7,}/);
    expect((await request.get(path)).headers()["strict-transport-security"], path).toBeUndefined();
  }
  const page = await request.get("/login", { headers: https });
  expect(page.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");
});
