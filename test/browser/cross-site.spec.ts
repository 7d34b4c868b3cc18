// Requests from anywhere but SecondRead's own origin change nothing (lib/platform/same-origin.ts).
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createStudy } from "../../lib/studies/studies.ts";
import { expect, test } from "./fixtures.ts";
import { actionForm, actionId, DEMO_DIR, FROM_SECONDREAD, login, ORIGIN, testDb, user } from "./helpers.ts";

const PLANTED_CSV = "uid,findings,impression\nPLANTED-1,Planted findings.,Planted impression.\n";

/** A page on another port of localhost: same site as SecondRead, so the browser sends its Lax session cookie. */
async function attackerSite(html: string) {
  const server = http.createServer((_req, res) => res.writeHead(200, { "Content-Type": "text/html" }).end(html));
  await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((r) => server.close(r)),
  };
}

test("a page on another port, with an admin signed in, cannot import cases or add a system", async ({ page }) => {
  const db = testDb();
  const study = await createStudy(db, await user("admin"), { name: "Cross-site study" });
  const before = {
    cases: await db.case.count({ where: { studyId: study.id } }),
    systems: await db.system.count({ where: { studyId: study.id } }),
    studies: await db.study.count(),
  };
  await login(page, "admin");

  // What a planted page can send without a CORS preflight: multipart forms, text/plain bodies.
  const site = await attackerSite(`<!doctype html><title>Cat pictures</title><script>
    const target = ${JSON.stringify(ORIGIN)};
    const studyId = ${JSON.stringify(study.id)};
    const form = (fields) => { const f = new FormData(); for (const [k, v] of Object.entries(fields)) f.append(k, v); return f; };
    const send = (path, body, headers = {}) => fetch(target + path, { method: "POST", mode: "no-cors", credentials: "include", body, headers }).then(() => "sent", (e) => String(e));
    window.done = Promise.all([
      send("/api/studies/" + studyId + "/import", form({ file: new File([${JSON.stringify(PLANTED_CSV)}], "planted.csv", { type: "text/csv" }) })),
      send("/api/studies/" + studyId + "/systems", form({ kind: "RETRIEVAL", name: "Planted system", library: "study" })),
      send("/api/studies/" + studyId + "/prompt-preview", JSON.stringify({ template: "{{findings}}" }), { "Content-Type": "text/plain" }),
    ]);
  </script>`);
  try {
    await page.goto(site.url);
    await page.evaluate(() => (window as unknown as { done: Promise<unknown> }).done);
  } finally {
    await site.close();
  }

  expect(await db.case.count({ where: { studyId: study.id, sourceId: "PLANTED-1" } })).toBe(0);
  expect(await db.case.count({ where: { studyId: study.id } })).toBe(before.cases);
  expect(await db.system.count({ where: { studyId: study.id } })).toBe(before.systems);
  expect(await db.study.count()).toBe(before.studies);
});

test("a foreign or missing Origin gets 403 from every state-changing route and a server action; SecondRead's own origin still works", async ({
  page,
}) => {
  const db = testDb();
  const study = await createStudy(db, await user("admin"), { name: "Origin study" });
  await login(page, "admin");
  const csv = {
    name: "demo.csv",
    mimeType: "text/csv",
    buffer: fs.readFileSync(path.join(DEMO_DIR, "openi-demo-20.csv")),
  };
  const api = `/api/studies/${study.id}`;
  const calls = {
    import: (headers: Record<string, string>) =>
      page.request.post(`${api}/import`, { headers, multipart: { file: csv } }),
    system: (headers: Record<string, string>) =>
      page.request.post(`${api}/systems`, {
        headers,
        multipart: { kind: "RETRIEVAL", name: "Origin retrieval", library: "study" },
      }),
    preview: (headers: Record<string, string>) =>
      page.request.post(`${api}/prompt-preview`, { headers, data: { template: "Findings: {{findings}}" } }),
    generation: (headers: Record<string, string>) =>
      page.request.post(`${api}/generation`, { headers, data: { systemId: "none", action: "start" } }),
    complete: (headers: Record<string, string>) =>
      page.request.post(`${api}/systems/none/outputs`, { headers, multipart: { note: "x" } }),
    signOut: (headers: Record<string, string>) =>
      page.request.post("/api/auth/signout", { headers, form: { csrfToken: "x" } }),
    action: (headers: Record<string, string>) =>
      page.request.post("/admin", {
        headers: { ...headers, "Next-Action": actionId("createStudyAction"), Accept: "text/x-component" },
        multipart: actionForm({ name: "Action study", ratersPerCase: "1" }),
      }),
  };
  const studies = await db.study.count();
  const systems = await db.system.count({ where: { studyId: study.id } });
  for (const [name, call] of Object.entries(calls)) {
    for (const headers of [
      { Origin: "http://localhost:1" },
      { Origin: "null" },
      { Origin: ORIGIN, "Sec-Fetch-Site": "same-site" },
      {},
    ] as Record<string, string>[]) {
      const res = await call(headers);
      expect(res.status(), `${name} with ${JSON.stringify(headers)}`).toBe(403);
      expect((await res.json()).error, name).toMatch(/nothing was changed/);
    }
  }
  expect(await db.case.count({ where: { studyId: study.id } })).toBe(0);
  expect(await db.system.count({ where: { studyId: study.id } })).toBe(systems);
  expect(await db.study.count()).toBe(studies);
  await page.goto("/admin");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  // A JSON body sent as text/plain (what a cross-site page can send) is refused even from here.
  for (const route of ["prompt-preview", "generation"]) {
    const res = await page.request.post(`${api}/${route}`, {
      headers: { ...FROM_SECONDREAD, "Content-Type": "text/plain" },
      data: JSON.stringify({ template: "{{findings}}", systemId: "none", action: "start" }),
    });
    expect(res.status(), route).toBe(415);
    expect((await res.json()).error).toMatch(/Content-Type must be application\/json/);
  }
  const urlencoded = await page.request.post(`${api}/import`, { headers: FROM_SECONDREAD, form: { mode: "preview" } });
  expect(urlencoded.status()).toBe(415);

  // The same requests from SecondRead's own origin go through.
  expect((await calls.import(FROM_SECONDREAD)).status()).toBe(200);
  expect(await db.case.count({ where: { studyId: study.id } })).toBe(20);
  expect((await calls.system(FROM_SECONDREAD)).status()).toBe(200);
  expect(await db.system.count({ where: { studyId: study.id, name: "Origin retrieval" } })).toBe(1);
  const preview = await calls.preview(FROM_SECONDREAD);
  expect(preview.status()).toBe(200);
  expect(JSON.stringify(await preview.json())).toContain("Findings: ");
  const generation = await calls.generation(FROM_SECONDREAD);
  expect(generation.status()).toBe(400);
  expect((await generation.json()).error).toMatch(/generated system/);
  expect((await calls.action(FROM_SECONDREAD)).status()).toBe(200);
  expect(await db.study.count({ where: { name: "Action study" } })).toBe(1);
});
