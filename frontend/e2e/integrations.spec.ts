// Integrations in Chromium against a real `taskflow serve` (TASKFLOW_E2E=1): an API token
// created, copied once and used like curl; a webhook's delivery log; an import with preview.
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { createProject, quickAdd, signUp } from "./helpers";

test.skip(process.env.TASKFLOW_E2E !== "1", "set TASKFLOW_E2E=1 to run against a real taskflow serve");
test.use({ baseURL: process.env.TASKFLOW_E2E_BASE_URL });

const run = Date.now().toString(36);
const person = (name: string) => ({
  email: `${name}-${run}@example.com`,
  username: `${name}_${run}`,
  password: `${name} has a long passphrase ${run}`,
});

test("an API token: created, shown once, used like curl, revoked", async ({ page, request }) => {
  const eve = person("eve");
  await signUp(page, eve);
  await page.getByRole("link", { name: eve.username }).click();
  const tokens = page.getByRole("region", { name: "API tokens" });
  await tokens.getByLabel("Token name").fill("backup script");
  await tokens.getByRole("button", { name: "Create token" }).click();
  const secret = await tokens.getByLabel("New API token").inputValue();
  expect(secret).toMatch(/^tf_[A-Za-z0-9_-]{40,}$/);
  await tokens.getByRole("button", { name: "Done" }).click();
  await expect(tokens.getByLabel("New API token")).toHaveCount(0);
  await expect(tokens.getByRole("list", { name: "API tokens" })).toContainText("backup script");

  const auth = { Authorization: `Bearer ${secret}` };
  const me = await request.get("/api/v1/users/me", { headers: auth });
  expect(me.status()).toBe(200);
  expect((await me.json()).username).toBe(eve.username);
  const made = await request.post("/api/v1/tasks", { headers: auth, data: { title: "From a script" } });
  expect(made.status()).toBe(201);
  expect((await request.get("/api/v1/auth/api-tokens", { headers: auth })).status()).toBe(403);

  await page.reload();
  await expect(tokens.getByRole("list", { name: "API tokens" })).toContainText("last used");
  await tokens.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke" }).click();
  await expect(tokens.getByRole("list", { name: "API tokens" })).not.toContainText("backup script");
  expect((await request.get("/api/v1/users/me", { headers: auth })).status()).toBe(401);
});

test("a webhook: added, pinged, its delivery log, redelivered, a change delivered", async ({ page }) => {
  const received: string[] = [];
  const receiver: Server = createServer((req, res) => {
    const event = String(req.headers["x-taskflow-event"]);
    received.push(event);
    req.resume();
    // A ping gets an empty 204; an event gets a body, which the log keeps as the response.
    req.on("end", () => (event === "ping" ? res.writeHead(204).end() : res.writeHead(200).end(`thanks for ${event}`)));
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const address = receiver.address();
  const port = typeof address === "object" && address ? address.port : 0;
  try {
    const fay = person("fay");
    await signUp(page, fay);
    await createProject(page, "Hooked");
    await page.getByRole("link", { name: "Settings" }).click();
    const hooks = page.getByRole("region", { name: "Webhooks" });
    await hooks.getByLabel("Payload URL").fill(`http://127.0.0.1:${port}/hook`);
    await hooks.getByRole("button", { name: "Add webhook" }).click();
    await expect(hooks.getByLabel("Webhook secret")).not.toHaveValue("");
    await hooks.getByRole("button", { name: "Done" }).click();
    await hooks.getByRole("button", { name: "Ping" }).click();
    const log = hooks.getByRole("table", { name: "Deliveries" });
    await expect(log).toContainText("ping");
    await expect(log).toContainText("✓ 204");
    await log.getByRole("button", { name: "Redeliver" }).first().click();
    await expect(log.locator("tbody tr")).toHaveCount(2);
    await expect.poll(() => received.length).toBe(2);
    expect(received).toEqual(["ping", "ping"]);

    // A change in the project (task.created is subscribed by default) is delivered and
    // logged with what was sent and what the receiver answered.
    await page.getByRole("link", { name: "Hooked", exact: true }).click();
    await quickAdd(page, ["Hooked task"]);
    await expect.poll(() => received.length).toBe(3);
    expect(received[2]).toBe("task.created");
    await page.getByRole("link", { name: "Settings" }).click();
    await hooks.getByRole("button", { name: "Deliveries" }).click();
    // (A ping's body names its events too: the row is found by its summary, the event.)
    const created = log.locator("tbody tr").filter({ has: page.locator("summary", { hasText: /^task\.created/ }) });
    await expect(created).toContainText("✓ 200");
    await created.locator("summary").click(); // opens the row's details
    await expect(created).toContainText('"title": "Hooked task"');
    await expect(created).toContainText("thanks for task.created");
  } finally {
    receiver.close();
  }
});

test("an import from Todoist: preview first, then the project", async ({ page }) => {
  const gus = person("gus");
  await signUp(page, gus);
  await page.getByRole("link", { name: gus.username }).click();
  const section = page.getByRole("region", { name: "Import from Todoist or Trello" });
  const csv = readFileSync(new URL("../../tests/integrations/fixtures/todoist-current.csv", import.meta.url));
  await section.getByLabel("File").setInputFiles({ name: "plans.csv", mimeType: "text/csv", buffer: csv });
  await section.getByLabel("Name of the new project (optional)").fill("Imported plans");
  await section.getByRole("button", { name: "Preview" }).click();
  const preview = section.getByLabel("Import preview");
  await expect(preview).toContainText("6 tasks, 1 section, 0 labels, 1 comment");
  await expect(preview).toContainText("Write the plan");
  await expect(page.getByRole("link", { name: "Imported plans" })).toHaveCount(0);
  await preview.getByRole("button", { name: "Import 6 tasks" }).click();
  await expect(page.getByRole("heading", { name: "Imported plans" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Write the plan", exact: true })).toBeVisible();
});
