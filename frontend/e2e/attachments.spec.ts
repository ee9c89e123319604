// Attachments in Chromium against a real `taskflow serve`: drop a file on a task, see its
// preview, download it, delete it.
import { expect, test } from "@playwright/test";
import { quickAdd, signUp } from "./helpers";

test.skip(process.env.TASKFLOW_E2E !== "1", "set TASKFLOW_E2E=1 to run against a real taskflow serve");
test.use({ baseURL: process.env.TASKFLOW_E2E_BASE_URL });

const run = Date.now().toString(36);
// A 64×48 red PNG.
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAIAAAAuKetIAAAAT0lEQVR4nO3PQQ0AIBDAMMC/50MEj4ZkVbDtWX87OuBVA1oDWgNaA1oDWgNaA1oDWgNaA1oDWgNaA1oDWgNaA1oDWgNaA1oDWgNaA1oD2gX6dwFfoRCNAAAAAABJRU5ErkJggg==";

test("drop a file on a task, see its preview, download it, delete it", async ({ page }) => {
  await signUp(page, {
    email: `ivy-${run}@example.com`,
    username: `ivy_${run}`,
    password: `ivy has a long passphrase ${run}`,
  });
  await quickAdd(page, ["Design the logo"]);
  await page.getByRole("button", { name: "Design the logo", exact: true }).click();
  const detail = page.getByRole("complementary", { name: "Task details" });
  const attachments = detail.getByRole("region", { name: /Attachments/ });
  await expect(attachments).toBeVisible();

  // What the browser hands over when a file from the desktop is dropped on the panel.
  const dataTransfer = await page.evaluateHandle((base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], "logo draft.png", { type: "image/png" }));
    return transfer;
  }, PNG);
  const body = detail.locator(".detail-body");
  await body.dispatchEvent("dragenter", { dataTransfer });
  await body.dispatchEvent("dragover", { dataTransfer });
  await body.dispatchEvent("drop", { dataTransfer });

  const preview = attachments.getByRole("img", { name: "Preview of logo draft.png" });
  await expect(preview).toBeVisible();
  await expect
    .poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
    .toBe(true);
  await expect(attachments).toContainText("logo draft.png");
  await expect(attachments).toContainText(`ivy_${run}`);
  await expect(page.locator(".task-row", { hasText: "Design the logo" })).toBeVisible();

  const downloading = page.waitForEvent("download");
  await attachments.getByRole("button", { name: "logo draft.png", exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("logo draft.png");
  const saved = await download.path();
  const { readFileSync } = await import("node:fs");
  expect(readFileSync(saved).toString("base64")).toBe(PNG);

  await attachments.getByRole("button", { name: "Delete logo draft.png" }).click();
  await expect(attachments.getByText("logo draft.png")).toHaveCount(0);
});
