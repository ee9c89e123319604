// The flows a user walks, in Chromium, against a real `taskflow serve` on a fresh
// database (started by e2e/global-setup.ts when TASKFLOW_E2E=1).
import { expect, test, type Page } from "@playwright/test";
import {
  createProject,
  noHorizontalOverflow,
  quickAdd,
  screenshot,
  seriousA11yViolations,
  signIn,
  signUp,
} from "./helpers";
import { createHmac } from "node:crypto";
import { OIDC_NAME, waitForLink } from "./server";

test.skip(process.env.TASKFLOW_E2E !== "1", "set TASKFLOW_E2E=1 to run against a real taskflow serve");
test.use({ baseURL: process.env.TASKFLOW_E2E_BASE_URL });

const mailbox = () => process.env.TASKFLOW_E2E_MAILBOX!;
const run = Date.now().toString(36);
const person = (name: string) => ({
  email: `${name}-${run}@example.com`,
  username: `${name}_${run}`,
  password: `${name} has a long passphrase ${run}`,
});

async function verifyEmail(page: Page, email: string): Promise<void> {
  const link = await waitForLink(mailbox(), email, "/verify-email?token=");
  await page.goto(link);
  await expect(page.getByText("Your email is verified")).toBeVisible();
}

test("sign up, verify, organise, board, search, sign out and in", async ({ page }) => {
  // The longest walk: on a loaded machine it needs more than the default minute.
  test.setTimeout(180_000);
  const ada = person("ada");
  await signUp(page, ada);
  await expect(page.getByText("Please verify your email")).toBeVisible();
  await verifyEmail(page, ada.email);
  await page.getByRole("link", { name: "Go to your tasks" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(page.getByText("Please verify your email")).toHaveCount(0);

  // The refresh token is an HttpOnly cookie and the access token lives in memory only.
  expect(await page.evaluate(() => document.cookie)).not.toContain("taskflow_refresh");
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(stored).not.toMatch(/eyJ|token/i);
  const cookies = await page.context().cookies();
  const refresh = cookies.find((c) => c.name === "taskflow_refresh");
  expect(refresh?.httpOnly).toBe(true);
  expect(refresh?.sameSite).toBe("Strict");
  expect(refresh?.path).toBe("/api/v1/auth");

  await createProject(page, "Launch");
  await quickAdd(page, ["Write announcement", "Book venue", "Order snacks"]);

  await page.getByRole("button", { name: "Write announcement", exact: true }).click();
  const detail = page.getByRole("complementary", { name: "Task details" });
  await detail.getByLabel("Priority").selectOption("4");
  await detail.getByLabel("Assignee").selectOption({ label: `${ada.username} (me)` });
  await expect(page.locator(".task-row", { hasText: "Write announcement" })).toContainText("@");
  await detail.getByRole("button", { name: "Edit" }).click();
  await detail
    .getByLabel("Description (Markdown)")
    .fill("Ship **on time**.\n\n<script>alert(1)</script>\n\n- [x] draft\n- [ ] review");
  await detail.getByRole("button", { name: "Save" }).click();
  await expect(detail.locator(".markdown strong")).toHaveText("on time");
  await expect(detail.getByText("<script>alert(1)</script>")).toBeVisible();
  // A task-list box ticks and saves the description; the open task survives a reload (URL).
  // The reload waits for the tick's save: on a busy machine the description's own save can
  // still be landing, and the tick is then sent again on top of it (a 412, then a 200).
  const tickSaved = page.waitForResponse(
    async (r) =>
      r.request().method() === "PATCH" &&
      r.status() === 200 &&
      String((await r.json()).description ?? "").includes("[x] review"),
  );
  await detail.getByRole("checkbox", { name: "review: not done" }).check();
  await expect(detail.getByRole("checkbox", { name: "review: done" })).toBeChecked();
  await tickSaved;
  await page.reload();
  await expect(detail.getByRole("checkbox", { name: "review: done" })).toBeChecked();
  await expect(detail.getByRole("checkbox", { name: "draft: done" })).toBeChecked();
  await detail.getByLabel("Due date").fill("2030-01-15");
  await expect(page.locator(".task-row", { hasText: "Write announcement" })).toContainText("15 Jan 2030");
  await detail.getByLabel("Write a comment").fill("Looks **good**");
  await detail.getByRole("button", { name: "Comment" }).click();
  await expect(detail.locator(".comment")).toContainText("Looks good");
  await detail.getByRole("button", { name: /Edit your comment/ }).click();
  await detail.getByLabel("Edit comment").fill("Looks **great**");
  await detail.getByRole("button", { name: "Save" }).click();
  await expect(detail.locator(".comment")).toContainText("Looks great");
  await detail.getByRole("button", { name: /Vote/ }).click();
  await expect(detail.getByRole("button", { name: /Voted · 1/ })).toBeVisible();
  await detail.getByLabel("New subtask").fill("Draft the text");
  await detail.getByLabel("New subtask").press("Enter");
  await expect(detail.getByRole("button", { name: "Draft the text" })).toBeVisible();
  await detail.getByRole("button", { name: "Show activity" }).click();
  await expect(detail.locator(".activity li").first()).toBeVisible();
  await detail.evaluate((el) => el.scrollTo(0, 0));
  await screenshot(page, "task-detail");
  await page.getByRole("button", { name: /Theme: system/ }).click(); // → light
  await page.getByRole("button", { name: /Theme: light/ }).click(); // → dark
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await screenshot(page, "dark-detail");
  await page.getByRole("button", { name: /Theme: dark/ }).click(); // → system
  await page.keyboard.press("Escape");
  await expect(detail).toHaveCount(0);
  await page.locator("body").press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await screenshot(page, "shortcuts");
  await page.keyboard.press("Escape");

  await page.getByRole("link", { name: "Assigned to me" }).click();
  await expect(page.locator(".task-row")).toHaveCount(1);
  await expect(page.locator(".task-row")).toContainText("Write announcement");
  await page.getByRole("link", { name: "Launch", exact: true }).click();

  await page.getByLabel("Complete “Order snacks”").click();
  await expect(page.getByRole("button", { name: "Order snacks", exact: true })).toHaveCount(0);
  await page.getByLabel("Status").selectOption("done");
  await expect(page.getByRole("button", { name: "Order snacks", exact: true })).toBeVisible();
  await page.getByLabel("Status").selectOption("open");
  await screenshot(page, "task-list");

  await page.getByRole("link", { name: "Board" }).click();
  const todo = page.locator('[data-status="todo"]');
  const doing = page.locator('[data-status="in_progress"]');
  await todo.locator(".card", { hasText: "Book venue" }).dragTo(doing);
  await expect(doing.locator(".card", { hasText: "Book venue" })).toBeVisible();
  await page.reload();
  await expect(page.locator('[data-status="in_progress"] .card', { hasText: "Book venue" })).toBeVisible();
  await screenshot(page, "board");

  await page.getByRole("link", { name: "List" }).click();
  await page.getByLabel("Status").selectOption("all");
  await page.getByLabel("Search tasks").fill("venue");
  await expect(page.locator(".task-row")).toHaveCount(1);
  await page.getByLabel("Search tasks").fill("");
  await page.getByLabel("Priority").selectOption("4");
  await expect(page.locator(".task-row")).toHaveCount(1);
  await expect(page.locator(".task-row")).toContainText("Write announcement");
  await page.getByRole("button", { name: "Clear filters" }).click();
  await page.getByLabel("Sort").selectOption("title");
  await expect(page.locator(".task-row .task-title").first()).toHaveText("Book venue");
  // Filters and sort are in the URL: a reload keeps them.
  await page.getByLabel("Status").selectOption("all");
  await expect(page).toHaveURL(/[?&]status=all\b.*sort=title|sort=title.*status=all/);
  await page.reload();
  await expect(page.getByLabel("Sort")).toHaveValue("title");
  await expect(page.getByLabel("Status")).toHaveValue("all");
  await expect(page.locator(".task-row .task-title").first()).toHaveText("Book venue");

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await screenshot(page, "sign-in");
  await signIn(page, ada.email.toUpperCase(), ada.password);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Launch", exact: true })).toBeVisible();
});

test("a stale board move is refused and reloaded", async ({ page, browser }) => {
  // This page gets no live updates (its WebSocket goes nowhere), so its copy of the
  // task goes stale when another session edits it.
  await page.routeWebSocket(/\/api\/v1\/ws$/, () => {});
  const eve = person("eve");
  await signUp(page, eve);
  await createProject(page, "Race");
  await quickAdd(page, ["Contested"]);
  await page.getByRole("link", { name: "Board" }).click();
  await expect(page.locator(".card", { hasText: "Contested" })).toBeVisible();

  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, eve.username, eve.password);
  await otherPage.getByRole("link", { name: "Race", exact: true }).click();
  await otherPage.getByRole("button", { name: "Contested", exact: true }).click();
  await otherPage.getByRole("complementary", { name: "Task details" }).getByLabel("Priority").selectOption("2");
  await expect(otherPage.locator(".task-row", { hasText: "Contested" })).toContainText("Medium");
  await other.close();

  await page
    .locator('[data-status="todo"] .card', { hasText: "Contested" })
    .dragTo(page.locator('[data-status="done"]'));
  // The API answers 412: the app rolls the card back, reloads the task and says so.
  await expect(page.getByRole("alert").filter({ hasText: "changed by someone else" })).toBeVisible();
  await expect(page.locator('[data-status="todo"] .card', { hasText: "Contested" })).toContainText("Medium");
  // Trying again with the fresh version works.
  await page
    .locator('[data-status="todo"] .card', { hasText: "Contested" })
    .dragTo(page.locator('[data-status="done"]'));
  await expect(page.locator('[data-status="done"] .card', { hasText: "Contested" })).toBeVisible();
  await page.reload();
  await expect(page.locator('[data-status="done"] .card', { hasText: "Contested" })).toBeVisible();
});

test("two sessions edit the description: the second sees both texts, then keeps its own", async ({ page, browser }) => {
  const kim = person("kim");
  await signUp(page, kim);
  await createProject(page, "Words");
  await quickAdd(page, ["Shared text"]);
  await page.getByRole("button", { name: "Shared text", exact: true }).click();
  const detail = page.getByRole("complementary", { name: "Task details" });
  await expect(detail.getByLabel("Title")).toHaveValue("Shared text");

  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, kim.username, kim.password);
  await otherPage.goto(page.url());
  const otherDetail = otherPage.getByRole("complementary", { name: "Task details" });
  await otherDetail.getByRole("button", { name: "Edit", exact: true }).click();
  await detail.getByRole("button", { name: "Edit", exact: true }).click();
  await detail.getByLabel("Description (Markdown)").fill("First session's words");
  await detail.getByRole("button", { name: "Save" }).click();
  await expect(detail.locator(".markdown")).toHaveText("First session's words");

  await otherDetail.getByLabel("Description (Markdown)").fill("Second session's words");
  await otherDetail.getByRole("button", { name: "Save" }).click();
  const conflict = otherDetail.getByRole("group", { name: "The description was changed by someone else" });
  await expect(conflict.getByText("First session's words")).toBeVisible();
  await conflict.getByRole("button", { name: "Keep mine" }).click();
  await expect(otherDetail.locator(".markdown")).toHaveText("Second session's words");
  await other.close();
  await page.reload();
  await expect(detail.locator(".markdown")).toHaveText("Second session's words");
});

