// The installable PWA and the activity feed in Chromium against a real `taskflow serve`
// (SPEC §13; docs/architecture.md "Installable and offline", docs/projects-and-tasks.md
// "Activity feed"). The only spec that lets the service worker run (playwright.config.ts
// blocks it for the others).
import { expect, test, type Page } from "@playwright/test";
import { createProject, quickAdd, screenshot, seriousA11yViolations, signUp } from "./helpers";

test.skip(process.env.TASKFLOW_E2E !== "1", "set TASKFLOW_E2E=1 to run against a real taskflow serve");
test.use({ baseURL: process.env.TASKFLOW_E2E_BASE_URL, serviceWorkers: "allow" });

const run = Date.now().toString(36);
const person = (name: string) => ({
  email: `${name}-${run}@example.com`,
  username: `${name}_${run}`,
  password: `${name} has a long passphrase ${run}`,
});
const row = (page: Page, title: string) => page.getByRole("button", { name: title, exact: true });
const banner = (page: Page) => page.getByText("Offline — showing the last data.");

/**
 * Whether the offline copy in IndexedDB holds `text` yet (it is saved a second after a change),
 * in the queries whose key has `part` if given.
 */
function savedCopyHolds(page: Page, text: string, part?: string): Promise<boolean> {
  return page.evaluate(
    ({ needle, part }) =>
      new Promise<boolean>((resolve) => {
        const open = indexedDB.open("taskflow-offline");
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("cache")) return resolve(false);
          const get = db.transaction("cache").objectStore("cache").get("queries");
          get.onsuccess = () => {
            const record = get.result as { state: { queries: { queryHash: string }[] } } | undefined;
            const queries = (record?.state.queries ?? []).filter((q) => !part || q.queryHash.includes(part));
            resolve(JSON.stringify(queries).includes(needle));
          };
          get.onerror = () => resolve(false);
        };
      }),
    { needle: text, part },
  );
}

test("installable: the manifest, icons and service worker are served", async ({ page, request }) => {
  const manifest = await request.get("/manifest.webmanifest");
  expect(manifest.headers()["content-type"]).toBe("application/manifest+json");
  const body = (await manifest.json()) as { display: string; start_url: string; icons: { src: string; purpose?: string }[] };
  expect(body.display).toBe("standalone");
  expect(body.start_url).toBe("/");
  expect(body.icons.some((icon) => icon.purpose === "maskable")).toBe(true);
  for (const icon of body.icons) {
    const image = await request.get(icon.src);
    expect(image.headers()["content-type"]).toBe("image/png");
  }
  const sw = await request.get("/sw.js");
  expect(sw.headers()["cache-control"]).toBe("no-cache");
  await page.goto("/login");
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
});

