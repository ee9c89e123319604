// Multi-select and the keyboard actions on tasks, in Chromium against a real `taskflow serve`
// (SPEC §13, issue 17): ctrl/shift-click selects, the bar completes, moves and deletes through
// /tasks/bulk with one Undo (and `z`) for the batch; `1`–`4`, `t`, `a`, `m` and `Delete` act on
// the focused task and never while typing.
import { expect, test, type Page } from "@playwright/test";
import { createProject, quickAdd, seriousA11yViolations, signUp } from "./helpers";

test.skip(process.env.TASKFLOW_E2E !== "1", "set TASKFLOW_E2E=1 to run against a real taskflow serve");
test.use({ baseURL: process.env.TASKFLOW_E2E_BASE_URL });

const run = Date.now().toString(36);
const person = (name: string) => ({
  email: `${name}-${run}@example.com`,
  username: `${name}_${run}`,
  password: `${name} has a long passphrase ${run}`,
});
const TITLES = ["Alpha one", "Bravo two", "Charlie three", "Delta four", "Echo five"];
const row = (page: Page, title: string) => page.locator("li.task-row", { hasText: title });
const title = (page: Page, text: string) => row(page, text).locator(".task-title");
const bar = (page: Page) => page.getByRole("region", { name: "Selected tasks" });

