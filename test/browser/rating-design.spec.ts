import { expect, test } from "./fixtures.ts";
import { beginStudy, login, seedStudy, testDb, user } from "./helpers.ts";
import { defaultDesign } from "../../lib/rating/design.ts";
import { updateDesign } from "../../lib/studies/studies.ts";
import { SCORES } from "../helpers/scores.ts";

// The admin shapes what raters answer (criteria, scales, anchors) before the study starts; raters
// then answer exactly that, by keyboard; the first rating locks the design, and the page says why.
test("an admin edits the criteria; the rater scores them on their own scales by keyboard; then the design is locked", async ({
  page,
  browser,
}) => {
  const study = await seedStudy("Design study", ["rater2"]);
  await login(page, "admin");
  await page.goto(`/admin/studies/${study.id}`);
  const editors = page.getByTestId("criterion-editor");
  await expect(editors).toHaveCount(5);
  await page.getByRole("button", { name: "Remove Conciseness" }).click();
  await expect(editors).toHaveCount(4);
  await editors.nth(1).getByLabel("Scale").selectOption("7");
  await expect(editors.nth(1).getByText("Words for 7")).toBeVisible();
  await page.getByRole("button", { name: "Add a criterion" }).click();
  const added = editors.nth(4);
  await added.getByLabel("Criterion 5: name").fill("Safe to send");
  await added.getByLabel("Scale").selectOption("2");
  await added.getByLabel("Words for 1").fill("no");
  await added.getByLabel("Words for 2").fill("yes");
  await added.getByRole("button", { name: "Move up" }).click();
  await page.getByRole("button", { name: "Save rating design" }).click();
  await expect(page.getByText("Saved. Raters will answer these questions.")).toBeVisible();
  const saved = await testDb().study.findUniqueOrThrow({ where: { id: study.id } });
  expect(
    (saved.design as { scores: { criteria: { key: string; points: number }[] } }).scores.criteria.map((c) => [
      c.key,
      c.points,
    ]),
  ).toEqual([
    ["understandability", 5],
    ["coherence", 7],
    ["relevance", 5],
    ["safe-to-send", 2],
    ["clinicalUtility", 5],
  ]);

  // The rater: five groups per candidate, each with its own scale; digits score and move on.
  const rater = await (await browser.newContext()).newPage();
  await login(rater, "rater2");
  await beginStudy(rater, study.id);
  await expect(rater.getByRole("heading", { name: /^Case 1 of/ })).toBeVisible();
  const first = rater.getByTestId("candidate").first();
  await expect(first.getByRole("radiogroup")).toHaveCount(5);
  await expect(first.getByRole("radiogroup", { name: /^Coherence/ }).getByRole("radio")).toHaveCount(7);
  await expect(first.getByRole("radiogroup", { name: /^Safe to send/ }).getByRole("radio")).toHaveCount(2);
  await expect(rater.getByText(/Keys: 1–7 score the focused criterion/)).toBeVisible();
  const candidates = await rater.getByTestId("candidate").count();
  for (let i = 0; i < candidates; i++) {
    // 9 is off the 7-point scale: ignored, focus stays; then 7 scores it.
    await rater.keyboard.press("4");
    await rater.keyboard.press("9");
    await rater.keyboard.press("7");
    await rater.keyboard.press("3");
    await rater.keyboard.press("2");
    await rater.keyboard.press("5");
  }
  await expect(rater.getByText("This case is complete.")).toBeVisible();
  await expect(rater.getByTestId("save-status")).toHaveText("All changes saved");
  const ratings = await testDb().rating.findMany({
    where: { assignment: { case: { studyId: study.id } } },
    include: SCORES,
  });
  expect(ratings).toHaveLength(candidates);
  for (const r of ratings)
    expect(Object.fromEntries(r.scores.map((s) => [s.criterion, s.value]))).toEqual({
      understandability: 4,
      coherence: 7,
      relevance: 3,
      "safe-to-send": 2,
      clinicalUtility: 5,
    });

  // Back on the study page: the design is shown, locked, with the reason.
  await page.reload();
  await expect(page.getByTestId("design-locked")).toHaveText(/raters have saved \d+ ratings in this study/);
  await expect(page.getByRole("button", { name: "Save rating design" })).toHaveCount(0);
  await expect(page.getByText("Safe to send (1–2: no to yes)")).toBeVisible();
});

