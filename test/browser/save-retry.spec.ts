import { expect, test } from "./fixtures.ts";
import { beginStudy, login, seedStudy, testDb, user } from "./helpers.ts";
import { SCORES, withScores } from "../helpers/scores.ts";

test("a score given while the network fails is retried until saved, and never doubled", async ({ page }) => {
  const study = await seedStudy("Retry study", ["rater2"]);
  await login(page, "rater2");
  await beginStudy(page, study.id);
  await expect(page.getByRole("heading", { name: /^Case 1 of/ })).toBeVisible();

  // The first two saves die on the wire; the form must keep the score and try again.
  let dropped = 0;
  await page.route("**/rate/case/**", (route) =>
    route.request().method() === "POST" && dropped++ < 2 ? route.abort("connectionreset") : route.continue(),
  );
  const candidate = page.getByTestId("candidate").first();
  await candidate.getByRole("radiogroup").first().getByText("4", { exact: true }).click();
  await expect(page.getByTestId("save-status")).toHaveText(/retrying/);
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved", { timeout: 20_000 });
  expect(dropped).toBeGreaterThanOrEqual(2);

  // A double click on the same score is one rating, too.
  await candidate.getByRole("radiogroup").nth(1).getByText("2", { exact: true }).dblclick();
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");

  const ratings = (
    await testDb().rating.findMany({
      where: { assignment: { raterId: (await user("rater2")).id, case: { studyId: study.id } } },
      include: SCORES,
    })
  ).map(withScores);
  expect(ratings).toHaveLength(1);
  expect(ratings[0].understandability).toBe(4);
  expect(ratings[0].coherence).toBe(2);
});