test("a second member sees a change live", async ({ page, browser }) => {
  const ada = person("ada2");
  const bob = person("bob");
  const bobContext = await browser.newContext();
  const bobPage = await bobContext.newPage();
  await signUp(bobPage, bob);

  await signUp(page, ada);
  await createProject(page, "Shared");
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Add member (username or email)").fill(bob.username);
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.locator(".member", { hasText: `@${bob.username}` })).toBeVisible();
  await screenshot(page, "project-settings");
  await page.getByRole("link", { name: /Back to Shared/ }).click();

  // Bob hears that he was added (member.added) and the project appears in his sidebar.
  await expect(bobPage.getByRole("link", { name: "Shared", exact: true })).toBeVisible();
  await bobPage.getByRole("link", { name: "Shared", exact: true }).click();
  await expect(bobPage.getByText("All clear.")).toBeVisible();
  await expect(bobPage.locator(".live-live")).toBeVisible();

  await quickAdd(page, ["Made by Ada"]);
  await expect(bobPage.getByRole("button", { name: "Made by Ada", exact: true })).toBeVisible({ timeout: 5_000 });
  await bobPage.getByLabel("Complete “Made by Ada”").click();
  await expect(page.getByRole("button", { name: "Made by Ada", exact: true })).toHaveCount(0, { timeout: 5_000 });

  await bobContext.close();
});