test("opened offline, the app shows the last tasks and activity, says so, and refuses changes", async ({ page, context }) => {
  test.setTimeout(120_000);
  await signUp(page, person("olga"));
  await createProject(page, "Camping");
  await quickAdd(page, ["Pack the tent", "Buy stove gas"]);

  // The activity feed: each change in words, the task a link, newest first.
  await page.getByRole("link", { name: "Activity" }).click();
  const feed = page.getByRole("list", { name: "Project activity" });
  await expect(feed.getByRole("listitem").first()).toContainText(`olga_${run} created “Buy stove gas”`);
  await expect(feed).toContainText("created the project");
  await feed.getByRole("link", { name: "“Pack the tent”" }).click();
  await expect(page).toHaveURL(/\/projects\/\d+\?task=\d+/);
  await expect(page.getByRole("complementary", { name: "Task details" })).toBeVisible();
  await page.getByRole("link", { name: "Activity" }).click();
  await page.getByRole("button", { name: "People", exact: true }).click();
  await expect(page).toHaveURL(/\/activity\?show=people/);
  await expect(page.getByText(/^Nothing of this kind in the latest \d+ changes\.$/)).toBeVisible();
  await page.getByRole("button", { name: "All", exact: true }).click();

  // Live: a change made in another tab appears here without a reload.
  const other = await context.newPage();
  await other.goto(page.url().replace(/\/activity.*$/, ""));
  await quickAdd(other, ["Fold the chairs"]);
  await expect(feed.getByRole("listitem").first()).toContainText("created “Fold the chairs”");
  await other.close();
  await screenshot(page, "activity");

  await page.getByRole("link", { name: "List" }).click();
  await expect(row(page, "Fold the chairs")).toBeVisible();
  const projectUrl = page.url();

  // The service worker is active, and the data is saved for next time.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => savedCopyHolds(page, "Fold the chairs", '"list"'), { timeout: 10_000 }).toBe(true);
  await expect.poll(() => savedCopyHolds(page, "Fold the chairs", '"activity"'), { timeout: 10_000 }).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Camping" })).toBeVisible();
  await expect(banner(page)).toBeVisible();
  for (const title of ["Pack the tent", "Buy stove gas", "Fold the chairs"]) await expect(row(page, title)).toBeVisible();
  await screenshot(page, "offline");
  // The activity tab (its chunk precached, its rows saved) opens too.
  await page.getByRole("link", { name: "Activity" }).click();
  await expect(feed).toContainText("created “Fold the chairs”");
  await page.getByRole("link", { name: "List" }).click();

  // A change made offline is refused with a message, not queued out of sight.
  await page.getByLabel("Add a task").fill("Buy matches");
  await page.getByLabel("Add a task").press("Enter");
  await expect(page.locator(".toast")).toContainText("Can't reach TaskFlow");
  await expect(row(page, "Buy matches")).toHaveCount(0);

  // Back online: the banner goes, the session goes on and changes are saved again.
  await context.setOffline(false);
  await expect(banner(page)).toHaveCount(0);
  await quickAdd(page, ["Buy matches"]);
  await page.reload();
  await expect(row(page, "Buy matches")).toBeVisible();
  expect(page.url()).toBe(projectUrl);
});

test("signing out leaves none of the user's data in the browser", async ({ page }) => {
  await signUp(page, person("sam"));
  await quickAdd(page, ["Secret plan"]);
  await expect.poll(() => savedCopyHolds(page, "Secret plan"), { timeout: 10_000 }).toBe(true);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect.poll(() => savedCopyHolds(page, "Secret plan")).toBe(false);
  const session = await page.evaluate(
    () =>
      new Promise<unknown>((resolve) => {
        const open = indexedDB.open("taskflow-offline");
        open.onsuccess = () =>
          (open.result.transaction("cache").objectStore("cache").get("session").onsuccess = (e) =>
            resolve((e.target as IDBRequest).result ?? null));
      }),
  );
  expect(session).toBeNull();
});

test("signed out while offline: the session ends at the server once it is reachable", async ({ page, context }) => {
  await signUp(page, person("otto"));
  await quickAdd(page, ["Private note"]);
  await expect.poll(() => savedCopyHolds(page, "Private note"), { timeout: 10_000 }).toBe(true);
  await context.setOffline(true);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect.poll(() => savedCopyHolds(page, "Private note")).toBe(false);
  // The refresh cookie outlived the offline sign-out; opened again, the app ends it first.
  await context.setOffline(false);
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem("taskflow-sign-out-pending"))).toBeNull();
});

test.describe("with axe-core injected", () => {
  // The app's CSP rightly blocks the injected checker (see server.spec.ts).
  test.use({ bypassCSP: true, serviceWorkers: "block" });

  test("the Activity tab and the offline banner have no serious accessibility violations", async ({ page, context }) => {
    await signUp(page, person("ada"));
    await quickAdd(page, ["Check the ramp"]);
    await page.getByRole("link", { name: "Activity" }).click();
    await expect(page.getByRole("list", { name: "Project activity" })).toContainText("created “Check the ramp”");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole("button", { name: /Theme: system/ }).click(); // → light
    await page.getByRole("button", { name: /Theme: light/ }).click(); // → dark
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    await context.setOffline(true);
    await expect(banner(page)).toBeVisible();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await context.setOffline(false);
  });
});
