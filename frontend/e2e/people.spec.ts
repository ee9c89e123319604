// Issue 16's browser walks against a real `taskflow serve`: user B's bell turns to 1 live
// when user A mentions B, and an invitation accepted by a new account (the link survives
// the sign-up page).
import { expect, test } from "@playwright/test";
import { createProject, quickAdd, signUp } from "./helpers";
import { waitForLink } from "./server";

test.skip(process.env.TASKFLOW_E2E !== "1", "set TASKFLOW_E2E=1 to run against a real taskflow serve");
test.use({ baseURL: process.env.TASKFLOW_E2E_BASE_URL });

const mailbox = () => process.env.TASKFLOW_E2E_MAILBOX!;
const run = Date.now().toString(36);
const person = (name: string) => ({
  email: `${name}-${run}@example.com`,
  username: `${name}_${run}`,
  password: `${name} has a long passphrase ${run}`,
});

test("B's bell turns to 1 live when A mentions B in a comment", async ({ page, browser }) => {
  const ann = person("ann");
  const ben = person("ben");
  const benContext = await browser.newContext();
  const benPage = await benContext.newPage();
  await signUp(benPage, ben);

  await signUp(page, ann);
  await createProject(page, "Garden");
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Add member (username or email)").fill(ben.username);
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.locator(".member", { hasText: `@${ben.username}` })).toBeVisible();
  await page.getByRole("link", { name: /Back to Garden/ }).click();
  await quickAdd(page, ["Prune the roses"]);

  // Ben reads the member_added notification, so his bell starts at 0.
  const bell = benPage.locator(".bell-button");
  await expect(bell).toHaveAccessibleName("Notifications, 1 unread");
  await bell.click();
  await benPage.getByRole("button", { name: "Mark all read" }).click();
  await expect(bell).toHaveAccessibleName("Notifications");
  await bell.click();
  await expect(benPage.locator(".live-live")).toBeVisible();

  // Ann mentions Ben, picking him from the autocomplete.
  await page.getByRole("button", { name: "Prune the roses", exact: true }).click();
  const detail = page.getByRole("complementary", { name: "Task details" });
  const comment = detail.getByLabel("Write a comment");
  await comment.click();
  await comment.pressSequentially(`Could you take this, @${ben.username.slice(0, 4)}`);
  await detail.getByRole("option", { name: new RegExp(`@${ben.username}`) }).click();
  await comment.pressSequentially("?");
  await detail.getByRole("button", { name: "Comment" }).click();
  await expect(detail.locator(".comment")).toContainText(`@${ben.username}`);

  // Without a reload, Ben's bell says 1; the inbox leads him to the task.
  await expect(bell).toHaveAccessibleName("Notifications, 1 unread", { timeout: 5_000 });
  await bell.click();
  const item = benPage.getByRole("dialog", { name: "Notifications" }).getByText(/mentioned you on “Prune the roses”/);
  await expect(item).toBeVisible();
  await item.click();
  await expect(benPage.getByRole("complementary", { name: "Task details" }).getByLabel("Title")).toHaveValue(
    "Prune the roses",
  );
  await benContext.close();
});

test("an invitation by email is accepted by a new account, the link surviving sign-up", async ({ page, browser }) => {
  const owner = person("olga");
  const newcomer = person("nina");
  await signUp(page, owner);
  await createProject(page, "Choir");
  await page.getByRole("link", { name: "Settings" }).click();
  const invitations = page.getByRole("region", { name: "Invitations" });
  await invitations.getByLabel("Invite by email").fill(newcomer.email);
  await invitations.getByLabel("Role").selectOption("editor");
  await page.getByRole("button", { name: "Send invitation" }).click();
  const pending = page.getByRole("list", { name: "Pending invitations" });
  await expect(pending).toContainText(newcomer.email);

  // Nina has no account: the link sends her to sign in, she signs up instead, and joins.
  const link = await waitForLink(mailbox(), newcomer.email, "/invite?token=");
  const ninaContext = await browser.newContext();
  const nina = await ninaContext.newPage();
  await nina.goto(link);
  await expect(nina).toHaveURL(/\/login\?next=/);
  await nina.getByRole("link", { name: "Create an account" }).click();
  await expect(nina).toHaveURL(/\/signup\?next=/);
  await nina.getByLabel("Email").fill(newcomer.email);
  await nina.getByLabel("Username").fill(newcomer.username);
  await nina.getByLabel("Password").fill(newcomer.password);
  await nina.getByRole("button", { name: "Sign up" }).click();
  await expect(nina.getByRole("heading", { name: "Choir" })).toBeVisible();
  await expect(nina.getByText("You joined “Choir” as editor.")).toBeVisible();
  await expect(nina.getByRole("link", { name: "Choir", exact: true })).toBeVisible();

  // The invitation is spent: gone from the pending list, and the link does not work twice.
  await page.reload();
  await expect(page.getByText("No pending invitations.")).toBeVisible();
  await expect(page.locator(".member", { hasText: `@${newcomer.username}` })).toBeVisible();
  await nina.goto(link);
  await expect(nina.getByRole("alert")).toBeVisible();
  await ninaContext.close();
});