test("an expired access token is refreshed silently", async ({ page }) => {
  test.setTimeout(150_000);
  const gus = person("gus");
  await signUp(page, gus);
  // The server was started with one-minute access tokens: after 70 s idle the app
  // still works without asking anyone to sign in.
  await page.waitForTimeout(70_000);
  await quickAdd(page, ["After expiry"]);
  await page.reload();
  await expect(page.getByRole("button", { name: "After expiry", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
});

test("forgot password by email", async ({ page }) => {
  const carol = person("carol");
  await signUp(page, carol);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByLabel("Email").fill(carol.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText("a link to reset the password is on its way")).toBeVisible();
  const link = await waitForLink(mailbox(), carol.email, "/reset-password?token=");
  await page.goto(link);
  const fresh = `${carol.password} renewed`;
  await page.getByLabel("New password", { exact: true }).fill(fresh);
  await page.getByLabel("Repeat new password").fill(fresh);
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByText("Password changed. Sign in with the new one.")).toBeVisible();
  await signIn(page, carol.username, fresh);
});

test("account: sessions, export, password, delete", async ({ page }) => {
  const dan = person("dan");
  await signUp(page, dan);
  await page.getByRole("link", { name: dan.username }).click();
  await expect(page.locator(".session")).toContainText("this device");
  await page.getByRole("link", { name: "Inbox", exact: true }).click();
  await quickAdd(page, ["Exported task"]);
  await page.getByRole("link", { name: dan.username }).click();
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download export" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^taskflow-export-.*\.json$/);
  // Import it back: the Inbox task arrives again in the Inbox.
  await page.getByLabel("Export file (JSON, or zip with files)").setInputFiles(await download.path());
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByText(/Imported \d+ projects and 1 tasks/)).toBeVisible();
  await page.getByRole("link", { name: "Inbox", exact: true }).click();
  await expect(page.getByRole("button", { name: "Exported task", exact: true })).toHaveCount(2);
  await page.getByRole("link", { name: dan.username }).click();
  const fresh = `${dan.password} again`;
  await page.getByLabel("Current password").fill(dan.password);
  await page.getByLabel("New password").fill(fresh);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed.")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Account", exact: true })).toBeVisible();
  await screenshot(page, "account");
  await page.getByLabel("Your password").fill(fresh);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await page
    .getByRole("alertdialog", { name: "Delete your account?" })
    .getByRole("button", { name: "Delete my account" })
    .click();
  await expect(page.getByText("Your account was deleted.")).toBeVisible();
});

