import { expect, test } from "./fixtures.ts";
import { login, seedStudy } from "./helpers.ts";

// A NUL byte cannot be stored or looked up by PostgreSQL: in an address or a body it is bad input
// (404 or 400 with a message), never "Something went wrong" (500).
test("a NUL in a page address is not found and in an API address is bad input, never a 500", async ({ page }) => {
  for (const path of ["/rate/%00", "/rate/case/a%00b", "/admin/studies/%00"]) {
    expect((await page.request.get(path, { maxRedirects: 0 })).status(), path).toBe(404);
  }
  const study = await seedStudy("Odd input study", ["rater"]);
  await login(page, "admin");
  expect((await page.request.get(`/api/studies/${study.id}/export`)).status()).toBe(200);
  const res = await page.request.get("/api/studies/a%00b/export");
  expect(res.status()).toBe(400);
  expect((await res.json()).error).toMatch(/NUL byte/);
  expect((await page.goto("/admin/studies/a%00b"))?.status()).toBe(404);
});

test("odd sign-in bodies get a plain refusal: a JSON body 415, a NUL or an object as the email a wrong sign-in, never internals", async ({
  page,
  baseURL,
}) => {
  const { csrfToken } = await (await page.request.get("/api/auth/csrf")).json();
  const url = "/api/auth/callback/credentials";
  const headers = { Origin: baseURL! };
  const json = await page.request.post(url, {
    headers: { ...headers, "Content-Type": "application/json" },
    data: "{",
    maxRedirects: 0,
  });
  expect(json.status()).toBe(415);
  for (const email of ["a\u0000b@example.org", "x".repeat(300)]) {
    const res = await page.request.post(url, {
      headers,
      form: { email, password: "whatever-password", csrfToken, json: "true" },
      maxRedirects: 0,
    });
    expect(res.status(), JSON.stringify(email.slice(0, 10))).toBe(401);
    const body = await res.text();
    expect(body).not.toMatch(/prisma|invalid byte|postgres|\.ts:/i);
    expect(body).toContain("CredentialsSignin");
  }
});
