// Shared steps for the browser tests.
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page } from "@playwright/test";

const require = createRequire(import.meta.url);

// Screenshots of the real server run are the ones shown in the docs; the fake-API
// run keeps its own under test-results/.
export const SCREENSHOTS =
  process.env.TASKFLOW_E2E === "1"
    ? join(process.cwd(), "..", "docs", "screenshots")
    : join(process.cwd(), "test-results", "screenshots");

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

export async function signUp(page: Page, user: { email: string; username: string; password: string }): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
}

export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Username or email").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
}

export async function createProject(page: Page, name: string): Promise<void> {
  await page.getByRole("button", { name: "New project" }).click();
  await page.getByLabel("Project name").fill(name);
  await page.getByRole("button", { name: "Add project" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
}

export async function quickAdd(page: Page, titles: string[]): Promise<void> {
  const input = page.getByLabel("Add a task");
  for (const title of titles) {
    await input.fill(title);
    await input.press("Enter");
    await expect(input).toBeFocused();
    await expect(page.getByRole("button", { name: title, exact: true })).toBeVisible();
  }
}

/** axe-core on the current page: the serious and critical violations, if any. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: unknown,
          ) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 3),
    }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join(", ")})`);
}

export async function noHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "page scrolls sideways").toBeLessThanOrEqual(0);
}

/** The open task's panel. */
export const detailOf = (page: Page) => page.getByRole("complementary", { name: "Task details" });

/** `YYYY-MM-DD` of the day `offset` days from today in `zone`. */
export function localDay(zone: string, offset = 0): string {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());
  const [y, m, d] = today.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + offset)).toISOString().slice(0, 10);
}

/** A new user whose time zone is `zone`, on her Inbox. */
export async function signUpInZone(
  page: Page,
  user: { email: string; username: string; password: string },
  zone: string,
): Promise<void> {
  await signUp(page, user);
  await page.goto("/account");
  await page.getByLabel("Time zone").fill(zone);
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Profile saved.")).toBeVisible();
  await page.getByRole("link", { name: "Inbox", exact: true }).click();
}
