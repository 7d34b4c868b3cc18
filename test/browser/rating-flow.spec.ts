import { expect, test, type Page } from "./fixtures.ts";
import fs from "node:fs";
import path from "node:path";
import { DEMO_DIR, login, testDb } from "./helpers.ts";
import { USERS } from "./users.ts";

// The whole path a study takes, through the UI only: admin sets up, rater rates, admin reads.
test.describe.configure({ mode: "serial" });

const STUDY = "E2E flow study";
const INSTRUCTIONS =
  "## How to rate\n\n- Read the findings first.\n- Score **every** impression.\n\nSee [the guide](https://example.org/guide). <script>window.pwned = 1</script>";
// The first 40 rows of the real OpenI file: a few rows lack findings or an impression.
const sample = () => {
  const text = fs.readFileSync(path.join(DEMO_DIR, "indiana_reports.csv"), "utf8");
  const lines: string[] = [];
  let rows = 0;
  let inQuote = false;
  let current = "";
  for (const ch of text) {
    current += ch;
    if (ch === '"') inQuote = !inQuote;
    if (ch === "\n" && !inQuote) {
      lines.push(current);
      current = "";
      if (++rows > 40) break;
    }
  }
  return Buffer.from(lines.join(""));
};

async function adminStudyPage(page: Page) {
  await login(page, "admin");
  await page.getByRole("link", { name: STUDY }).click();
  await expect(page.getByRole("heading", { name: STUDY })).toBeVisible();
}

test("admin creates a study, imports an OpenI sample, adds the retrieval baseline and assigns a rater", async ({
  page,
  browser,
}) => {
  await login(page, "admin");
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByLabel("Name", { exact: true }).fill(STUDY);
  await page.getByLabel("Instructions for raters").fill(INSTRUCTIONS);
  await page.getByLabel("Notes for admins").fill("Browser test: TF-IDF against the reference.");
  await page.getByRole("button", { name: "Create study" }).click();
  await page.getByRole("link", { name: /Study created/ }).click();
  await expect(page.getByRole("heading", { name: STUDY })).toBeVisible();

  await page
    .getByTestId("case-file")
    .setInputFiles({ name: "openi-sample.csv", mimeType: "text/csv", buffer: sample() });
  await expect(page.getByText("40 rows, CSV")).toBeVisible();
  await expect(page.locator("select[name=findings]")).toHaveValue("findings");
  await page.getByRole("button", { name: "Import cases" }).click();
  const warning = page.locator("[role=alert]").filter({ hasText: "lack findings or an impression" });
  await expect(warning).toBeVisible();
  await expect(warning).toContainText("Row 3 (id 3): no findings");
  await warning.getByRole("button", { name: /Skip these rows and import/ }).click();
  await expect(page.getByText(/Imported \d+ case\(s\), skipped \d+ incomplete/)).toBeVisible();
  const study = await testDb().study.findUniqueOrThrow({
    where: { name: STUDY },
    include: { _count: { select: { cases: true } } },
  });
  expect(study._count.cases).toBeGreaterThan(30);

  await page.getByLabel("Name", { exact: true }).last().fill("TF-IDF baseline");
  await page.getByRole("button", { name: "Add system" }).click();
  await expect(page.getByRole("cell", { name: "TF-IDF baseline" })).toBeVisible();

  await page.getByLabel(USERS.rater.email).check();
  await page.getByRole("button", { name: "Save raters and assign cases" }).click();
  await expect(page.getByText(/Saved; \d+ new assignment/)).toBeVisible();
  await expect(page.getByTestId("ratings-progress")).toHaveText(`0 / ${study._count.cases * 2}`);

  // A new study is a draft: its rater does not see it until the admin opens it.
  await expect(page.getByTestId("study-state")).toHaveText("Draft: raters do not see this study yet.");
  const rater = await (await browser.newContext()).newPage();
  await login(rater, "rater");
  await expect(rater.getByRole("heading", { name: study.name })).toHaveCount(0);
  await page.getByRole("button", { name: "Open to raters" }).click();
  await expect(page.getByTestId("study-state")).toHaveText("Open: raters see this study and answer.");
  await rater.reload();
  await expect(rater.getByRole("heading", { name: study.name })).toBeVisible();
});

test("admin adds a rater account from the UI and it can sign in", async ({ page, browser }) => {
  await login(page, "admin");
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByLabel("Email").fill("new.rater@e2e.secondread");
  await page.getByLabel("Name", { exact: true }).fill("New Rater");
  await page.getByRole("button", { name: "Add user" }).click();
  const password = await page.getByTestId("new-password").innerText();
  expect(password.length).toBeGreaterThanOrEqual(10);
  const other = await browser.newPage();
  await other.goto("/login");
  await other.getByLabel("Email").fill("new.rater@e2e.secondread");
  await other.getByLabel("Password").fill(password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other.getByRole("heading", { name: "My ratings" })).toBeVisible();
  await other.close();
});

