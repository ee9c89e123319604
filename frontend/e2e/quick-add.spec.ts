// Quick add against a real `taskflow serve` (started by e2e/global-setup.ts when
// TASKFLOW_E2E=1): what the server understands is highlighted and shown as chips while
// typing, # completes a project name, and Enter files the task where the words said.
import { expect, test } from "@playwright/test";
import { createProject, screenshot, signUp } from "./helpers";

test.skip(process.env.TASKFLOW_E2E !== "1", "set TASKFLOW_E2E=1 to run against a real taskflow serve");
test.use({ baseURL: process.env.TASKFLOW_E2E_BASE_URL });

const run = Date.now().toString(36);

test("quick add highlights what it understood, completes #project and files the task", async ({ page }) => {
  await signUp(page, {
    email: `quick-${run}@example.com`,
    username: `quick_${run}`,
    password: `quick has a long passphrase ${run}`,
  });
  await createProject(page, "Home Chores");
  await page.getByRole("link", { name: "Inbox" }).first().click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();

  const input = page.getByLabel("Add a task");
  await input.click();
  await input.pressSequentially("Pay rent tomorrow 5pm p1 #hom");
  // The project's name is offered after #; Enter takes it (quoted: it has a space).
  const option = page.getByRole("option", { name: "#Home Chores" });
  await expect(option).toBeVisible();
  await input.press("Enter");
  await expect(input).toHaveValue('Pay rent tomorrow 5pm p1 #"Home Chores" ');
  await input.pressSequentially("every! 2 weeks");

  // The server's dry run marks the spans behind the text, and the chips say what they mean.
  const highlight = page.getByTestId("quick-add-highlight");
  await expect(highlight.locator('mark[data-kind="date"]')).toHaveText("tomorrow 5pm");
  await expect(highlight.locator('mark[data-kind="priority"]')).toHaveText("p1");
  await expect(highlight.locator('mark[data-kind="project"]')).toHaveText('#"Home Chores"');
  await expect(highlight.locator('mark[data-kind="recurrence"]')).toHaveText("every! 2 weeks");
  const chips = page.getByRole("list", { name: "What quick add understood" });
  await expect(chips).toContainText("# Home Chores");
  await expect(chips).toContainText("Due Tomorrow 17:00");
  await expect(chips).toContainText("Priority: Urgent");
  await expect(chips).toContainText("Repeats after completion");
  await screenshot(page, "quick-add");

  await input.press("Enter");
  await expect(page.locator(".toast")).toContainText("Added “Pay rent” to Home Chores.");
  await expect(input).toHaveValue("");
  await expect(input).toBeFocused();

  // A word that resolves to nothing stays in the title; the task lands in this list.
  await input.fill("Call the #plumber");
  await expect(highlight.locator("mark")).toHaveCount(0);
  await input.press("Enter");
  await expect(page.getByRole("button", { name: "Call the #plumber", exact: true })).toBeVisible();

  await page.getByRole("link", { name: "Home Chores" }).first().click();
  const row = page.locator(".task-row", { hasText: "Pay rent" });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Tomorrow");
  await expect(page.getByRole("button", { name: "Pay rent tomorrow", exact: false })).toHaveCount(0);
});
