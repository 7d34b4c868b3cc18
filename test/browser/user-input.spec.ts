// The Add user form refuses what lib/accounts/users.ts refuses, naming the field, even when the page is
// tampered with (a role the select does not offer, a NUL in the name), and creates nothing.
import { expect, test } from "./fixtures.ts";
import { login, testDb } from "./helpers.ts";

test("Add user refuses an unknown role and a NUL in the name, naming the field", async ({ page }) => {
  await login(page, "admin");
  await page.goto("/admin/users");
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Add user" }) });
  const email = `input-${Date.now()}@e2e.secondread`;

  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").evaluate((select: HTMLSelectElement) => {
    select.options[0].value = "SUPERADMIN";
    select.selectedIndex = 0;
  });
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByRole("status")).toHaveText(/^Role: must be ADMIN \(study admin\) or RATER/);

  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Name").evaluate((input: HTMLInputElement) => {
    input.value = "Dr \u0000Null";
  });
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByRole("status")).toHaveText(/^Name: control characters/);
  expect(await testDb().user.count({ where: { email } })).toBe(0);
});
