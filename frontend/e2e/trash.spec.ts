// The trash in Chromium against a real `taskflow serve` (SPEC §10): a delete is undone from its
// toast (button and `z`), and a deleted task comes back from the Trash page.
import { expect, test, type Page } from "@playwright/test";
import { detailOf, quickAdd, seriousA11yViolations, signUp } from "./helpers";

test.skip(process.env.TASKFLOW_E2E !== "1", "set TASKFLOW_E2E=1 to run against a real taskflow serve");
test.use({ baseURL: process.env.TASKFLOW_E2E_BASE_URL });

const run = Date.now().toString(36);
const row = (page: Page, title: string) => page.getByRole("button", { name: title, exact: true });

async function deleteTask(page: Page, title: string): Promise<void> {
  await row(page, title).click();
  await detailOf(page).getByRole("button", { name: "Delete task" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  await expect(row(page, title)).toHaveCount(0);
  await expect(page.getByText(`Moved “${title}” to the trash.`)).toBeVisible();
}

const person = (name: string) => ({
  email: `${name}-${run}@example.com`,
  username: `${name}_${run}`,
  password: `${name} has a long passphrase ${run}`,
});

test("a deleted task comes back by Undo, by z, and from the Trash page", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, person("tess"));
  await quickAdd(page, ["Water the plants", "Call the plumber", "Renew passport"]);

  // Undo on the toast restores the task where it was.
  await deleteTask(page, "Water the plants");
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByText("Restored “Water the plants”.")).toBeVisible();
  await expect(row(page, "Water the plants")).toBeVisible();

  // `z` does the same for the newest delete.
  await deleteTask(page, "Call the plumber");
  await page.locator("body").press("z");
  await expect(row(page, "Call the plumber")).toBeVisible();

  // A delete left alone stays in the trash; the Trash page lists it and restores it.
  await deleteTask(page, "Renew passport");
  await page.getByRole("button", { name: "Dismiss" }).first().click();
  await page.getByRole("link", { name: "Trash" }).click();
  await expect(page.getByRole("heading", { name: "Trash" })).toBeVisible();
  const item = page.getByRole("list", { name: "Deleted items" }).getByRole("listitem").filter({ hasText: "Renew passport" });
  await expect(item).toContainText(`by tess_${run}`);
  await expect(item).toContainText("gone for good on");
  await item.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByText("Restored “Renew passport”.")).toBeVisible();
  await expect(page.getByText("The trash is empty.")).toBeVisible();
  await page.getByRole("link", { name: "Inbox", exact: true }).click();
  await expect(row(page, "Renew passport")).toBeVisible();
  await expect(row(page, "Water the plants")).toBeVisible();
  await expect(row(page, "Call the plumber")).toBeVisible();
});

test("a task's history shows old → new and restores a version, whole or one field", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, person("hal"));
  await quickAdd(page, ["Draft the plan"]);
  await row(page, "Draft the plan").click();
  const detail = detailOf(page);
  // Two edits: a new title, then a priority.
  const title = detail.getByLabel("Title", { exact: true });
  await title.fill("Draft the final plan");
  await title.press("Enter");
  await expect(row(page, "Draft the final plan")).toBeVisible();
  const saved = page.waitForResponse((r) => r.request().method() === "PATCH" && r.ok());
  await detail.getByLabel("Priority").selectOption("4");
  await saved;

  // The activity panel says what changed, old → new.
  await detail.getByRole("button", { name: "Show activity" }).click();
  const activity = detail.getByRole("region", { name: "Activity" });
  await expect(activity.locator("del", { hasText: "Draft the plan" })).toBeVisible();
  await expect(activity.locator("ins", { hasText: "Draft the final plan" })).toBeVisible();

  // History: the first version had the old title and no priority.
  const history = detail.getByRole("region", { name: "History" });
  await history.getByRole("button", { name: "Show history" }).click();
  const first = history.getByRole("button", { name: "Version 1", exact: true });
  await first.click();
  await expect(history.locator("ins", { hasText: "Draft the plan" })).toBeVisible();
  // Only the title comes back: the priority stays.
  await history.getByRole("button", { name: "Restore the title of version 1" }).click();
  await expect(page.getByText("Restored the title of version 1.")).toBeVisible();
  await expect(row(page, "Draft the plan")).toBeVisible();
  await expect(detail.getByLabel("Priority")).toHaveValue("4");
  // Then the whole first version: the priority goes back too.
  await first.click();
  await first.click();
  await history.getByRole("button", { name: "Restore this version" }).click();
  await expect(page.getByText("Restored version 1.")).toBeVisible();
  await expect(detail.getByLabel("Priority")).toHaveValue("0");
});

test.describe("with axe-core injected", () => {
  // The app's CSP rightly blocks the injected checker (see server.spec.ts).
  test.use({ bypassCSP: true });

  test("the Trash page has no serious accessibility violations, light and dark", async ({ page }) => {
    await signUp(page, person("uma"));
    await quickAdd(page, ["Old idea"]);
    await deleteTask(page, "Old idea");
    await page.getByRole("link", { name: "Trash" }).click();
    await expect(page.getByRole("listitem").filter({ hasText: "Old idea" })).toBeVisible();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole("button", { name: /Theme: system/ }).click(); // → light
    await page.getByRole("button", { name: /Theme: light/ }).click(); // → dark
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
