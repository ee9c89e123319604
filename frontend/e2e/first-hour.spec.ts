// A new user's first hour (issue 23, items 11–15), against the in-memory fake API:
// concurrent edits, live updates while typing, completing a parent, the small defects,
// and moving a task from its panel.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { FakeApi } from "./fake-api";
import { createProject, detailOf, quickAdd, seriousA11yViolations, signIn, signUp } from "./helpers";

const ada = { email: "ada@example.com", username: "ada", password: "correct horse battery" };

let api: FakeApi;

test.beforeEach(async ({ context }) => {
  api = new FakeApi();
  await api.install(context);
});

test.afterEach(() => {
  expect(api.unhandled, "requests the fake API has no route for").toEqual([]);
});

const taskId = (title: string) => api.tasks.find((t) => t.title === title)!.id;

/** Ada's project "Shared" with one task, and Bob (an editor) signed in on a second browser. */
async function sharedTask(browser: Browser, page: Page, title: string): Promise<{ bob: Page; url: string }> {
  await signUp(page, ada);
  await createProject(page, "Shared");
  await quickAdd(page, [title]);
  const project = api.projects.find((p) => p.name === "Shared")!;
  const bobUser = api.createUser("bob@example.com", "bob", "bobs password 1", true);
  api.members.push({
    project_id: project.id,
    user_id: bobUser.id,
    role: "editor",
    created_at: new Date().toISOString(),
  });
  const other = await browser.newContext();
  await api.install(other);
  const bob = await other.newPage();
  await signIn(bob, "bob", "bobs password 1");
  const url = `/projects/${project.id}?task=${taskId(title)}`;
  await page.goto(url);
  await bob.goto(url);
  await expect(bob.locator(".live-live")).toBeVisible();
  await expect(page.locator(".live-live")).toBeVisible();
  return { bob, url };
}

/** Resolves when `page` has re-read the task after a live event. */
const refetched = (page: Page, id: number) =>
  page.waitForResponse((r) => r.url().endsWith(`/api/v1/tasks/${id}`) && r.request().method() === "GET");

test("11: two people edit the description: the second sees both texts and keeps theirs", async ({ browser, page }) => {
  const { bob } = await sharedTask(browser, page, "Plan the trip");
  const id = taskId("Plan the trip");
  await detailOf(page).getByRole("button", { name: "Edit", exact: true }).click();
  await detailOf(bob).getByRole("button", { name: "Edit", exact: true }).click();
  await detailOf(page).getByLabel("Description (Markdown)").fill("Ada: by train");
  const bobSaw = refetched(bob, id);
  await detailOf(page).getByRole("button", { name: "Save" }).click();
  await expect.poll(() => api.tasks.find((t) => t.id === id)!.description).toBe("Ada: by train");
  await bobSaw;
  // Bob's editor still holds his text, and he is told the description changed meanwhile.
  await detailOf(bob).getByLabel("Description (Markdown)").fill("Bob: by car");
  await detailOf(bob).getByRole("button", { name: "Save" }).click();
  const conflict = detailOf(bob).getByRole("group", { name: "The description was changed by someone else" });
  await expect(conflict).toBeVisible();
  await expect(conflict.getByText("Ada: by train")).toBeVisible();
  await expect(conflict.getByText("Bob: by car")).toBeVisible();
  expect(api.tasks.find((t) => t.id === id)!.description).toBe("Ada: by train");
  await conflict.getByRole("button", { name: "Keep mine" }).click();
  await expect.poll(() => api.tasks.find((t) => t.id === id)!.description).toBe("Bob: by car");
  await expect(detailOf(page).locator(".markdown")).toHaveText("Bob: by car");
});

test("11: an edit to another field in the meantime is not a conflict", async ({ browser, page }) => {
  const { bob } = await sharedTask(browser, page, "Plan the trip");
  const id = taskId("Plan the trip");
  await detailOf(bob).getByRole("button", { name: "Edit", exact: true }).click();
  const bobSaw = refetched(bob, id);
  await detailOf(page).getByLabel("Priority").selectOption("3");
  await bobSaw;
  await detailOf(bob).getByLabel("Description (Markdown)").fill("Bob: by car");
  await detailOf(bob).getByRole("button", { name: "Save" }).click();
  await expect.poll(() => api.tasks.find((t) => t.id === id)!.description).toBe("Bob: by car");
  expect(api.tasks.find((t) => t.id === id)!.priority).toBe(3);
  await expect(detailOf(bob).getByRole("group", { name: /changed by someone else/ })).toHaveCount(0);
});

