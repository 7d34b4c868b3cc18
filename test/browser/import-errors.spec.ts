import { expect, test } from "./fixtures.ts";
import { importCases } from "../../lib/studies/import.ts";
import { login, seedStudy, testDb, user } from "./helpers.ts";

test("a malformed file gets a message naming the problem, and nothing is imported", async ({ page }) => {
  await login(page, "admin");
  await page.getByLabel("Name", { exact: true }).fill("Import errors study");
  await page.getByRole("button", { name: "Create study" }).click();
  await page.getByRole("link", { name: /Study created/ }).click();
  const study = await testDb().study.findUniqueOrThrow({ where: { name: "Import errors study" } });

  const latin1 = Buffer.concat([
    Buffer.from("uid,findings,impression\r\n1,Heart size normal,Caf"),
    Buffer.from([0xe9]),
    Buffer.from(" normal\r\n"),
  ]);
  await page.getByTestId("case-file").setInputFiles({ name: "latin1.csv", mimeType: "text/csv", buffer: latin1 });
  await expect(page.getByText(/not UTF-8/)).toBeVisible();
  await expect(page.getByText(/Nothing was imported/)).toBeVisible();

  await page.getByTestId("case-file").setInputFiles({
    name: "broken.csv",
    mimeType: "text/csv",
    buffer: Buffer.from('uid,findings,impression\n1,"unclosed,x\n2,a,b\n'),
  });
  await expect(page.getByText(/line 2/)).toBeVisible();
  expect(await testDb().case.count({ where: { studyId: study.id } })).toBe(0);
});

test("cases imported after the systems: the admin completes the retrieval and imported systems from the systems table", async ({
  page,
}) => {
  const study = await seedStudy("Late cases study", ["rater2"]);
  const admin = await user("admin");
  const late =
    "uid,findings,impression\nlate-1,Lungs are clear. Heart size normal.,No acute disease.\nlate-2,Small right pleural effusion.,Right effusion.\n";
  await importCases(testDb(), admin, study.id, { bytes: Buffer.from(late), fileName: "late.csv", maxBytes: 1e8 });
  await login(page, "admin");
  await page.goto(`/admin/studies/${study.id}`);

  const retrieval = page.getByRole("form", { name: "Complete Retrieval Late cases study" });
  await expect(retrieval).toContainText("2 case(s) without an output");
  await retrieval.getByRole("button", { name: "Retrieve for them" }).click();
  await expect(page.getByRole("form", { name: "Complete Retrieval Late cases study" })).toHaveCount(0);

  const imported = page.getByRole("form", { name: "Complete Secret Model Late cases study" });
  await imported.getByLabel("Outputs file").setInputFiles({
    name: "late.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("uid,output\nlate-1,Clear.\nnot-a-case,Clear.\n"),
  });
  await imported.getByRole("button", { name: "Add their outputs" }).click();
  await expect(imported.getByText(/not in this study \("not-a-case"\)/)).toBeVisible();
  await imported.getByLabel("Outputs file").setInputFiles({
    name: "late.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("uid,output\nlate-1,Clear.\nlate-2,Right effusion.\n"),
  });
  await imported.getByRole("button", { name: "Add their outputs" }).click();
  await expect(page.getByRole("form", { name: "Complete Secret Model Late cases study" })).toHaveCount(0);
  const systems = await testDb().system.findMany({
    where: { studyId: study.id },
    include: { _count: { select: { outputs: true } } },
  });
  expect(systems.map((s) => s._count.outputs)).toEqual([22, 22, 22]);
});
