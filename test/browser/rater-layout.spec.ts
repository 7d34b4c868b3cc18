import { expect, test } from "./fixtures.ts";
import { beginStudy, login, seedStudy } from "./helpers.ts";

// A rater's laptop: 1366×768. The case page fits its width, and the findings stay in view while
// the rater answers for the last candidate (they sit beside the candidates and stick on scroll).
test.use({ viewport: { width: 1366, height: 768 } });

test("on a 1366×768 screen the case page has no horizontal scroll and keeps the findings in view", async ({ page }) => {
  const study = await seedStudy("Laptop study", ["rater2"]);
  await login(page, "rater2");
  await beginStudy(page, study.id);
  await expect(page.getByRole("heading", { name: /^Case 1 of/ })).toBeVisible();
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll, "no horizontal scrolling").toBeLessThanOrEqual(widths.client);
  // The keys are written on the page.
  await expect(page.getByText(/Keys: 1–5 score the focused criterion/)).toBeVisible();
  // Answering the last candidate's last criterion: the findings are still on screen.
  const last = page.getByTestId("candidate").last().getByRole("radiogroup").last();
  await last.getByRole("radio").first().focus();
  await last.scrollIntoViewIfNeeded();
  await expect(page.getByTestId("findings")).toBeInViewport();
  await expect(last).toBeInViewport();
});