test("12: a live rename does not replace the title being typed; the user chooses", async ({ browser, page }) => {
  const { bob } = await sharedTask(browser, page, "Plan the trip");
  const id = taskId("Plan the trip");
  const bobTitle = detailOf(bob).getByLabel("Title");
  await bobTitle.fill("Plan the trip to Rome");
  const bobSaw = refetched(bob, id);
  await detailOf(page).getByLabel("Title").fill("Plan the holiday");
  await detailOf(page).getByLabel("Title").press("Enter");
  await expect.poll(() => api.tasks.find((t) => t.id === id)!.title).toBe("Plan the holiday");
  await bobSaw;
  await expect(bobTitle).toHaveValue("Plan the trip to Rome");
  await expect(bobTitle).toBeFocused();
  await expect(detailOf(bob).getByRole("status").filter({ hasText: "changed the title" })).toContainText(
    "Plan the holiday",
  );
  await bobTitle.press("Enter");
  const conflict = detailOf(bob).getByRole("group", { name: "The title was changed by someone else" });
  await expect(conflict.getByText("Plan the trip to Rome")).toBeVisible();
  await conflict.getByRole("button", { name: "Take theirs" }).click();
  await expect(bobTitle).toHaveValue("Plan the holiday");
  await expect(conflict).toHaveCount(0);
  expect(api.tasks.find((t) => t.id === id)!.title).toBe("Plan the holiday");
});

test("11: a comment edited in two tabs is merged by hand", async ({ context, page }) => {
  await signUp(page, ada);
  await quickAdd(page, ["Discuss"]);
  await page.getByRole("button", { name: "Discuss", exact: true }).click();
  await detailOf(page).getByLabel("Write a comment").fill("First draft");
  await detailOf(page).getByRole("button", { name: "Comment" }).click();
  await expect(detailOf(page).locator(".comment")).toContainText("First draft");
  const second = await context.newPage();
  await second.goto(page.url());
  await expect(detailOf(second).locator(".comment")).toContainText("First draft");

  await detailOf(page)
    .getByRole("button", { name: /Edit your comment/ })
    .click();
  await detailOf(second)
    .getByRole("button", { name: /Edit your comment/ })
    .click();
  await detailOf(page).getByLabel("Edit comment").fill("From the first tab");
  await detailOf(page).getByRole("button", { name: "Save" }).click();
  await expect.poll(() => api.comments[0].body).toBe("From the first tab");
  await detailOf(second).getByLabel("Edit comment").fill("From the second tab");
  await detailOf(second).getByRole("button", { name: "Save" }).click();
  const conflict = detailOf(second).getByRole("group", { name: "The comment was changed elsewhere" });
  await expect(conflict.getByText("From the first tab")).toBeVisible();
  expect(api.comments[0].body).toBe("From the first tab");
  await conflict.getByRole("button", { name: "Merge by hand" }).click();
  await detailOf(second).getByLabel("Edit comment").fill("From both tabs");
  await detailOf(second).getByRole("button", { name: "Save" }).click();
  await expect.poll(() => api.comments[0].body).toBe("From both tabs");
  await expect(detailOf(second).locator(".comment")).toContainText("From both tabs");
});

test("13: completing a parent completes its open subtasks; no subtask is left under the wrong task", async ({
  page,
}) => {
  await signUp(page, ada);
  await quickAdd(page, ["Above", "Trip", "Below"]);
  await page.getByRole("button", { name: "Trip", exact: true }).click();
  for (const sub of ["Pack", "Tickets"]) {
    await detailOf(page).getByLabel("New subtask").fill(sub);
    await detailOf(page).getByLabel("New subtask").press("Enter");
    await expect(detailOf(page).locator(".subtasks")).toContainText(sub);
  }
  await page.keyboard.press("Escape");
  await expect(page.locator(".task-row.subtask")).toHaveCount(2);
  await page.getByLabel("Complete “Trip”").click();
  await expect(
    page.getByRole("alert").or(page.getByRole("status")).filter({ hasText: "2 open subtasks" }),
  ).toBeVisible();
  await expect
    .poll(() =>
      api.tasks
        .filter((t) => t.status === "done")
        .map((t) => t.title)
        .sort(),
    )
    .toEqual(["Pack", "Tickets", "Trip"]);
  await expect(page.locator(".task-row")).toHaveCount(2);
  // A subtask reopened on its own shows at the top level, marked as a subtask, not under "Above".
  api.tasks.find((t) => t.title === "Pack")!.status = "todo";
  await page.reload();
  const pack = page.locator(".task-row", { hasText: "Pack" });
  await expect(pack).toBeVisible();
  await expect(pack).not.toHaveClass(/\bsubtask\b/);
  await expect(pack).toContainText("Subtask of “Trip”");
});

test("14: one priority naming in the panel, the list and the filter", async ({ page }) => {
  await signUp(page, ada);
  await quickAdd(page, ["Ranked"]);
  await page.getByRole("button", { name: "Ranked", exact: true }).click();
  await detailOf(page).getByLabel("Priority").selectOption("3");
  const inPanel = await detailOf(page).getByLabel("Priority").locator("option:checked").innerText();
  // What the eye reads (the badge also says "Priority:" to screen readers).
  const inList = await page.locator(".task-row .badge.priority").evaluate((badge) =>
    [...badge.childNodes]
      .filter((n) => !(n instanceof Element && n.classList.contains("visually-hidden")))
      .map((n) => n.textContent)
      .join("")
      .trim(),
  );
  const inFilter = await page.locator("#filter-priority option[value='3']").innerText();
  expect(inList).toBe(inPanel);
  expect(inFilter).toBe(inPanel);
});

