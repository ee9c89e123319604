// Starts a real `taskflow serve` (and a mail catcher) when TASKFLOW_E2E=1; see e2e/server.ts.
import { startServer } from "./server";

export default async function globalSetup(): Promise<(() => Promise<void>) | void> {
  if (process.env.TASKFLOW_E2E !== "1") return;
  const server = await startServer();
  process.env.TASKFLOW_E2E_BASE_URL = server.baseUrl;
  process.env.TASKFLOW_E2E_MAILBOX = server.mailbox;
  return server.stop;
}
