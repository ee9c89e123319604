// Browser tests with Debian's Chromium (no browser download).
//
// Two suites:
//  - e2e/app.spec.ts runs the built app (vite preview) against an in-memory fake
//    API (e2e/fake-api.ts) — the screens and flows without a backend.
//  - e2e/server.spec.ts runs against a real `taskflow serve` started by
//    e2e/server.ts (see frontend/README.md); skipped unless TASKFLOW_E2E=1.
import { defineConfig } from "@playwright/test";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const previewPort = Number(process.env.TASKFLOW_E2E_PREVIEW_PORT ?? 4173);

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${previewPort}`,
    trace: "retain-on-failure",
    // The built app registers a service worker (the PWA); a worker left from an earlier test
    // would answer with a stale shell. Only e2e/offline.spec.ts allows it, for itself.
    serviceWorkers: "block",
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
    },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${previewPort} --strictPort`,
    url: `http://127.0.0.1:${previewPort}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
  },
});
