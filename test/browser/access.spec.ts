import { expect, test } from "./fixtures.ts";
import { actionForm, actionId, FROM_SECONDREAD, login, seedStudy, testDb, user } from "./helpers.ts";

test.describe("roles are enforced on the server", () => {
  test("signed-out visitors are sent to the login page and get 401 from the API", async ({ page, request }) => {
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/login/);
    const res = await request.get("/api/studies/anything/export", { maxRedirects: 0 });
    expect([302, 307, 401]).toContain(res.status());
  });

  test("a rater gets 403 from admin pages, routes and actions, and 404 for another rater's case", async ({ page }) => {
    const study = await seedStudy("Access study", ["rater", "rater2"]);
    await login(page, "rater");

    for (const path of ["/admin", "/admin/users", `/admin/studies/${study.id}`]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(403);
      await expect(page.getByRole("heading", { name: /403/ })).toBeVisible();
    }
    for (const download of ["export", "summary", "outputs"]) {
      const res = await page.request.get(`/api/studies/${study.id}/${download}`);
      expect(res.status(), download).toBe(403);
    }
    const importRes = await page.request.post(`/api/studies/${study.id}/import`, { headers: FROM_SECONDREAD, multipart: { mode: "preview", file: { name: "x.csv", mimeType: "text/csv", buffer: Buffer.from("uid,findings,impression\n1,a,b\n") } } });
    expect(importRes.status()).toBe(403);
    const systemRes = await page.request.post(`/api/studies/${study.id}/systems`, { headers: FROM_SECONDREAD, multipart: { kind: "retrieval", name: "sneaky", library: "study" } });
    expect(systemRes.status()).toBe(403);
    expect(await testDb().system.count({ where: { studyId: study.id, name: "sneaky" } })).toBe(0);
    const retrieval = await testDb().system.findFirstOrThrow({ where: { studyId: study.id, kind: "RETRIEVAL" } });
    const completeRes = await page.request.post(`/api/studies/${study.id}/systems/${retrieval.id}/outputs`, { headers: FROM_SECONDREAD, multipart: { note: "x" } });
    expect(completeRes.status()).toBe(403);

    const other = await testDb().assignment.findFirstOrThrow({ where: { raterId: (await user("rater2")).id, case: { studyId: study.id } } });
    const res = await page.goto(`/rate/case/${other.id}`);
    expect(res?.status()).toBe(404);
    const mine = await testDb().assignment.findFirstOrThrow({ where: { raterId: (await user("rater")).id, case: { studyId: study.id } } });
    expect((await page.goto(`/rate/case/${mine.id}`))?.status()).toBe(200);
  });
});

test("a rater calling an admin server action directly gets 403 and changes nothing", async ({ page }) => {
  await login(page, "rater");
  const before = await testDb().study.count();
  const res = await page.request.post("/admin", {
    headers: { ...FROM_SECONDREAD, "Next-Action": actionId("createStudyAction"), Accept: "text/x-component" },
    multipart: actionForm({ name: "Created by a rater", ratersPerCase: "1" }),
  });
  expect(res.status()).toBe(403);
  expect(await testDb().study.count()).toBe(before);
});