test("clinical errors by keyboard: a key per error, Shift for a not significant one, 0 for none; the case completes", async ({
  page,
  browser,
}) => {
  const study = await seedStudy("Errors study", ["rater2"]);
  await updateDesign(testDb(), await user("admin"), study.id, { ...defaultDesign(), errors: {} });
  await login(page, "rater2");
  await beginStudy(page, study.id);
  await expect(page.getByRole("heading", { name: /^Case 1 of/ })).toBeVisible();
  await expect(page.getByTestId("keys")).toContainText("In clinical errors: 1–6 add a significant error");
  const candidates = page.getByTestId("candidate");
  const n = await candidates.count();
  const started = Date.now();
  for (let i = 0; i < n; i++) {
    for (const key of ["4", "4", "3", "5", "4"]) await page.keyboard.press(key);
    await expect(candidates.nth(i).getByRole("group", { name: /^Clinical errors/ })).toBeFocused();
    if (i === 0) {
      await page.keyboard.press("2"); // a significant missed finding
      await page.keyboard.press("Shift+4"); // a wrong severity, not significant
      await page.keyboard.press("Enter");
    } else await page.keyboard.press("0");
  }
  await expect(page.getByText("This case is complete.")).toBeVisible();
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  console.log(
    `A keyboard-only pass over one case (${n} candidates, 5 scores and errors each): ${Date.now() - started} ms`,
  );
  await expect(candidates.first().getByTestId("errors-summary")).toHaveText("2 (1 significant)");
  await expect(candidates.nth(1).getByTestId("errors-summary")).toHaveText("none");

  // A note on an error, by mouse; then the stored answers.
  await candidates.first().getByLabel("Note on error 1").fill("the left effusion");
  await candidates.first().getByLabel("Note on error 1").blur();
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  const ratings = await testDb().rating.findMany({
    where: { assignment: { case: { studyId: study.id } } },
    include: { errors: { orderBy: { position: "asc" } } },
  });
  expect(ratings).toHaveLength(n);
  const withErrors = ratings.filter((r) => r.errors.length);
  expect(withErrors).toHaveLength(1);
  expect(withErrors[0].errors.map((e) => [e.category, e.significant, e.note])).toEqual([
    ["MISSED_FINDING", true, "the left effusion"],
    ["WRONG_SEVERITY", false, ""],
  ]);
  expect(ratings.filter((r) => r.noErrors)).toHaveLength(n - 1);

  // The admin's dashboard: one report in three has a significant error.
  const admin = await (await browser.newContext()).newPage();
  await login(admin, "admin");
  await admin.goto(`/admin/studies/${study.id}`);
  const table = admin.getByRole("table", { name: "Clinical errors per system" });
  await expect(table.getByTestId("any-significant")).toHaveCount(n);
  expect((await table.getByTestId("any-significant").allInnerTexts()).sort()).toEqual(
    ["100 %", ...Array(n - 1).fill("0 %")].sort(),
  );
  await expect(admin.getByRole("table", { name: "Clinical errors per report by category" })).toBeVisible();

  // A reload keeps it all; "No errors" by mouse on the first clears its errors.
  await page.reload();
  await expect(candidates.first().getByTestId("error-mark")).toHaveCount(2);
  await candidates.first().getByRole("button", { name: "No errors (0)" }).click();
  await expect(candidates.first().getByTestId("error-mark")).toHaveCount(0);
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  expect(await testDb().errorMark.count({ where: { rating: { assignment: { case: { studyId: study.id } } } } })).toBe(
    0,
  );
});