test("14: new labels cycle through the palette", async ({ page }) => {
  await signUp(page, ada);
  await createProject(page, "Colours");
  await page.getByRole("link", { name: "Settings" }).click();
  for (const name of ["bug", "idea", "chore"]) {
    await page.getByLabel("New label").fill(name);
    await page.getByRole("button", { name: "Add label" }).click();
    await expect(page.getByLabel("Label name").last()).toHaveValue(name);
  }
  const colours = api.labels.map((l) => l.color);
  expect(new Set(colours).size).toBe(3);
});

test("14: after x completes a task the focus moves to the next row", async ({ page }) => {
  await signUp(page, ada);
  await quickAdd(page, ["First", "Second", "Third"]);
  await page.getByLabel("Add a task").press("Escape");
  await page.keyboard.press("j");
  await page.keyboard.press("k");
  await expect(page.getByRole("button", { name: "First", exact: true })).toBeFocused();
  await page.keyboard.press("x");
  await expect(page.getByRole("button", { name: "First", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Second", exact: true })).toBeFocused();
  await page.keyboard.press("x");
  await expect(page.getByRole("button", { name: "Third", exact: true })).toBeFocused();
});

test("14: people read human messages, not the server's or the browser's", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Email").fill("new@example.com");
  await page.getByLabel("Username").fill("newbie");
  await page.getByLabel("Password").fill("password123");
  await page.getByRole("button", { name: "Sign up" }).click();
  const error = page.getByRole("alert");
  await expect(error).toHaveText("This password is too common; choose a less guessable one.");

  await signUp(page, ada);
  await page.route("**/api/v1/tasks/quick*", (route) => route.abort("internetdisconnected"));
  await page.getByLabel("Add a task").fill("Offline");
  await page.getByLabel("Add a task").press("Enter");
  const toast = page.locator(".toast");
  await expect(toast).toContainText("Can't reach TaskFlow");
  await expect(toast).not.toContainText("Failed to fetch");
});

test("14: deleting a task asks in the app, not with the browser's confirm", async ({ page }) => {
  const native: string[] = [];
  page.on("dialog", (dialog) => {
    native.push(dialog.message());
    void dialog.dismiss();
  });
  await signUp(page, ada);
  await quickAdd(page, ["Doomed", "Kept"]);
  await page.getByRole("button", { name: "Doomed", exact: true }).click();
  await detailOf(page).getByRole("button", { name: "Delete task" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Delete “Doomed”?" });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  expect(api.tasks).toHaveLength(2);
  await detailOf(page).getByRole("button", { name: "Delete task" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("button", { name: "Doomed", exact: true })).toHaveCount(0);
  expect(api.tasks.map((t) => t.title)).toEqual(["Kept"]);
  expect(native).toEqual([]);
});

test("14: the Today badge on the open row is readable (axe colour contrast), light and dark", async ({ page }) => {
  await signUp(page, ada);
  await quickAdd(page, ["Due now"]);
  await page.getByRole("button", { name: "Due now", exact: true }).click();
  await detailOf(page).getByRole("button", { name: "Today" }).click();
  const badge = page.locator(".task-row.open .badge.due-today");
  await expect(badge).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.getByRole("button", { name: /Theme: system/ }).click(); // → light
  await page.getByRole("button", { name: /Theme: light/ }).click(); // → dark
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await seriousA11yViolations(page)).toEqual([]);
});

test("15: a task moves to another project and becomes a subtask from its panel", async ({ page }) => {
  await signUp(page, ada);
  await createProject(page, "Errands");
  await quickAdd(page, ["Groceries"]);
  await page.getByRole("link", { name: "Inbox", exact: true }).click();
  await quickAdd(page, ["Buy milk"]);
  await page.getByRole("button", { name: "Buy milk", exact: true }).click();
  await detailOf(page).getByLabel("Project").selectOption({ label: "Errands" });
  await expect(
    page.getByRole("status").or(page.getByRole("alert")).filter({ hasText: "Moved “Buy milk” to Errands" }),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Buy milk", exact: true })).toHaveCount(0);
  const errands = api.projects.find((p) => p.name === "Errands")!;
  expect(api.tasks.find((t) => t.title === "Buy milk")!.project_id).toBe(errands.id);

  await page.getByRole("link", { name: "Errands", exact: true }).click();
  await page.getByRole("button", { name: "Buy milk", exact: true }).click();
  await detailOf(page).getByLabel("Subtask of").selectOption({ label: "Groceries" });
  await expect.poll(() => api.tasks.find((t) => t.title === "Buy milk")!.parent_id).toBe(taskId("Groceries"));
  await expect(page.locator(".task-row.subtask", { hasText: "Buy milk" })).toBeVisible();
  await detailOf(page).getByLabel("Subtask of").selectOption({ label: "None (top level)" });
  await expect.poll(() => api.tasks.find((t) => t.title === "Buy milk")!.parent_id).toBe(null);
});
