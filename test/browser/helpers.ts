import { expect, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { setStudyRaters } from "../../lib/rating/assignment.ts";
import { createDb, type Db } from "../../lib/platform/db.ts";
import { importCases } from "../../lib/studies/import.ts";
import { createStudy, setStudyState } from "../../lib/studies/studies.ts";
import { addImportedSystem, addRetrievalSystem } from "../../lib/systems/systems.ts";
import { USERS } from "./users.ts";

export const DEMO_DIR = path.resolve(import.meta.dirname, "..", "..", "prisma", "demo");

/** SecondRead's own origin (playwright.config.ts's baseURL): state-changing requests must carry it. */
export const ORIGIN = `http://localhost:${Number(process.env.E2E_PORT ?? 3100)}`;
export const FROM_SECONDREAD = { Origin: ORIGIN };

let shared: Db | null = null;
export function testDb(): Db {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error("E2E_DATABASE_URL is not set: run the browser tests with `npm test`.");
  shared ??= createDb(url);
  return shared;
}

/** The id Next.js gave a server action in this build (to call it the way a page does). */
export function actionId(exportedName: string): string {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8"));
  const found = Object.entries<{ exportedName: string }>(manifest.node).find(
    ([, a]) => a.exportedName === exportedName,
  );
  if (!found) throw new Error(`No server action ${exportedName} in this build.`);
  return found[0];
}

/** React's encoding of (previous state, form), as the create-study form sends it: the root ("0") last. */
export function actionForm(fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(`_1_${k}`, v);
  form.append("0", '[null,"$K1"]');
  return form;
}

export async function login(page: Page, who: keyof typeof USERS) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(USERS[who].email);
  await page.getByLabel("Password").fill(USERS[who].password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export async function user(who: keyof typeof USERS) {
  return testDb().user.findUniqueOrThrow({ where: { email: USERS[who].email } });
}

/** A study made through lib/ (not the UI): 20 OpenI cases, reference, retrieval, an imported system. */
export async function seedStudy(name: string, raters: (keyof typeof USERS)[]) {
  const db = testDb();
  const admin = await user("admin");
  // Admin notes name the systems, as real ones do: the blinding crawl checks they never reach a rater.
  const study = await createStudy(db, admin, {
    name,
    ratersPerCase: 1,
    raterInstructions: "Score each impression as a report you would sign.",
    adminNotes: `Compares Secret Model ${name} with Retrieval ${name}.`,
  });
  await importCases(db, admin, study.id, {
    bytes: fs.readFileSync(path.join(DEMO_DIR, "openi-demo-20.csv")),
    fileName: "demo.csv",
    maxBytes: 1e8,
  });
  await addRetrievalSystem(db, admin, study.id, { name: `Retrieval ${name}`, library: null });
  const cases = await db.case.findMany({ where: { studyId: study.id } });
  const jsonl = cases
    .map((c) =>
      JSON.stringify({ uid: c.sourceId, output: `Imported-model impression:\n  ${c.findings.split(".")[0]}.` }),
    )
    .join("\n");
  await addImportedSystem(db, admin, study.id, {
    name: `Secret Model ${name}`,
    file: { bytes: new TextEncoder().encode(jsonl), fileName: "model.jsonl", maxBytes: 1e8 },
  });
  const ids = await Promise.all(raters.map(async (r) => (await user(r)).id));
  await setStudyRaters(db, admin, study.id, { raterIds: ids, ratersPerCase: 1 });
  await setStudyState(db, admin, study.id, "OPEN");
  return study;
}

/** Opens a study as a rater who has not scored in it yet: its instructions come first, then case 1. */
export async function beginStudy(page: Page, studyId: string) {
  await page.goto(`/rate/${studyId}`);
  await expect(page.getByRole("heading", { name: "Before you begin" })).toBeVisible();
  await page.getByRole("link", { name: "Begin rating" }).click();
}