test("sign-off by keyboard: 1 as it is, 2 then the edited text, 4 would not sign; the edit is kept", async ({
  page,
}) => {
  const study = await seedStudy("Sign-off study", ["rater2"]);
  await updateDesign(testDb(), await user("admin"), study.id, { signOff: {} });
  await login(page, "rater2");
  await beginStudy(page, study.id);
  await expect(page.getByRole("heading", { name: /^Case 1 of/ })).toBeVisible();
  await expect(page.getByTestId("keys")).toContainText("Sign-off: 1 as it is, 2 minor edits");
  const candidates = page.getByTestId("candidate");
  await expect(candidates).toHaveCount(3);
  await expect(
    candidates
      .first()
      .getByRole("radiogroup", { name: /^Sign-off/ })
      .getByRole("radio")
      .first(),
  ).toBeFocused();
  await page.keyboard.press("1");
  await page.keyboard.press("2");
  const edit = candidates.nth(1).getByRole("textbox", { name: /The impression as you would sign it/ });
  await expect(edit).toBeFocused();
  const original = await candidates.nth(1).getByTestId("candidate-text").innerText();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(" No pneumothorax.");
  await page.keyboard.press("Tab");
  await candidates
    .nth(2)
    .getByRole("radiogroup", { name: /^Sign-off/ })
    .getByRole("radio")
    .first()
    .focus();
  await page.keyboard.press("4");
  await expect(page.getByText("This case is complete.")).toBeVisible();
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  const ratings = await testDb().rating.findMany({
    where: { assignment: { case: { studyId: study.id } } },
    include: { output: true },
  });
  expect(ratings.map((r) => r.signOff).sort()).toEqual(["ACCEPT", "MINOR_EDITS", "REJECT"]);
  const minor = ratings.find((r) => r.signOff === "MINOR_EDITS")!;
  expect(minor.output.text).toBe(original);
  expect(minor.editedText).toBe(`${original} No pneumothorax.`);
  // A reload shows the edited text, not the original.
  await page.reload();
  await expect(candidates.nth(1).getByRole("textbox", { name: /The impression as you would sign it/ })).toHaveValue(
    `${original} No pneumothorax.`,
  );
});

test("preference by keyboard: the best candidate (or equal) after the sign-offs; a ranking with a tie; the dashboard ranks the systems", async ({
  page,
  browser,
}) => {
  const study = await seedStudy("Preference study", ["rater2"]);
  await updateDesign(testDb(), await user("admin"), study.id, { signOff: {}, preference: { mode: "BEST" } });
  await login(page, "rater2");
  await beginStudy(page, study.id);
  await expect(page.getByRole("heading", { name: /^Case 1 of/ })).toBeVisible();
  await expect(page.getByTestId("keys")).toContainText("Preference: 1–3 pick the candidate you would rather send");
  const candidates = page.getByTestId("candidate");
  await expect(candidates).toHaveCount(3);
  // A sign-off each (1: as it is), then the preference takes the focus: 2 picks candidate B.
  for (let i = 0; i < 3; i++) await page.keyboard.press("1");
  await expect(page.getByRole("radio", { name: "Candidate A" })).toBeFocused();
  await expect(page.getByText("This case is complete.")).toHaveCount(0);
  await page.keyboard.press("2");
  await expect(page.getByText("This case is complete.")).toBeVisible();
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  const handleB = await candidates.nth(1).getAttribute("data-handle");
  const ranks = async () => {
    const rows = await testDb().rating.findMany({
      where: { assignment: { case: { studyId: study.id, position: 1 } } },
      select: { rank: true, outputId: true, assignment: { select: { displayOrder: true } } },
    });
    return rows.map((r) => {
      const order = r.assignment.displayOrder as { handle: string; outputId: string }[];
      return [order.find((e) => e.outputId === r.outputId)!.handle === handleB, r.rank];
    });
  };
  expect((await ranks()).sort()).toEqual([
    [false, 2],
    [false, 2],
    [true, 1],
  ]);
  // 0: they are equal; a reload shows it.
  await page.getByRole("radio", { name: "They are equal" }).focus();
  await page.keyboard.press("0");
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  await page.reload();
  await expect(page.getByRole("radio", { name: "They are equal" })).toBeChecked();
  expect((await ranks()).map(([, r]) => r)).toEqual([1, 1, 1]);
  await page.locator("label", { has: page.getByRole("radio", { name: "Candidate C" }) }).click();
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");

  // The dashboard: the preference table ranks the three systems.
  const admin = await (await browser.newContext()).newPage();
  await login(admin, "admin");
  await admin.goto(`/admin/studies/${study.id}`);
  const table = admin.getByRole("table", { name: "Preference per system" });
  await expect(table.getByTestId("strength")).toHaveCount(3);
  const best = await testDb().rating.findFirstOrThrow({
    where: { rank: 1, assignment: { case: { studyId: study.id } } },
    include: { output: { include: { system: true } } },
  });
  await expect(table.locator("tbody tr").first()).toHaveAttribute("data-system", best.output.system.name);
  await expect(table.locator("tbody tr").first().locator("td").first()).toHaveText("1");
});

