import { expect, test } from "./fixtures.ts";
import { beginStudy, login, seedStudy, testDb } from "./helpers.ts";

// The admin picks a practice case and the scores they expect; the rater answers it first, by
// keyboard, and then sees the expected scores beside theirs; the dashboard does not count it.
test("practice: chosen by the admin with expected scores; answered first by the rater, then the expected answers appear", async ({
  page,
  browser,
}) => {
  const study = await seedStudy("Practice study", ["rater2"]);
  await login(page, "admin");
  await page.goto(`/admin/studies/${study.id}`);
  await page.getByLabel(/^Practice cases \(case numbers/).fill("3");
  await page.getByRole("button", { name: "Save practice cases" }).click();
  await expect(page.getByText("Saved: 1 practice case.")).toBeVisible();
  const editor = page.getByTestId("practice-case");
  await expect(editor).toHaveCount(1);
  // The reference's Coherence is expected to be 5; a note for the raters.
  await editor.getByLabel(/^Expected Coherence for Reference/).selectOption("5");
  await editor.getByLabel("Note to raters on case 3").fill("The reference reads well: coherence 5.");
  await page.getByRole("button", { name: "Save practice cases" }).click();
  // The message of the first save is still on the page: wait for the second save itself.
  const third = () => testDb().case.findFirstOrThrow({ where: { studyId: study.id, position: 3 } });
  await expect.poll(async () => (await third()).practiceNote).toBe("The reference reads well: coherence 5.");
  const practice = await third();
  expect(practice.practice).toBe(true);

  // The rater: the practice case first, numbered on its own.
  const rater = await (await browser.newContext()).newPage();
  await login(rater, "rater2");
  await beginStudy(rater, study.id);
  await expect(rater.getByRole("heading", { name: "Practice case 1 of 1" })).toBeVisible();
  await expect(rater.getByTestId("findings")).toHaveText(practice.findings);
  await expect(rater.getByTestId("practice")).toContainText("it counts in no result");
  await expect(rater.getByTestId("expected")).toHaveCount(0);
  const candidates = await rater.getByTestId("candidate").count();
  for (let i = 0; i < candidates; i++) for (const key of ["4", "3", "4", "4", "4"]) await rater.keyboard.press(key);
  await expect(rater.getByTestId("practice-note")).toHaveText("The reference reads well: coherence 5.");
  const reference = await testDb().output.findFirstOrThrow({
    where: { caseId: practice.id, system: { kind: "REFERENCE" } },
  });
  const shown = rater.getByTestId("candidate").filter({ hasText: reference.text });
  await expect(shown.getByTestId("expected")).toHaveText("Expected:Coherence 5 (yours 3)");
  await expect(rater.getByTestId("expected")).toHaveCount(1);
  // On to the study's first real case.
  await rater.keyboard.press("n");
  await expect(rater.getByRole("heading", { name: /^Case 1 of \d+$/ })).toBeVisible();

  // The dashboard counts no practice answer.
  await page.reload();
  await expect(page.getByTestId("practice-case")).toHaveCount(1);
  await expect(page.getByLabel(/^Practice cases \(case numbers/)).toBeDisabled();
  const ratings = await testDb().rating.count({ where: { assignment: { case: { studyId: study.id } } } });
  expect(ratings).toBe(candidates);
});
