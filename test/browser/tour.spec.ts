import fs from "node:fs";
import path from "node:path";
import { expect, type Locator, test } from "./fixtures.ts";
import { beginStudy, login, seedStudy, testDb, user } from "./helpers.ts";
import { defaultDesign } from "../../lib/rating/design.ts";
import { setPractice } from "../../lib/studies/practice.ts";
import { updateDesign } from "../../lib/studies/studies.ts";

// The README's tour, module by module, as a rater and an admin see it. With SCREENSHOT_DIR set
// (`npm run screenshots`) each step is also saved as the tour's picture; the checks run either way.
const dir = process.env.SCREENSHOT_DIR;
async function shot(what: Locator, name: string) {
  await expect(what).toBeVisible();
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await what.screenshot({ path: path.join(dir, `tour-${name}.png`), animations: "disabled" });
}

test.use({ viewport: { width: 1366, height: 900 } });

test("the tour: every module answered by keyboard, the practice reveal, and the results of each", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const study = await seedStudy("Tour study", ["rater2"]);
  const admin = await user("admin");
  await updateDesign(testDb(), admin, study.id, {
    ...defaultDesign(),
    errors: {},
    signOff: {},
    preference: { mode: "BEST" },
  });
  const second = await testDb().case.findFirstOrThrow({
    where: { studyId: study.id, position: 2 },
    include: { outputs: true },
  });
  await setPractice(testDb(), admin, study.id, {
    cases: [
      {
        position: 2,
        note: "The reference says all that matters in one line: coherence and clinical utility 5.",
        expected: Object.fromEntries(second.outputs.map((o) => [o.id, { coherence: 4, clinicalUtility: 4 }])),
      },
    ],
  });

  await login(page, "rater2");
  await beginStudy(page, study.id);
  // Practice first: answered in full, then the expected scores appear.
  await expect(page.getByRole("heading", { name: "Practice case 1 of 1" })).toBeVisible();
  const candidates = page.getByTestId("candidate");
  const n = await candidates.count();
  for (let i = 0; i < n; i++) for (const key of ["4", "5", "4", "4", "3", "0", "1"]) await page.keyboard.press(key);
  await page.keyboard.press("0");
  await expect(page.getByTestId("practice-note")).toBeVisible();
  await shot(page.getByTestId("practice"), "practice");
  await shot(candidates.first(), "practice-expected");
  await page.keyboard.press("n");

  // A real case: scores, one significant error, a sign-off with edits, the preference.
  await expect(page.getByRole("heading", { name: /^Case 1 of/ })).toBeVisible();
  const m = await candidates.count();
  const started = Date.now();
  for (let i = 0; i < m; i++) {
    for (const key of ["4", "4", "3", "5", "4"]) await page.keyboard.press(key);
    if (i === 0) {
      await page.keyboard.press("2");
      await page.keyboard.press("Enter");
    } else await page.keyboard.press("0");
    await page.keyboard.press("1");
  }
  await page.keyboard.press("2");
  await expect(page.getByText("This case is complete.")).toBeVisible();
  console.log(`Keyboard-only pass over one case (${m} candidates, every module): ${Date.now() - started} ms`);
  await candidates.first().getByText("Sign after minor edits").click();
  const edit = candidates.first().getByRole("textbox", { name: /The impression as you would sign it/ });
  await edit.fill(`${await edit.inputValue()} Small left pleural effusion.`);
  await edit.blur();
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  await page.getByTestId("findings").click(); // no focus ring in the pictures
  await page.evaluate(() => window.scrollTo(0, 0));
  if (dir) await page.screenshot({ path: path.join(dir, "tour-rating.png"), animations: "disabled" });
  await shot(candidates.first().getByRole("radiogroup").first(), "scores");
  await shot(candidates.first().getByRole("group", { name: /^Clinical errors/ }), "errors");
  await shot(
    candidates
      .first()
      .getByRole("radiogroup", { name: /^Sign-off/ })
      .locator(".."),
    "signoff",
  );
  await shot(page.getByTestId("preference"), "preference");

  // The admin: the design and the results of every module.
  const adminPage = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  await login(adminPage, "admin");
  await adminPage.goto(`/admin/studies/${study.id}`);
  await expect(adminPage.getByRole("table", { name: "Preference per system" }).getByTestId("strength")).toHaveCount(3);
  await shot(adminPage.getByRole("table", { name: "Clinical errors per system" }), "results-errors");
  await shot(adminPage.getByRole("table", { name: "Sign-off per system" }), "results-signoff");
  await shot(adminPage.getByRole("table", { name: "Preference per system" }), "results-preference");
  await shot(adminPage.getByTestId("design-locked").locator(".."), "design");
});
