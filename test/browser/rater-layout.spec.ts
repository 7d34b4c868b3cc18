import { expect, test } from "./fixtures.ts";
import { beginStudy, login, seedStudy, testDb, user } from "./helpers.ts";
import { defaultDesign } from "../../lib/rating/design.ts";
import { updateDesign } from "../../lib/studies/studies.ts";

// A rater's laptop: 1366×768. The case page fits its width, and the findings stay in view while
// the rater answers for the last candidate (they sit beside the candidates and stick on scroll).
test.use({ viewport: { width: 1366, height: 768 } });

test("on a 1366×768 screen the case page has no horizontal scroll and keeps the findings in view", async ({ page }) => {
  const study = await seedStudy("Laptop study", ["rater2"]);
  // Every module on: the widest the case page gets.
  await updateDesign(testDb(), await user("admin"), study.id, {
    ...defaultDesign(),
    errors: {},
    signOff: {},
    preference: { mode: "RANK" },
  });
  await login(page, "rater2");
  await beginStudy(page, study.id);
  await expect(page.getByRole("heading", { name: /^Case 1 of/ })).toBeVisible();
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll, "no horizontal scrolling").toBeLessThanOrEqual(widths.client);
  // The keys are written on the page.
  await expect(page.getByTestId("keys")).toContainText("1–5 score the focused criterion");
  await expect(page.getByTestId("keys")).toContainText("In clinical errors: 1–6");
  await expect(page.getByTestId("keys")).toContainText("Sign-off: 1 as it is");
  // Answering the last candidate's last question (its sign-off): the findings are still on screen.
  const last = page
    .getByTestId("candidate")
    .last()
    .getByRole("radiogroup", { name: /^Sign-off/ });
  await last.getByRole("radio").first().focus();
  await last.scrollIntoViewIfNeeded();
  await expect(page.getByTestId("findings")).toBeInViewport();
  await expect(last).toBeInViewport();
  // And the ranking below the candidates: the findings still beside it.
  await expect(page.getByTestId("keys")).toContainText("Ranking: 1–3");
  const ranking = page.getByRole("radiogroup", { name: "Rank of candidate C" });
  await ranking.getByRole("radio").first().focus();
  await ranking.scrollIntoViewIfNeeded();
  await expect(page.getByTestId("findings")).toBeInViewport();
  await expect(ranking).toBeInViewport();
  const after = await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  expect(after, "no horizontal scrolling with the ranking").toBe(true);
});
