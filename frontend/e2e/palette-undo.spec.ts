// The command palette and the undo of a complete, in Chromium against a real `taskflow serve`
// (SPEC §13): Ctrl+K jumps to a project and opens a task found by the server's search; a
// completed task comes back by the toast's Undo and by `z`.
import { expect, test, type Page } from "@playwright/test";
import { createProject, quickAdd, signUp } from "./helpers";

test.skip(process.env.TASKFLOW_E2E !== "1", "set TASKFLOW_E2E=1 to run against a real taskflow serve");
test.use({ baseURL: process.env.TASKFLOW_E2E_BASE_URL });

const run = Date.now().toString(36);
const person = (name: string) => ({
  email: `${name}-${run}@example.com`,
  username: `${name}_${run}`,
  password: `${name} has a long passphrase ${run}`,
});
const palette = (page: Page) => page.getByRole("dialog", { name: "Command palette" });
const complete = (page: Page, title: string) => page.getByRole("checkbox", { name: `Complete “${title}”` });

test("Ctrl+K jumps to a project, opens a task by search, and runs an action", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, person("pia"));
  await quickAdd(page, ["Water the plants", "Call the plumber"]);
  await createProject(page, `Garden ${run}`);
  await page.getByRole("link", { name: "Inbox", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();

  // Open with the keyboard; the box has focus, Escape closes and gives focus back.
  await page.locator("body").press("Control+k");
  const box = palette(page).getByRole("combobox", { name: "Go to or run" });
  await expect(box).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(palette(page)).toHaveCount(0);

  // Fuzzy: "grdn" finds the project; Enter on the active option jumps there.
  await page.locator("body").press("Control+k");
  await box.fill("grdn");
  const project = palette(page).getByRole("option", { name: new RegExp(`Project Garden ${run}`) });
  await expect(project).toHaveAttribute("aria-selected", "true");
  await expect(box).toHaveAttribute("aria-activedescendant", (await project.getAttribute("id"))!);
  await box.press("Enter");
  await expect(page.getByRole("heading", { name: `Garden ${run}` })).toBeVisible();
  await expect(palette(page)).toHaveCount(0);

  // A task found by the server's search (debounced), chosen with the arrow keys, opens in its project.
  await page.locator("body").press("Control+k");
  await box.fill("plumber");
  const task = palette(page).getByRole("option", { name: /Task Call the plumber/ });
  await expect(task).toBeVisible();
  const options = palette(page).getByRole("option");
  const index = (await options.allTextContents()).findIndex((text) => text.includes("Call the plumber"));
  for (let i = 0; i < index; i++) await box.press("ArrowDown");
  await expect(task).toHaveAttribute("aria-selected", "true");
  await box.press("Enter");
  const detail = page.getByRole("complementary", { name: "Task details" });
  await expect(detail.getByLabel("Title", { exact: true })).toHaveValue("Call the plumber");
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();

  // With the mouse: an action (the shortcuts sheet); the help dialog leads back to the palette.
  await page.locator("body").press("Control+k");
  await box.fill("shortcuts");
  await palette(page)
    .getByRole("option", { name: /Keyboard shortcuts/ })
    .click();
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await help.getByRole("button", { name: "Open the command palette" }).click();
  await expect(help).toBeHidden();
  await expect(box).toBeFocused();
  // "New task" focuses quick add.
  await box.fill("new task");
  await box.press("Enter");
  await expect(page.getByLabel("Add a task")).toBeFocused();
});

test("completing a task is undone by the toast's button and by z", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, person("uri"));
  await quickAdd(page, ["Pay the rent", "Book the dentist"]);

  await complete(page, "Pay the rent").click();
  await expect(page.getByText("Completed “Pay the rent”.")).toBeVisible();
  await expect(complete(page, "Pay the rent")).toHaveCount(0);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByText("Undone: “Pay the rent” is back as it was.")).toBeVisible();
  await expect(complete(page, "Pay the rent")).toBeVisible();

  await complete(page, "Book the dentist").click();
  await expect(page.getByText("Completed “Book the dentist”.")).toBeVisible();
  await expect(complete(page, "Book the dentist")).toHaveCount(0);
  await page.locator("body").press("z");
  await expect(page.getByText("Undone: “Book the dentist” is back as it was.")).toBeVisible();
  await expect(complete(page, "Book the dentist")).toBeVisible();

  // The server has them open again.
  await page.reload();
  await expect(complete(page, "Pay the rent")).toBeVisible();
  await expect(complete(page, "Book the dentist")).toBeVisible();
});

test("a move to another project is undone; an undo after someone's later change says so", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, person("mo"));
  await createProject(page, `Errands ${run}`);
  await page.getByRole("link", { name: "Inbox", exact: true }).click();
  await quickAdd(page, ["Buy stamps", "Fix the gate"]);
  const detail = page.getByRole("complementary", { name: "Task details" });

  // Move from the panel, then Undo: back in the Inbox (with If-Match of the moved version).
  await page.getByRole("button", { name: "Buy stamps", exact: true }).click();
  await detail.getByLabel("Project").selectOption({ label: `Errands ${run}` });
  await expect(page.getByText(`Moved “Buy stamps” to Errands ${run}.`)).toBeVisible();
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByText("Undone: “Buy stamps” is back as it was.")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("button", { name: "Buy stamps", exact: true })).toBeVisible();

  // Completed, then changed again (a new version) before the Undo: the undo is refused, not forced.
  await page.getByRole("button", { name: "Fix the gate", exact: true }).click();
  await expect(detail.getByLabel("Title", { exact: true })).toHaveValue("Fix the gate");
  await complete(page, "Fix the gate").click();
  await expect(page.getByText("Completed “Fix the gate”.")).toBeVisible();
  const saved = page.waitForResponse((r) => r.request().method() === "PATCH" && r.ok());
  await detail.getByLabel("Priority").selectOption("4");
  await saved;
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByText("“Fix the gate” changed since, so it was not undone.", { exact: false })).toBeVisible();
  await expect(complete(page, "Fix the gate")).toHaveCount(0);
});
