import { expect, test } from "./fixtures.ts";
import { createUser } from "../../lib/accounts/users.ts";
import { testDb } from "./helpers.ts";

// A throwaway account (not test/browser/users.ts), so that no other spec is locked out. Its 5 wrong
// tries also count against this machine's address (limit 50 by default): the other specs only sign in
// with right passwords, which give their try back.
test("a limited sign-in says on the login form when to try again, and the HTTP answer carries Retry-After", async ({
  page,
  baseURL,
}) => {
  const email = `throwaway-${Date.now()}@e2e.secondread`;
  const password = "throwaway-password-1";
  await createUser(testDb(), null, { email, name: "Throwaway", role: "RATER", password });

  const { csrfToken } = await (await page.request.get("/api/auth/csrf")).json();
  const spoofed = "203.0.113.77";
  const tryOnce = (pw: string) =>
    page.request.post("/api/auth/callback/credentials", {
      form: { email, password: pw, csrfToken, json: "true" },
      headers: { "x-forwarded-for": spoofed, Origin: baseURL! },
      maxRedirects: 0,
    });
  for (let i = 0; i < 5; i++) expect((await tryOnce("wrong-password-123")).status()).toBe(401);

  // The server counted the address it saw itself, not the client's X-Forwarded-For.
  expect(await testDb().signInThrottle.count({ where: { key: `address:${spoofed}` } })).toBe(0);
  expect(
    await testDb().signInThrottle.count({ where: { key: { startsWith: "address:" }, failures: { gte: 5 } } }),
  ).toBe(1);

  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(
    page.getByText(/^Too many sign-in attempts for this account; try again in (\d+ seconds|1 minute)\.$/),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  const limited = await tryOnce(password);
  expect(limited.status()).toBe(429);
  const retryAfter = Number(limited.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
});