async function inboxWithTasks(page: Page, name: string) {
  await signUp(page, person(name));
  await createProject(page, `Errands ${run}`);
  await page.getByRole("link", { name: "Inbox", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await quickAdd(page, TITLES);
}

test("select with ctrl/shift-click, bulk complete, move and delete, each undone", async ({ page }) => {
  test.setTimeout(180_000);
  await inboxWithTasks(page, "sel");

  // Ctrl/⌘-click toggles one; shift-click takes the range from it. Neither opens the task.
  await title(page, "Alpha one").click({ modifiers: ["ControlOrMeta"] });
  await expect(bar(page).getByRole("status")).toHaveText("1 task selected");
  await title(page, "Charlie three").click({ modifiers: ["Shift"] });
  await expect(bar(page).getByRole("status")).toHaveText("3 tasks selected");
  await expect(page.locator("li.task-row[data-picked]")).toHaveCount(3);
  await expect(page.getByRole("button", { name: "Bravo two (selected)" })).toBeVisible();
  await expect(page.getByRole("complementary", { name: "Task details" })).toHaveCount(0);

  // One bulk request completes the three; `z` reopens them with one more.
  const writes: string[] = [];
  page.on("request", (r) => {
    if (r.method() !== "GET") writes.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  await bar(page).getByRole("button", { name: "Complete" }).click();
  await expect(page.getByText("Completed 3 tasks.")).toBeVisible();
  expect(writes).toEqual(["POST /api/v1/tasks/bulk"]);
  await expect(row(page, "Alpha one")).toHaveCount(0);
  await expect(row(page, "Charlie three")).toHaveCount(0);
  await expect(bar(page)).toHaveCount(0);
  await page.locator("body").press("z");
  await expect(page.getByText("Undone: 3 tasks reopened.")).toBeVisible();
  expect(writes).toEqual(["POST /api/v1/tasks/bulk", "POST /api/v1/tasks/bulk"]);
  for (const t of TITLES.slice(0, 3)) await expect(row(page, t)).toBeVisible();

  // Esc clears a selection.
  await title(page, "Delta four").click({ modifiers: ["ControlOrMeta"] });
  await expect(bar(page)).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(bar(page)).toHaveCount(0);

  // Move two to another project from the bar; the toast's Undo brings both back.
  await title(page, "Alpha one").click({ modifiers: ["ControlOrMeta"] });
  await title(page, "Bravo two").click({ modifiers: ["ControlOrMeta"] });
  await bar(page).getByRole("button", { name: "Move to project…" }).click();
  const move = page.getByRole("dialog", { name: "Move 2 tasks" });
  await move.getByLabel("Project").selectOption({ label: `Errands ${run}` });
  await move.getByRole("button", { name: "Move" }).click();
  await expect(page.getByText(`Moved 2 tasks to Errands ${run}.`)).toBeVisible();
  await expect(row(page, "Alpha one")).toHaveCount(0);
  await expect(row(page, "Bravo two")).toHaveCount(0);
  await page.getByRole("link", { name: `Errands ${run}`, exact: true }).click();
  await expect(row(page, "Alpha one")).toBeVisible();
  await page.locator("body").press("z");
  await expect(page.getByText("Undone: 2 tasks moved back.")).toBeVisible();
  await expect(row(page, "Alpha one")).toHaveCount(0);
  await page.getByRole("link", { name: "Inbox", exact: true }).click();
  await expect(row(page, "Alpha one")).toBeVisible();
  await expect(row(page, "Bravo two")).toBeVisible();

  // Delete two (to the trash); `z` restores them from it.
  await title(page, "Delta four").click({ modifiers: ["ControlOrMeta"] });
  await title(page, "Echo five").click({ modifiers: ["ControlOrMeta"] });
  await bar(page).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("Moved 2 tasks to the trash.")).toBeVisible();
  await expect(row(page, "Delta four")).toHaveCount(0);
  await expect(row(page, "Echo five")).toHaveCount(0);
  await page.locator("body").press("z");
  await expect(page.getByText("Undone: 2 tasks restored.")).toBeVisible();

  // The server agrees: all five are open in the Inbox.
  await page.reload();
  for (const t of TITLES) await expect(row(page, t)).toBeVisible();
});

test("Today: select with ctrl/shift-click and s, bulk complete, z undoes; Upcoming selects too", async ({ page }) => {
  test.setTimeout(180_000);
  await inboxWithTasks(page, "today");
  // Four of them due today (one `t` on a selection), the fifth tomorrow.
  for (const t of TITLES.slice(0, 4)) await title(page, t).click({ modifiers: ["ControlOrMeta"] });
  await page.keyboard.press("t");
  await page.getByRole("dialog", { name: "Due date of 4 tasks" }).getByRole("button", { name: "Today" }).click();
  await expect(page.getByText("Rescheduled: 4 tasks.")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(bar(page)).toHaveCount(0);
  await title(page, "Echo five").focus();
  await page.keyboard.press("t");
  await page.getByRole("dialog", { name: "Due date of “Echo five”" }).getByRole("button", { name: "Tomorrow" }).click();
  await expect(row(page, "Echo five").locator(".badge.due")).toContainText("Tomorrow");

  await page.getByRole("link", { name: "Today", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Today", exact: true })).toBeVisible();
  for (const t of TITLES.slice(0, 4)) await expect(row(page, t)).toBeVisible();

  // Ctrl/⌘-click and shift-click select without opening the task; `s` toggles the focused row.
  await title(page, "Alpha one").click({ modifiers: ["ControlOrMeta"] });
  await title(page, "Charlie three").click({ modifiers: ["Shift"] });
  await expect(bar(page).getByRole("status")).toHaveText("3 tasks selected");
  await expect(page.getByRole("button", { name: "Bravo two (selected)" })).toBeVisible();
  await expect(page.getByRole("complementary", { name: "Task details" })).toHaveCount(0);
  await title(page, "Delta four").focus();
  await page.keyboard.press("s");
  await expect(bar(page).getByRole("status")).toHaveText("4 tasks selected");
  await page.keyboard.press("Escape");
  await expect(bar(page)).toHaveCount(0);

  // Select two; one bulk request completes both, `z` reopens them with one more.
  await title(page, "Alpha one").click({ modifiers: ["ControlOrMeta"] });
  await title(page, "Charlie three").click({ modifiers: ["ControlOrMeta"] });
  await expect(bar(page).getByRole("status")).toHaveText("2 tasks selected");
  const writes: string[] = [];
  page.on("request", (r) => {
    if (r.method() !== "GET") writes.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  await bar(page).getByRole("button", { name: "Complete" }).click();
  await expect(page.getByText("Completed 2 tasks.")).toBeVisible();
  expect(writes).toEqual(["POST /api/v1/tasks/bulk"]);
  await expect(row(page, "Alpha one")).toHaveCount(0);
  await expect(row(page, "Charlie three")).toHaveCount(0);
  await expect(row(page, "Bravo two")).toBeVisible();
  await expect(bar(page)).toHaveCount(0);
  await page.locator("body").press("z");
  await expect(page.getByText("Undone: 2 tasks reopened.")).toBeVisible();
  expect(writes).toEqual(["POST /api/v1/tasks/bulk", "POST /api/v1/tasks/bulk"]);
  await page.reload();
  for (const t of TITLES.slice(0, 4)) await expect(row(page, t)).toBeVisible();

  // Upcoming: a range across two days, then the bar's Delete.
  await page.getByRole("link", { name: "Upcoming", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Upcoming", exact: true })).toBeVisible();
  await title(page, "Delta four").click({ modifiers: ["ControlOrMeta"] });
  await title(page, "Echo five").click({ modifiers: ["Shift"] });
  await expect(bar(page).getByRole("status")).toHaveText("2 tasks selected");
  await bar(page).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("Moved 2 tasks to the trash.")).toBeVisible();
  await expect(row(page, "Echo five")).toHaveCount(0);
  await page.locator("body").press("z");
  await expect(page.getByText("Undone: 2 tasks restored.")).toBeVisible();
  await expect(row(page, "Echo five")).toBeVisible();
});

test("1–4, t, a, m and Delete act on the focused task, never while typing", async ({ page }) => {
  test.setTimeout(180_000);
  await inboxWithTasks(page, "keys");
  const alpha = row(page, "Alpha one");

  // Typing a digit in quick add is only typing.
  await page.getByLabel("Add a task").fill("");
  await page.getByLabel("Add a task").press("1");
  await expect(page.getByLabel("Add a task")).toHaveValue("1");
  await page.getByLabel("Add a task").fill("");

  await title(page, "Alpha one").focus();
  await page.keyboard.press("1");
  await expect(alpha.getByText("Urgent")).toBeVisible();
  await page.keyboard.press("3");
  await expect(alpha.getByText("Medium")).toBeVisible();
  await page.keyboard.press("4");
  await expect(alpha.locator(".badge.priority")).toHaveCount(0);

  // `t`: a date picker with quick choices.
  await page.keyboard.press("t");
  const due = page.getByRole("dialog", { name: "Due date of “Alpha one”" });
  await due.getByRole("button", { name: "Tomorrow" }).click();
  await expect(due).toHaveCount(0);
  await expect(alpha.locator(".badge.due")).toContainText("Tomorrow");

  // `a`: a member picker (here, only me).
  await expect(title(page, "Alpha one")).toBeFocused();
  await page.keyboard.press("a");
  const assign = page.getByRole("dialog", { name: "Assign “Alpha one”" });
  await assign.getByLabel("Assignee").selectOption({ label: `keys_${run}` });
  await assign.getByRole("button", { name: "Assign" }).click();
  await expect(alpha.getByText(`@keys_${run}`)).toBeVisible();

  // `m`: a project picker; the move is undoable.
  await title(page, "Alpha one").focus();
  await page.keyboard.press("m");
  const move = page.getByRole("dialog", { name: "Move “Alpha one”" });
  await move.getByLabel("Project").selectOption({ label: `Errands ${run}` });
  await move.getByRole("button", { name: "Move" }).click();
  await expect(page.getByText(`Moved “Alpha one” to Errands ${run}.`)).toBeVisible();
  await expect(alpha).toHaveCount(0);

  // `Delete` on a focused row: to the trash, and back with `z`.
  await title(page, "Bravo two").focus();
  await page.keyboard.press("Delete");
  await expect(page.getByText("Moved “Bravo two” to the trash.")).toBeVisible();
  await expect(row(page, "Bravo two")).toHaveCount(0);
  await page.locator("body").press("z");
  await expect(page.getByText("Undone: “Bravo two” restored.")).toBeVisible();
  await expect(row(page, "Bravo two")).toBeVisible();

  // With a selection, a priority key sets it on every selected task.
  await title(page, "Charlie three").click({ modifiers: ["ControlOrMeta"] });
  await title(page, "Delta four").click({ modifiers: ["ControlOrMeta"] });
  await page.keyboard.press("2");
  await expect(page.getByText("Set the priority of 2 tasks.")).toBeVisible();
  await expect(row(page, "Charlie three").getByText("High")).toBeVisible();
  await expect(row(page, "Delta four").getByText("High")).toBeVisible();
  await expect(row(page, "Echo five").locator(".badge.priority")).toHaveCount(0);
});

test("a parent's row shows how many of its subtasks are done", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, person("sub"));
  await quickAdd(page, ["Plan the trip"]);
  const plan = row(page, "Plan the trip");
  await expect(plan.locator(".subtask-progress")).toHaveCount(0);

  await title(page, "Plan the trip").click();
  const detail = page.getByRole("complementary", { name: "Task details" });
  for (const sub of ["Book flights", "Book hotel"]) {
    await detail.getByLabel("New subtask").fill(sub);
    await detail.getByRole("button", { name: "Add", exact: true }).click();
    await expect(detail.getByRole("checkbox", { name: `Complete subtask “${sub}”` })).toBeVisible();
  }
  await expect(plan.getByText("0 of 2 subtasks done")).toBeAttached();
  await detail.getByRole("checkbox", { name: "Complete subtask “Book flights”" }).click();
  await expect(plan.getByText("1 of 2 subtasks done")).toBeAttached();
  await expect(plan.locator(".subtask-progress")).toContainText("1/2");
});

test.describe("with axe-core injected", () => {
  // The app's CSP rightly blocks the injected checker (see server.spec.ts).
  test.use({ bypassCSP: true });

  test("the selected rows, the bar and a picker have no serious accessibility violations", async ({ page }) => {
    test.setTimeout(120_000);
    await inboxWithTasks(page, "axe");
    await title(page, "Alpha one").click({ modifiers: ["ControlOrMeta"] });
    await title(page, "Charlie three").click({ modifiers: ["Shift"] });
    await expect(bar(page).getByRole("status")).toHaveText("3 tasks selected");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole("button", { name: /Theme: system/ }).click(); // → light
    await page.getByRole("button", { name: /Theme: light/ }).click(); // → dark
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await bar(page).getByRole("button", { name: "Move to project…" }).click();
    await expect(page.getByRole("dialog", { name: "Move 3 tasks" })).toBeVisible();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