test("ranking by keyboard: a rank per candidate, ties allowed; complete once each has one", async ({ page }) => {
  const study = await seedStudy("Ranking study", ["rater2"]);
  await updateDesign(testDb(), await user("admin"), study.id, { preference: { mode: "RANK" } });
  await login(page, "rater2");
  await beginStudy(page, study.id);
  await expect(page.getByRole("heading", { name: /^Case 1 of/ })).toBeVisible();
  await expect(page.getByTestId("keys")).toContainText("Ranking: 1–3 give the focused candidate its rank");
  await expect(page.getByRole("radiogroup", { name: "Rank of candidate A" }).getByRole("radio").first()).toBeFocused();
  await page.keyboard.press("2");
  await page.keyboard.press("4"); // off the scale of three: ignored
  await page.keyboard.press("1");
  await expect(page.getByText("This case is complete.")).toHaveCount(0);
  await page.keyboard.press("2");
  await expect(page.getByText("This case is complete.")).toBeVisible();
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  const labelled = await page
    .getByTestId("candidate")
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-handle")));
  const rows = await testDb().rating.findMany({
    where: { assignment: { case: { studyId: study.id, position: 1 } } },
    select: { rank: true, outputId: true, assignment: { select: { displayOrder: true } } },
  });
  const rankOf = (handle: string | null) =>
    rows.find((r) =>
      (r.assignment.displayOrder as { handle: string; outputId: string }[]).some(
        (e) => e.handle === handle && e.outputId === r.outputId,
      ),
    )?.rank;
  expect(labelled.map(rankOf)).toEqual([2, 1, 2]);
});

test("a new study's rating design is chosen in the create form: modules on and off, a ranking", async ({ page }) => {
  await login(page, "admin");
  const name = `Designed at creation ${Date.now()}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByText(/^Rating design: the paper/).click();
  await page.getByLabel(/^Scores on the criteria below/).uncheck();
  await page.getByLabel(/^Clinical errors \(as in ReXVal\)/).check();
  await page.getByLabel(/^Preference \(as in Flamingo-CXR\)/).check();
  await page.getByLabel("Asked as").selectOption("RANK");
  await page.getByRole("button", { name: "Create study" }).click();
  await page.getByRole("link", { name: /Study created/ }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const study = await testDb().study.findUniqueOrThrow({ where: { name } });
  expect(study.design).toEqual({ errors: {}, preference: { mode: "RANK" }, mergeIdentical: true });
  // The study page's editor starts from it.
  await expect(page.getByLabel(/^Preference \(as in Flamingo-CXR\)/)).toBeChecked();
  await expect(page.getByLabel("Asked as")).toHaveValue("RANK");
});