test.describe("with axe-core injected", () => {
  // The app's CSP (script-src 'self') rightly blocks the injected checker; the other
  // tests run with the CSP on, so an inline script in the app would fail them.
  test.use({ bypassCSP: true });

  test("a 375 px walk and the accessibility check", async ({ page }) => {
    const fay = person("fay");
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto("/login");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await signUp(page, fay);
    await noHorizontalOverflow(page);
    await page.getByRole("button", { name: "Projects menu" }).click();
    await createProject(page, "Phone");
    await quickAdd(page, ["Small screen task"]);
    await noHorizontalOverflow(page);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "mobile-list");
    await page.getByRole("button", { name: "Small screen task", exact: true }).click();
    await expect(page.getByRole("complementary", { name: "Task details" })).toBeInViewport();
    await noHorizontalOverflow(page);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "mobile-detail");
    await page.getByRole("button", { name: "← Close" }).click();
    await page.getByRole("link", { name: "Board" }).click();
    await expect(page.locator('[data-status="todo"] .card')).toHaveCount(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole("link", { name: "Settings" }).click();
    await expect(page.getByRole("heading", { name: /settings/ })).toBeVisible();
    await noHorizontalOverflow(page);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Projects menu" }).click();
    await page.getByRole("link", { name: "Account" }).click();
    await expect(page.getByRole("heading", { name: "Account", exact: true })).toBeVisible();
    await noHorizontalOverflow(page);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of `step`, as an authenticator app computes it. */
function totp(secret: string, step: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of secret.replace(/=+$/, "")) bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}
const currentStep = () => Math.floor(Date.now() / 30_000);

test("two-factor: set up with the QR code, recovery codes, sign in with a code", async ({ page }) => {
  const tess = person("tess");
  await signUp(page, tess);
  await page.getByRole("link", { name: tess.username }).click();
  await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  const step = currentStep();
  await page.getByLabel("Code from the app").fill(totp(secret, step));
  await page.getByRole("button", { name: "Turn on" }).click();
  const codes = page.getByTestId("recovery-codes").locator("code");
  await expect(codes).toHaveCount(10);
  const recoveryCodes = (await codes.allTextContents()).map((code) => code.trim());
  const recovery = recoveryCodes[0];
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download codes" }).click();
  expect((await downloading).suggestedFilename()).toBe("taskflow-recovery-codes.txt");
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByText("Signing in with your password also needs a code")).toBeVisible();

  // Sign out; the password alone now leads to the code prompt.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.goto("/login");
  await page.getByLabel("Username or email").fill(tess.username);
  await page.getByLabel("Password").fill(tess.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  // The code used to turn 2FA on is spent: a replay is refused.
  await page.getByLabel("Code").fill(totp(secret, step));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong or already used code.");
  await page.getByLabel("Code").fill(totp(secret, step + 1)); // the next step's code is accepted
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();

  // A recovery code works too, once.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.goto("/login");
  await page.getByLabel("Username or email").fill(tess.username);
  await page.getByLabel("Password").fill(tess.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Code").fill(recovery);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();

  // Turn it off with the password and a recovery code.
  await page.getByRole("link", { name: tess.username }).click();
  const twoFactor = page.getByRole("region", { name: "Two-factor authentication" });
  await twoFactor.getByLabel("Password").fill(tess.password);
  await twoFactor.getByLabel("Code or recovery code").fill(recoveryCodes[1]);
  await page.getByRole("button", { name: "Turn off two-factor authentication" }).click();
  await expect(page.getByRole("button", { name: "Set up two-factor authentication" })).toBeVisible();
});

test("sign in with the OpenID Connect provider and land in the app", async ({ page }) => {
  const name = `sso-${run}`;
  await page.goto("/login");
  await page.getByRole("link", { name: `Sign in with ${OIDC_NAME}` }).click();
  // The provider's own sign-in form (oidc-provider's development login).
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/interaction\//);
  await page.locator('input[name="login"]').fill(name);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await page.getByRole("link", { name }).click();
  await expect(page.locator(".session")).toContainText(`signed in with ${OIDC_NAME}`);
  await expect(page.getByRole("textbox", { name: "Email" })).toHaveValue(`${name}@example.com`);
});

test("a failed single sign-on comes back to the sign-in page with the reason", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("link", { name: `Sign in with ${OIDC_NAME}` }).click();
  await page.locator('input[name="login"]').fill(`unverified-${run}`);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await expect(page).toHaveURL(/\/login\?oidc_error=email_unverified/);
  await expect(page.getByRole("alert")).toHaveText("Your email address is not verified at the sign-in provider.");
});
