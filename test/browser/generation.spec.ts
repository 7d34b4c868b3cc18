import { expect, test } from "./fixtures.ts";
import fs from "node:fs";
import path from "node:path";
import { setStudyRaters } from "../../lib/rating/assignment.ts";
import { importCases } from "../../lib/studies/import.ts";
import { createStudy, setStudyState } from "../../lib/studies/studies.ts";
import { DEMO_DIR, login, testDb, user } from "./helpers.ts";

test("admin adds the bundled model (offered first), watches generation reach 100 %, and a rater rates its outputs blinded", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const db = testDb();
  const admin = await user("admin");
  const study = await createStudy(db, admin, { name: "Generation study" });
  await importCases(db, admin, study.id, {
    bytes: fs.readFileSync(path.join(DEMO_DIR, "openi-demo-20.csv")),
    fileName: "demo.csv",
    maxBytes: 1e8,
  });
  await setStudyRaters(db, admin, study.id, { raterIds: [(await user("rater")).id], ratersPerCase: 1 });
  await setStudyState(db, admin, study.id, "OPEN");

  await login(page, "admin");
  await page.goto(`/admin/studies/${study.id}`);
  await page.getByLabel("LLM (GGUF model, generated here)").check();
  await page.getByLabel("Name", { exact: true }).last().fill("Bundled model");
  await expect(page.getByTestId("model-note")).toContainText(
    /trained on about 2,300 OpenI reports.*not a clinical tool/i,
  );
  await page.getByRole("button", { name: "Preview on a real case" }).click();
  await expect(page.getByTestId("prompt-preview")).toContainText(
    "Derive the impression from findings in the radiology report",
  );
  await expect(page.getByTestId("prompt-preview")).toContainText("Findings: The cardiac silhouette");
  await page.getByRole("button", { name: "Add system" }).click();
  await expect(page.getByText("System added.")).toBeVisible();

  const row = page.getByTestId("generation-row").filter({ hasText: "Bundled model" });
  await row.getByRole("button", { name: "Start generation" }).click();
  await expect(row.getByTestId("generation-count")).toHaveText("20 / 20", { timeout: 120_000 });
  await expect(row.getByText("Complete")).toBeVisible();
  const system = await db.system.findFirstOrThrow({ where: { studyId: study.id, name: "Bundled model" } });
  expect(await db.output.count({ where: { systemId: system.id } })).toBe(20);

  // The rater sees two candidates per case (the reference and the model), blinded, and rates both.
  const rater = await browser.newPage();
  await login(rater, "rater");
  await rater.goto(`/rate/${study.id}`);
  await expect(rater.getByRole("heading", { name: /^Case 1 of 20/ })).toBeVisible();
  const candidates = rater.getByTestId("candidate");
  await expect(candidates).toHaveCount(2);
  const modelText = (await db.output.findFirstOrThrow({ where: { systemId: system.id, case: { position: 1 } } })).text;
  // (Its text may equal the reference's: both are then shown, and neither says whose it is.)
  expect(await candidates.getByTestId("candidate-text").allTextContents()).toContain(modelText);
  await expect(rater.locator("body")).not.toContainText("Bundled model");
  await candidates.first().getByRole("radiogroup").first().getByRole("radio").first().focus();
  for (let i = 0; i < 10; i++) await rater.keyboard.press(String((i % 5) + 1));
  await expect(rater.getByTestId("save-status")).toHaveText("All changes saved");
  await expect(rater.getByText("This case is complete.")).toBeVisible();
  const rated = await db.rating.findMany({ where: { output: { systemId: system.id } } });
  expect(rated).toHaveLength(1);
});
