// Drag to reorder the list (issue 17), against a real `taskflow serve`: a row moves by its
// handle with the mouse and with the keyboard, the position is saved (a fractional-index
// key), and the order survives a reload.
import { expect, test, type Page } from "@playwright/test";
import { createProject, quickAdd, signUp } from "./helpers";

test.skip(process.env.TASKFLOW_E2E !== "1", "set TASKFLOW_E2E=1 to run against a real taskflow serve");
test.use({ baseURL: process.env.TASKFLOW_E2E_BASE_URL });

const run = Date.now().toString(36);
const titles = (page: Page) => page.locator(".task-row .task-title").allTextContents();
const positionSaved = (page: Page) =>
  page.waitForResponse(
    (r) => r.request().method() === "PATCH" && r.url().includes("/api/v1/tasks/") && r.status() === 200,
  );

test("a row dragged with the mouse and moved with the keyboard keeps its place after a reload", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, {
    email: `sorter-${run}@example.com`,
    username: `sorter_${run}`,
    password: `sorter has a long passphrase ${run}`,
  });
  await createProject(page, "Reorder");
  await quickAdd(page, ["One", "Two", "Three", "Four"]);
  await expect.poll(() => titles(page)).toEqual(["One", "Two", "Three", "Four"]);

  // The mouse: "Four" by its handle onto "Two" (dnd-kit's pointer sensor starts after 6px).
  const handle = page.getByRole("button", { name: "Move “Four”" });
  const from = (await handle.boundingBox())!;
  const to = (await page.locator(".task-row", { hasText: "Two" }).boundingBox())!;
  let saved = positionSaved(page);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2, from.y - 10, { steps: 5 });
  await page.mouse.move(from.x + from.width / 2, to.y + to.height / 3, { steps: 15 });
  await page.mouse.up();
  await saved;
  await expect.poll(() => titles(page)).toEqual(["One", "Four", "Two", "Three"]);

  // The keyboard: space picks "One" up, two steps down, space drops it, announced.
  saved = positionSaved(page);
  await page.getByRole("button", { name: "Move “One”" }).focus();
  await page.keyboard.press("Space");
  await expect(page.getByText(/“One” is at position 1 of 4/)).toBeAttached();
  // One step at a time, as a person listens for each: an arrow pressed while the rows are
  // still sliding from the last step can land on the same place (CI lost one that way), and
  // a person would press it again.
  for (const place of [2, 3]) {
    const heard = page.getByText(new RegExp(`“One” is at position ${place} of 4`));
    await expect(async () => {
      if ((await heard.count()) === 0) await page.keyboard.press("ArrowDown");
      await expect(heard).toBeAttached({ timeout: 1_000 });
    }).toPass({ timeout: 10_000 });
  }
  await page.keyboard.press("Space");
  await saved;
  await expect(page.getByText(/Moved “One” to position 3 of 4/)).toBeAttached();
  await expect.poll(() => titles(page)).toEqual(["Four", "Two", "One", "Three"]);

  await page.reload();
  await expect(page.getByRole("heading", { name: "Reorder" })).toBeVisible();
  await expect.poll(() => titles(page)).toEqual(["Four", "Two", "One", "Three"]);

  // Sorted by something else, the rows have no handle.
  await page.getByRole("search").getByLabel("Sort").selectOption("title");
  await expect.poll(() => titles(page)).toEqual(["Four", "One", "Three", "Two"]);
  await expect(page.getByRole("button", { name: /^Move “/ })).toHaveCount(0);
});
