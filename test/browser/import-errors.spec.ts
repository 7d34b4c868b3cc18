import { expect, test } from "@playwright/test";
import { login, testDb } from "./helpers.ts";

test("a malformed file gets a message naming the problem, and nothing is imported", async ({ page }) => {
  await login(page, "admin");
  await page.getByLabel("Name").fill("Import errors study");
  await page.getByRole("button", { name: "Create study" }).click();
  await page.getByRole("link", { name: /Study created/ }).click();
  const study = await testDb().study.findUniqueOrThrow({ where: { name: "Import errors study" } });

  const latin1 = Buffer.concat([Buffer.from("uid,findings,impression\r\n1,Heart size normal,Caf"), Buffer.from([0xe9]), Buffer.from(" normal\r\n")]);
  await page.getByTestId("case-file").setInputFiles({ name: "latin1.csv", mimeType: "text/csv", buffer: latin1 });
  await expect(page.getByText(/not UTF-8/)).toBeVisible();
  await expect(page.getByText(/Nothing was imported/)).toBeVisible();

  await page.getByTestId("case-file").setInputFiles({ name: "broken.csv", mimeType: "text/csv", buffer: Buffer.from('uid,findings,impression\n1,"unclosed,x\n2,a,b\n') });
  await expect(page.getByText(/line 2/)).toBeVisible();
  expect(await testDb().case.count({ where: { studyId: study.id } })).toBe(0);
});
