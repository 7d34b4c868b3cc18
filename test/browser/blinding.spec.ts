import { expect, test, type Response } from "./fixtures.ts";
import { login, seedStudy, testDb, user } from "./helpers.ts";

// Blinding is a security property: crawl everything a rater's browser receives and look for
// anything that names a system or can be joined back to one.
test("nothing a rater receives reveals which system wrote a text", async ({ page }) => {
  const study = await seedStudy("Blinding study", ["rater"]);
  const db = testDb();
  const systems = await db.system.findMany({ where: { studyId: study.id } });
  const outputs = await db.output.findMany({ where: { system: { studyId: study.id } }, select: { id: true } });
  const forbidden = [
    ...systems.flatMap((s) => [s.name, s.id]),
    study.adminNotes,
    ...outputs.map((o) => o.id),
    "REFERENCE", "RETRIEVAL", "IMPORTED", "OPENAI_COMPATIBLE", "systemId", "outputId", "Reference (radiologist)",
  ];

  const seen: { url: string; text: string }[] = [];
  page.on("response", async (res: Response) => {
    const url = res.url();
    if (url.includes("/_next/static/")) return; // build-time code, identical for every user
    const headers = JSON.stringify(await res.allHeaders());
    const body = await res.text().catch(() => "");
    seen.push({ url, text: `${url}\n${headers}\n${body}` });
  });

  await login(page, "rater");
  await page.goto("/rate");
  // The study list shows the instructions written for raters (the admins' notes are in `forbidden`).
  await expect(page.locator("section", { hasText: "Blinding study" }).getByTestId("rater-instructions")).toHaveText("Score each impression as a report you would sign.");
  await page.locator("section", { hasText: "Blinding study" }).getByRole("link", { name: "Start" }).click();
  const rater = await user("rater");
  const total = await db.assignment.count({ where: { raterId: rater.id, case: { studyId: study.id } } });
  for (let i = 1; i <= total; i++) {
    await expect(page.getByRole("heading", { name: `Case ${i} of ${total}` })).toBeVisible();
    await expect(page.getByTestId("candidate")).toHaveCount(3);
    if (i === 1) {
      // Saving goes through a server action: its request and answer are crawled too.
      await page.getByTestId("candidate").first().getByRole("radiogroup").first().getByText("3", { exact: true }).click();
      await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
      await page.reload(); // a full HTML load, not just RSC
    }
    await page.getByRole("button", { name: i < total ? "Next case →" : "Finish" }).click();
  }
  await expect(page.getByRole("heading", { name: /All done|Case 1 of/ })).toBeVisible(); // resumes at the unfinished case 1

  expect(seen.length).toBeGreaterThan(total);
  for (const { url, text } of seen) {
    for (const word of forbidden) expect(text.includes(word), `${url} contains "${word}"`).toBe(false);
  }
});