test("rater rates a case with the keyboard and the mouse; a reload keeps every score", async ({ page }) => {
  await login(page, "rater");
  await expect(page).toHaveURL(/\/rate$/);
  const card = page.locator("section", { hasText: STUDY });
  // The instructions are Markdown, rendered: a heading, a list, a link; the script is not run or shown as a tag.
  const instructions = card.getByTestId("rater-instructions");
  await expect(instructions.getByRole("heading", { name: "How to rate" })).toBeVisible();
  await expect(instructions.getByRole("listitem")).toHaveText(["Read the findings first.", "Score every impression."]);
  await expect(instructions.getByRole("link", { name: "the guide" })).toHaveAttribute(
    "href",
    "https://example.org/guide",
  );
  expect(await instructions.innerHTML()).not.toContain("<script");
  await expect(card).not.toContainText("TF-IDF");
  await card.getByRole("link", { name: "Start" }).click();
  // Before the first score, the instructions come first; then case 1.
  await expect(page.getByRole("heading", { name: "Before you begin" })).toBeVisible();
  await expect(page.getByTestId("instructions-before-start").getByRole("listitem")).toHaveCount(2);
  await page.getByRole("link", { name: "Begin rating" }).click();
  await expect(page.getByRole("heading", { name: /^Case 1 of/ })).toBeVisible();
  const candidates = page.getByTestId("candidate");
  await expect(candidates).toHaveCount(2);

  // Candidate A by keyboard: focus starts on its first criterion; each digit scores and moves on.
  const firstRadio = candidates.nth(0).getByRole("radiogroup").first().getByRole("radio").first();
  await expect(firstRadio).toBeFocused();
  for (const key of ["5", "4", "3", "2", "1"]) await page.keyboard.press(key);
  // Candidate B by mouse.
  const b = candidates.nth(1);
  for (const [i, v] of [
    [0, 2],
    [1, 3],
    [2, 4],
    [3, 5],
    [4, 4],
  ] as const) {
    await b.getByRole("radiogroup").nth(i).getByText(String(v), { exact: true }).click();
  }
  await b.getByLabel("Comment").fill("Misses the effusion.");
  await b.getByLabel("Comment").blur();
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  await expect(page.getByText("This case is complete.")).toBeVisible();

  await page.reload();
  const a = page.getByTestId("candidate").nth(0);
  for (const [i, v] of [
    [0, 5],
    [1, 4],
    [2, 3],
    [3, 2],
    [4, 1],
  ] as const) {
    await expect(
      a
        .getByRole("radiogroup")
        .nth(i)
        .getByRole("radio", { name: String(v) }),
    ).toBeChecked();
  }
  await expect(page.getByTestId("candidate").nth(1).getByLabel("Comment")).toHaveValue("Misses the effusion.");
  // The instructions are one click away on every case.
  const onCase = page.getByTestId("case-instructions");
  await expect(onCase.getByRole("heading", { name: "How to rate" })).toBeHidden();
  await onCase.getByText("Study instructions").click();
  await expect(onCase.getByRole("heading", { name: "How to rate" })).toBeVisible();

  // Leaving and coming back resumes at the first unfinished case: case 2.
  await page.goto("/rate");
  await page.locator("section", { hasText: STUDY }).getByRole("link", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: /^Case 2 of/ })).toBeVisible();

  const rows = await testDb().rating.count({ where: { assignment: { case: { study: { name: STUDY } } } } });
  expect(rows).toBe(2);
});

test("admin sees the means change and downloads a CSV that contains the rating", async ({ page }) => {
  await adminStudyPage(page);
  const understandability = page.locator("table[data-criterion=understandability]");
  const ref = understandability.locator("tr[data-system='Reference (radiologist)']");
  const tfidf = understandability.locator("tr[data-system='TF-IDF baseline']");
  const means = [await ref.getByTestId("mean").innerText(), await tfidf.getByTestId("mean").innerText()].sort();
  expect(means).toEqual(["2.00", "5.00"]);
  await expect(ref.getByTestId("n")).toHaveText("1");
  // Paired with the reference on the one rated case: 2 - 5 or 5 - 2, whichever the blinded order gave.
  const vsRef = page.locator(
    "table[aria-label='Difference from the reference'] tr[data-system='TF-IDF baseline'] td[data-criterion=understandability]",
  );
  await expect(vsRef.getByTestId("difference")).toHaveText(/^[+−]3\.00$/);
  await expect(vsRef.getByTestId("p")).toHaveText("p = 1.000, 1 case");
  await expect(vsRef.getByTestId("p-holm")).toHaveText("Holm-adjusted p = 1.000");
  await expect(page.getByTestId("ratings-progress")).toContainText(/^2 \//);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download ratings (CSV)" }).click();
  const csv = fs.readFileSync(await (await download).path(), "utf8");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toContain("case_source_id,system,system_kind,rater_email,module,item,value,note");
  expect(lines).toHaveLength(1 + 10);
  expect(csv).toContain(`TF-IDF baseline,RETRIEVAL,${USERS.rater.email},scores,understandability,`);
  expect(csv).toContain("Misses the effusion.");

  const summaryDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download summary (CSV)" }).click();
  const summary = fs
    .readFileSync(await (await summaryDownload).path(), "utf8")
    .trim()
    .split("\r\n");
  expect(summary[0]).toMatch(/^study,system,system_kind,criterion,ratings,cases,mean,/);
  expect(summary.filter((l) => l.includes(",TF-IDF baseline,RETRIEVAL,understandability,1,1,"))).toHaveLength(1);
});
