// A session ends when it should: sign-out, deactivation and a password change end every session of
// the user at once, even a copy of the cookie. Throwaway users, so the shared ones keep working.
import { expect, test, type APIResponse, type Page } from "./fixtures.ts";
import { createUser } from "../../lib/accounts/users.ts";
import { login, testDb } from "./helpers.ts";

const PASSWORD = "throwaway-password-e2e";
let n = 0;
async function throwaway(role: "RATER" | "ADMIN" = "RATER") {
  const email = `session-${role.toLowerCase()}-${Date.now()}-${++n}@e2e.secondread`;
  await createUser(testDb(), null, { email, name: `Session ${n}`, role, password: PASSWORD });
  return email;
}

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/, { timeout: 30_000 }); // password hashing is slow on a busy 2-core machine
}

const sessionBody = async (page: Page) => (await page.request.get("/api/auth/session")).json();

test("after sign-out, replaying the old session cookie gets the login page and no session", async ({
  browser,
  page,
}) => {
  const email = await throwaway();
  await signIn(page, email);
  const saved = await page.context().cookies();
  expect(saved.some((c) => c.name === "next-auth.session-token")).toBe(true);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  const copy = await (await browser.newContext()).newPage();
  await copy.context().addCookies(saved);
  await copy.goto("/rate");
  await expect(copy).toHaveURL(/\/login/);
  expect(await sessionBody(copy)).toEqual({});
  await copy.context().close();
});

test("the admin deactivates a rater on the Users page: the rater's session ends at once and sign-in fails", async ({
  browser,
  page,
}) => {
  const email = await throwaway();
  const rater = await (await browser.newContext()).newPage();
  await signIn(rater, email);
  expect((await sessionBody(rater)).user?.email).toBe(email);

  await login(page, "admin");
  await page.goto("/admin/users");
  const row = page.getByRole("row").filter({ hasText: email });
  await row.getByRole("button", { name: `Deactivate ${email}` }).click();
  await expect(row.getByRole("cell", { name: "deactivated" })).toBeVisible();
  await expect(row.getByRole("button", { name: `Reactivate ${email}` })).toBeVisible();
  expect((await testDb().user.findUniqueOrThrow({ where: { email } })).active).toBe(false);

  expect(await sessionBody(rater)).toEqual({});
  await rater.goto("/rate");
  await expect(rater).toHaveURL(/\/login/);
  await rater.getByLabel("Email").fill(email);
  await rater.getByLabel("Password").fill(PASSWORD);
  await rater.getByRole("button", { name: "Sign in" }).click();
  await expect(rater).toHaveURL(/\/login/);

  // The admin's own row offers no way to deactivate themself.
  await expect(page.getByRole("button", { name: "Deactivate admin@e2e.secondread" })).toHaveCount(0);
  await rater.context().close();
});

test("the admin resets a password: the new one is shown once and works, the old session ends", async ({
  browser,
  page,
}) => {
  const email = await throwaway();
  const rater = await (await browser.newContext()).newPage();
  await signIn(rater, email);

  await login(page, "admin");
  await page.goto("/admin/users");
  await page.getByRole("button", { name: `Reset password of ${email}` }).click();
  const password = (await page.getByTestId("reset-password").textContent())!;
  expect(password.length).toBeGreaterThanOrEqual(16);

  await rater.goto("/rate");
  await expect(rater).toHaveURL(/\/login/);
  await signIn(rater, email, password);
  await rater.context().close();
});

test("a password change on the Account page ends the other browser's session and keeps this one", async ({
  browser,
  page,
}) => {
  const email = await throwaway();
  await signIn(page, email);
  const other = await (await browser.newContext()).newPage();
  await signIn(other, email);

  await page.goto("/account");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel(/^New password/).fill("a new password e2e");
  await page.getByLabel("Repeat new password").fill("a new password e2e");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Current password:" })).toBeVisible();
  await other.goto("/rate");
  await expect(other).toHaveURL(/\/rate$/);

  // React empties the form after each submission.
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel(/^New password/).fill("a new password e2e");
  await page.getByLabel("Repeat new password").fill("a new password e2e");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed" })).toBeVisible();

  await other.goto("/rate");
  await expect(other).toHaveURL(/\/login/);
  expect(await sessionBody(other)).toEqual({});
  await page.goto("/rate");
  await expect(page).toHaveURL(/\/rate$/);
  expect((await sessionBody(page)).user?.email).toBe(email);
  await signIn(other, email, "a new password e2e");
  await other.context().close();
});

test.describe("cookies are Secure when the visitor came over https", () => {
  const setCookies = (res: APIResponse) =>
    res
      .headersArray()
      .filter((h) => h.name.toLowerCase() === "set-cookie")
      .map((h) => h.value);
  const cookie = (res: APIResponse, name: string) => setCookies(res).find((c) => c.startsWith(`${name}=`));
  const isSecure = (c: string | undefined) => c !== undefined && /;\s*secure(;|$)/i.test(c);

  /** Signs in with the request API, the proxy header given or not; returns the session cookie as set. */
  async function signInRaw(
    request: import("./fixtures.ts").APIRequestContext,
    baseURL: string,
    email: string,
    https: boolean,
  ) {
    const proto: Record<string, string> = https ? { "X-Forwarded-Proto": "https" } : {};
    const csrf = await request.get("/api/auth/csrf", { headers: proto });
    const csrfCookie = cookie(csrf, "next-auth.csrf-token");
    expect(isSecure(csrfCookie), csrfCookie).toBe(https);
    const { csrfToken } = await csrf.json();
    const res = await request.post("/api/auth/callback/credentials", {
      headers: { ...proto, Origin: baseURL, Cookie: csrfCookie!.split(";")[0] },
      form: { csrfToken, email, password: PASSWORD, json: "true" },
      maxRedirects: 0,
    });
    const session = cookie(res, "next-auth.session-token");
    expect(session, JSON.stringify(setCookies(res))).toBeTruthy();
    return session!;
  }

  test("with X-Forwarded-Proto: https every auth cookie is Secure; over plain http none is", async ({
    playwright,
    baseURL,
  }) => {
    const email = await throwaway();
    for (const https of [true, false]) {
      const request = await playwright.request.newContext({ baseURL });
      const session = await signInRaw(request, baseURL!, email, https);
      expect(isSecure(session), session).toBe(https);
      // Renewing the session (GET /api/auth/session) sets it again, Secure as the request came.
      const renewed = await request.get("/api/auth/session", {
        headers: { Cookie: session.split(";")[0], ...(https ? { "X-Forwarded-Proto": "https" } : {}) },
      });
      expect((await renewed.json()).user?.email).toBe(email);
      expect(isSecure(cookie(renewed, "next-auth.session-token"))).toBe(https);
      await request.dispose();
    }
  });
});
