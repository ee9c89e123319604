// The web app's flows in Chromium against the in-memory fake API (no server needed).
import { expect, test } from "@playwright/test";
import { FakeApi } from "./fake-api";
import {
  createProject,
  noHorizontalOverflow,
  quickAdd,
  screenshot,
  seriousA11yViolations,
  signIn,
  signUp,
} from "./helpers";

const ada = { email: "ada@example.com", username: "ada", password: "correct horse battery" };

test.describe("with the fake API", () => {
  let api: FakeApi;

  test.beforeEach(async ({ context }) => {
    api = new FakeApi();
    await api.install(context);
  });

  test.afterEach(() => {
    expect(api.unhandled, "requests the fake API has no route for").toEqual([]);
  });

  test("without a mail server the verify banner says the link is in the server's log", async ({ page }) => {
    api.emailDelivery = "log";
    await signUp(page, ada);
    const banner = page.getByRole("status").filter({ hasText: "Please verify your email" });
    await expect(banner).toContainText("no mail server is configured, so the link was written to the server's log");
    await banner.getByRole("button", { name: "Send the link again" }).click();
    await expect(page.getByText(`A new link for ${ada.email} is in the server's log`)).toBeVisible();
  });

  test("a user walks the main flow", async ({ page }) => {
    await signUp(page, ada);
    await expect(page.getByText("Please verify your email")).toBeVisible();
    await screenshot(page, "inbox-empty");

    // verify email from the link
    await page.goto(`/verify-email?token=verify-${api.users[0].id}`);
    await expect(page.getByText("Your email is verified")).toBeVisible();
    await page.getByRole("link", { name: "Go to your tasks" }).click();
    await expect(page.getByText("Please verify your email")).toHaveCount(0);

    await createProject(page, "Launch");
    await quickAdd(page, ["Write announcement", "Book venue", "Order snacks"]);

    // edit one in the detail panel
    await page.getByRole("button", { name: "Write announcement", exact: true }).click();
    const detail = page.getByRole("complementary", { name: "Task details" });
    await detail.getByLabel("Priority").selectOption("4");
    await detail.getByLabel("Assignee").selectOption({ label: "ada (me)" });
    await expect(page.locator(".task-row", { hasText: "Write announcement" })).toContainText("@");
    await detail.getByRole("button", { name: "Edit" }).click();
    await detail
      .getByLabel("Description (Markdown)")
      .fill("Ship **on time**.\n\n<img src=x onerror=alert(1)>\n\n- [x] draft\n- [ ] review");
    await detail.getByRole("button", { name: "Save" }).click();
    await expect(detail.locator(".markdown strong")).toHaveText("on time");
    await expect(detail.locator(".markdown img")).toHaveCount(0);
    await expect(detail.getByText("<img src=x onerror=alert(1)>")).toBeVisible();
    await detail.getByRole("checkbox", { name: "review: not done" }).check();
    await expect(detail.getByRole("checkbox", { name: "review: done" })).toBeChecked();
    await expect
      .poll(() => api.tasks.find((t) => t.title === "Write announcement")?.description)
      .toBe("Ship **on time**.\n\n<img src=x onerror=alert(1)>\n\n- [x] draft\n- [x] review");
    await detail.getByLabel("Write a comment").fill("Looks good");
    await detail.getByRole("button", { name: "Comment" }).click();
    await expect(detail.locator(".comment")).toContainText("Looks good");
    await detail.getByRole("button", { name: /Edit your comment/ }).click();
    await detail.getByLabel("Edit comment").fill("Looks great");
    await detail.getByRole("button", { name: "Save" }).click();
    await expect(detail.locator(".comment")).toContainText("Looks great");
    await expect(detail.locator(".comment")).toContainText("(edited)");
    await screenshot(page, "task-detail");
    await page.keyboard.press("Escape");
    await expect(detail).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Write announcement", exact: true })).toBeFocused();
    await expect(page.locator(".task-row").first()).toContainText("Urgent");

    // across projects: the task assigned to me
    await page.getByRole("link", { name: "Assigned to me" }).click();
    await expect(page.getByRole("heading", { name: "Assigned to me" })).toBeVisible();
    await expect(page.locator(".task-row")).toHaveCount(1);
    await page.getByRole("button", { name: "Write announcement", exact: true }).click();
    await expect(detail.getByLabel("Priority")).toHaveValue("4");
    await page.keyboard.press("Escape");
    await page.getByRole("link", { name: "Launch", exact: true }).click();

    // complete one inline: it leaves the open list, and shows under Done
    await page.getByLabel("Complete “Order snacks”").click();
    await expect(page.getByRole("button", { name: "Order snacks", exact: true })).toHaveCount(0);
    await page.getByRole("search").getByLabel("Status").selectOption("done");
    await expect(page.getByRole("button", { name: "Order snacks", exact: true })).toBeVisible();
    await page.getByRole("search").getByLabel("Status").selectOption("open");
    await screenshot(page, "task-list");

    // board: drag a card to another column
    await page.getByRole("link", { name: "Board" }).click();
    const todo = page.locator('[data-status="todo"]');
    const doing = page.locator('[data-status="in_progress"]');
    await todo.locator(".card", { hasText: "Book venue" }).dragTo(doing);
    await expect(doing.locator(".card", { hasText: "Book venue" })).toBeVisible();
    await expect.poll(() => api.tasks.find((t) => t.title === "Book venue")?.status).toBe("in_progress");
    await screenshot(page, "board");

    // a stale version: the move is rolled back and the user is told
    api.failNextPatchWith412 = true;
    await todo.locator(".card", { hasText: "Write announcement" }).dragTo(doing);
    await expect(page.getByRole("alert").filter({ hasText: "changed by someone else" })).toBeVisible();
    await expect(todo.locator(".card", { hasText: "Write announcement" })).toBeVisible();

    // reorder inside a column: drop "Order snacks" above "Write announcement"
    await page.getByRole("button", { name: "Move “Order snacks” to In progress" }).click();
    await page.getByRole("button", { name: "Move “Order snacks” to To do" }).click();
    await expect(todo.locator(".card").last()).toContainText("Order snacks");
    await todo
      .locator(".card", { hasText: "Order snacks" })
      .dragTo(todo.locator(".card", { hasText: "Write announcement" }), {
        targetPosition: { x: 20, y: 5 },
      });
    await expect(todo.locator(".card").first()).toContainText("Order snacks");
    await expect
      .poll(() => {
        const pos = (title: string) => api.tasks.find((t) => t.title === title)?.position ?? "";
        return pos("Order snacks") < pos("Write announcement");
      })
      .toBe(true);

    // keyboard move on the board
    await doing.getByRole("button", { name: "Move “Book venue” to Done" }).click();
    await expect(page.locator('[data-status="done"] .card', { hasText: "Book venue" })).toBeVisible();

    // search and filter in the list
    await page.getByRole("link", { name: "List" }).click();
    await page.getByRole("search").getByLabel("Status").selectOption("all");
    await page.getByLabel("Search tasks").fill("venue");
    await expect(page.locator(".task-row")).toHaveCount(1);
    await page.getByLabel("Search tasks").fill("");
    await page.getByLabel("Priority").selectOption("4");
    await expect(page.locator(".task-row")).toHaveCount(1);
    await expect(page.locator(".task-row")).toContainText("Write announcement");
    await page.getByRole("button", { name: "Clear filters" }).click();

    // sign out, sign back in with the email; a reload stays signed in
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await screenshot(page, "sign-in");
    await signIn(page, ada.email, ada.password);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Launch", exact: true })).toBeVisible();
  });

  test("a failed change is rolled back with a visible message", async ({ page }) => {
    await signUp(page, ada);
    await quickAdd(page, ["Fragile"]);
    api.failNextPatchWith = 500;
    await page.getByLabel("Complete “Fragile”").click();
    await expect(
      page.getByRole("alert").filter({ hasText: "Couldn't save “Fragile”: The database is having a moment" }),
    ).toBeVisible();
    await expect(page.getByLabel("Complete “Fragile”")).not.toBeChecked();
    await expect.poll(() => api.tasks.find((t) => t.title === "Fragile")?.status).toBe("todo");
  });

  test("an expired access token is refreshed silently", async ({ page }) => {
    await signUp(page, ada);
    api.sessions.clear(); // every access token is now rejected; the refresh cookie still works
    await quickAdd(page, ["After expiry"]);
    await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  });

  test("forgot and reset password", async ({ page }) => {
    const user = api.createUser("grace@example.com", "grace", "old password 123", true);
    await page.goto("/login");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill("grace@example.com");
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByText("a link to reset the password is on its way")).toBeVisible();
    await page.goto(`/reset-password?token=reset-${user.id}`);
    await page.getByLabel("New password", { exact: true }).fill("new password 456");
    await page.getByLabel("Repeat new password").fill("new password 456");
    await page.getByRole("button", { name: "Set password" }).click();
    await expect(page.getByText("Password changed. Sign in with the new one.")).toBeVisible();
    await signIn(page, "grace", "new password 456");
  });

  test("labels, members, account", async ({ page }) => {
    await signUp(page, ada);
    api.createUser("bob@example.com", "bob", "bobs password 1", true);
    await createProject(page, "Team");
    await quickAdd(page, ["Label me"]);
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("New label").fill("bug");
    await page.getByRole("button", { name: "Add label" }).click();
    await expect(page.getByLabel("Label name")).toHaveValue("bug");
    await page.getByLabel("Add member (username or email)").fill("bob");
    await page.getByRole("region", { name: "Members" }).getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.locator(".member", { hasText: "@bob" })).toBeVisible();
    await screenshot(page, "project-settings");

    await page.getByRole("link", { name: /Back to Team/ }).click();
    await page.getByRole("button", { name: "Label me", exact: true }).click();
    const detail = page.getByRole("complementary", { name: "Task details" });
    await detail.getByLabel("bug").check();
    await expect(page.locator(".task-row .chip", { hasText: "bug" })).toBeVisible();
    await page.keyboard.press("Escape");
    await page.getByLabel("Label", { exact: true }).selectOption({ label: "bug" });
    await expect(page.locator(".task-row")).toHaveCount(1);

    await page.getByRole("link", { name: "ada" }).click();
    await expect(page.locator(".session")).toContainText("this device");
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download export" }).click();
    expect((await download).suggestedFilename()).toMatch(/^taskflow-export-.*\.json$/);
    await page.getByLabel("Current password").fill(ada.password);
    await page.getByLabel("New password").fill("another password 789");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed.")).toBeVisible();
    await screenshot(page, "account");
    await page.getByLabel("Your password").fill("another password 789");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page
      .getByRole("alertdialog", { name: "Delete your account?" })
      .getByRole("button", { name: "Delete my account" })
      .click();
    await expect(page.getByText("Your account was deleted.")).toBeVisible();
  });

  test("keyboard shortcuts", async ({ page }) => {
    await signUp(page, ada);
    await page.locator("body").click();
    await page.keyboard.press("q");
    await expect(page.getByLabel("Add a task")).toBeFocused();
    await quickAdd(page, ["First", "Second"]);
    await page.getByLabel("Add a task").press("Escape");
    await page.keyboard.press("/");
    await expect(page.getByLabel("Search tasks")).toBeFocused();
    await page.getByLabel("Search tasks").press("Escape");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    await expect(page.getByRole("button", { name: "First", exact: true })).toBeFocused();
    await page.keyboard.press("x");
    await expect.poll(() => api.tasks.find((t) => t.title === "First")?.status).toBe("done");
    await page.keyboard.press("?");
    await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
    await screenshot(page, "shortcuts");
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toHaveCount(0);
  });

  test("filters, sort, view and the open task live in the URL: reload, Back and a link keep them", async ({ page }) => {
    test.setTimeout(120_000);
    await signUp(page, ada);
    await createProject(page, "Home");
    await quickAdd(page, ["Pay rent", "Water plants", "Pay phone bill"]);
    const rows = page.locator(".task-row .task-title");

    await page.getByLabel("Search tasks").fill("pay");
    await expect(rows).toHaveCount(2);
    await expect(page).toHaveURL(/[?&]search=pay\b/);
    await page.getByRole("search").getByLabel("Status").selectOption("all");
    await page.getByLabel("Sort").selectOption("title");
    await expect(rows.first()).toHaveText("Pay phone bill");
    await page.getByRole("button", { name: "Pay rent", exact: true }).click();
    const detail = page.getByRole("complementary", { name: "Task details" });
    await expect(detail).toBeVisible();
    await expect(page).toHaveURL(/[?&]task=\d+/);

    await page.reload();
    await expect(page.getByLabel("Search tasks")).toHaveValue("pay");
    await expect(page.getByRole("search").getByLabel("Status")).toHaveValue("all");
    await expect(page.getByLabel("Sort")).toHaveValue("title");
    await expect(rows).toHaveText(["Pay phone bill", "Pay rent"]);
    await expect(detail.getByLabel("Title")).toHaveValue("Pay rent");

    // Opening a task is a step in the history; the filters are not.
    await page.goBack();
    await expect(detail).toHaveCount(0);
    await expect(page.getByLabel("Search tasks")).toHaveValue("pay");
    await page.goForward();
    await expect(detail).toBeVisible();

    // The board keeps the search; List brings the list's filters back.
    await page.getByRole("link", { name: "Board" }).click();
    await expect(page).toHaveURL(/\/board\?.*search=pay/);
    await expect(page.locator(".card")).toHaveCount(2);
    await page.getByRole("link", { name: "List" }).click();
    await expect(page.getByLabel("Sort")).toHaveValue("title");

    // A link opened while signed out comes back after signing in, filters and all.
    const link = page.url();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.goto(link);
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel("Username or email").fill(ada.username);
    await page.getByLabel("Password").fill(ada.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Home" })).toBeVisible();
    expect(page.url()).toBe(link);
    await expect(page.getByLabel("Search tasks")).toHaveValue("pay");
    await expect(rows).toHaveText(["Pay phone bill", "Pay rent"]);

    // An address that is not a page says so inside the app.
    await page.goto("/projects/not-a-number");
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await page.goto("/nowhere");
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await page.getByRole("link", { name: "Go to your Inbox" }).click();
    await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  });

  test("a second member sees changes live", async ({ browser, page }) => {
    await signUp(page, ada);
    await createProject(page, "Shared");
    const projectId = api.projects.find((p) => p.name === "Shared")!.id;

    const bob = api.createUser("bob@example.com", "bob", "bobs password 1", true);
    api.members.push({ project_id: projectId, user_id: bob.id, role: "editor", created_at: new Date().toISOString() });
    const other = await browser.newContext();
    await api.install(other);
    const bobPage = await other.newPage();
    await signIn(bobPage, "bob", "bobs password 1");
    await bobPage.getByRole("link", { name: "Shared", exact: true }).click();
    await expect(bobPage.getByText("All clear.")).toBeVisible();
    await expect(bobPage.locator(".live-live")).toBeVisible();

    await quickAdd(page, ["Made by Ada"]);
    await expect(bobPage.getByRole("button", { name: "Made by Ada", exact: true })).toBeVisible();
    await other.close();
  });

  test("reconnects after the socket drops and catches up on what it missed", async ({ page }) => {
    await signUp(page, ada);
    await expect(page.locator(".live-live")).toBeVisible();
    for (const ws of [...api.sockets.keys()]) await ws.close({ code: 1012, reason: "restart" });
    await expect(page.locator(".live-offline")).toBeVisible();
    // A change made while the tab was disconnected: no event will ever announce it.
    const inbox = api.projects.find((p) => p.is_inbox)!;
    api.addTask({
      id: 999,
      project_id: inbox.id,
      title: "Missed while offline",
      position: "c000", // after the others' keys
      created_by: api.users[0].id,
    });
    await expect(page.locator(".live-live")).toBeVisible();
    await expect(page.getByRole("button", { name: "Missed while offline", exact: true })).toBeVisible();
  });

  test("works at 375 px wide", async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 740 });
    await signUp(page, ada);
    await noHorizontalOverflow(page);
    await page.getByRole("button", { name: "Projects menu" }).click();
    await expect(page.getByRole("navigation", { name: "Projects" })).toBeInViewport();
    await createProject(page, "Phone");
    await quickAdd(page, ["Small screen task"]);
    await noHorizontalOverflow(page);
    await screenshot(page, "mobile-list");
    await page.getByRole("button", { name: "Small screen task", exact: true }).click();
    await expect(page.getByRole("complementary", { name: "Task details" })).toBeInViewport();
    await noHorizontalOverflow(page);
    await screenshot(page, "mobile-detail");
    // The panel scrolls: its last section can be reached on a phone.
    const detail = page.getByRole("complementary", { name: "Task details" });
    await detail.getByRole("button", { name: "Show activity" }).click();
    await expect(detail.getByRole("button", { name: "Hide" })).toBeInViewport();
    await page.getByRole("button", { name: "← Close" }).click();
    await page.getByRole("link", { name: "Board" }).click();
    await expect(page.locator('[data-status="todo"]')).toBeVisible();
    await page.getByRole("button", { name: "Projects menu" }).click();
    await page.getByRole("link", { name: "Account" }).click();
    await expect(page.getByRole("heading", { name: "Account", exact: true })).toBeVisible();
    await noHorizontalOverflow(page);
  });

  test("main screens have no serious accessibility violations, light and dark", async ({ page }) => {
    await page.goto("/login");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto("/signup");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await signUp(page, ada);
    await quickAdd(page, ["Accessible task"]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Accessible task", exact: true }).click();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole("button", { name: /Theme: system/ }).click(); // → light
    await page.getByRole("button", { name: /Theme: light/ }).click(); // → dark
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "dark-detail");
    await page.goto(page.url().replace(/\?.*$/, "").replace(/$/, "/board"));
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto(page.url().replace(/\/board$/, "/settings"));
    await expect(page.getByRole("heading", { name: /settings/ })).toBeVisible();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto("/account");
    await expect(page.getByRole("heading", { name: "Account", exact: true })).toBeVisible();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
