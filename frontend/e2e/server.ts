// A real TaskFlow server for the browser tests: fresh data dir, mail captured by a
// tiny SMTP sink written in Node, access tokens that expire quickly.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { connect, createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** A minimal SMTP server that appends each message (as JSON lines) to `file`. */
export function startSmtpSink(file: string): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    let buffer = "";
    let inData = false;
    let data: string[] = [];
    let rcpt: string[] = [];
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 taskflow-e2e ESMTP");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let index: number;
      while ((index = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            appendFileSync(file, JSON.stringify({ to: rcpt, data: data.join("\n") }) + "\n");
            data = [];
            rcpt = [];
            reply("250 OK");
          } else data.push(line.startsWith("..") ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") reply("250 taskflow-e2e");
        else if (verb === "RCPT") {
          rcpt.push(line.replace(/^RCPT TO:\s*/i, "").replace(/[<>]/g, ""));
          reply("250 OK");
        } else if (verb === "DATA") {
          inData = true;
          reply("354 End data with <CR><LF>.<CR><LF>");
        } else if (verb === "QUIT") {
          reply("221 Bye");
          socket.end();
        } else reply("250 OK");
      }
    });
    socket.on("error", () => {});
  });
  return new Promise((resolveListen) =>
    server.listen(0, "127.0.0.1", () => resolveListen({ port: (server.address() as AddressInfo).port, server })),
  );
}

/** Every captured message to `address`, oldest first, with soft line breaks and QP undone. */
export function readMail(mailbox: string, address: string): string[] {
  if (!existsSync(mailbox)) return [];
  return readFileSync(mailbox, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { to: string[]; data: string })
    .filter((m) => m.to.some((to) => to.toLowerCase() === address.toLowerCase()))
    .map((m) => m.data.replace(/=\r?\n/g, "").replace(/=3D/g, "="));
}

/** The first link in the newest mail to `address` whose path starts with `path`. */
export async function waitForLink(mailbox: string, address: string, path: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const pattern = new RegExp(`https?://[^\\s"'<>]*${path.replace(/[/?]/g, "\\$&")}[^\\s"'<>]*`);
  while (Date.now() < deadline) {
    const mails = readMail(mailbox, address);
    for (const mail of mails.reverse()) {
      const match = pattern.exec(mail);
      if (match) return match[0];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${address} with a ${path} link`);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}

export const OIDC_NAME = "Test ID";

/** The real OpenID Provider of the Python tests (tests/oidc: npm's oidc-provider), with
 * TaskFlow's callback registered. Any login name signs in (its development login form). */
async function startOidcProvider(root: string, baseUrl: string, dataDir: string) {
  const dir = join(root, "tests", "oidc");
  if (!existsSync(join(dir, "node_modules", "oidc-provider"))) {
    throw new Error("tests/oidc is not installed: cd tests/oidc && npm ci (make test does it)");
  }
  const port = await freePort();
  const secret = "taskflow-e2e-client-secret-0123456789";
  const logFd = openSync(join(dataDir, "oidc-provider.log"), "a");
  const child = spawn("node", ["server.mjs"], {
    cwd: dir,
    detached: true,
    stdio: ["ignore", logFd, logFd],
    env: {
      ...process.env,
      OIDC_PORT: String(port),
      OIDC_CLIENTS: JSON.stringify([
        { client_id: "taskflow", client_secret: secret, redirect_uris: [`${baseUrl}/api/v1/auth/oidc/callback`] },
      ]),
    },
  });
  const issuer = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${issuer}/.well-known/openid-configuration`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error("the OpenID Provider did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    env: {
      TASKFLOW_OIDC_ISSUER: issuer,
      TASKFLOW_OIDC_CLIENT_ID: "taskflow",
      TASKFLOW_OIDC_CLIENT_SECRET: secret,
      TASKFLOW_OIDC_NAME: OIDC_NAME,
    },
    stop: () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    },
  };
}

/** Whether something already listens on 127.0.0.1:`port`. */
function portInUse(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

export async function startServer(): Promise<{ baseUrl: string; mailbox: string; stop: () => Promise<void> }> {
  const root = resolve(process.env.TASKFLOW_E2E_ROOT ?? join(process.cwd(), ".."));
  const port = Number(process.env.TASKFLOW_E2E_PORT ?? 8765);
  const baseUrl = `http://127.0.0.1:${port}`;
  // Another server left on the port would answer the readiness check and the tests
  // would walk it (its build, its mailbox): refuse instead.
  if (await portInUse(port))
    throw new Error(`127.0.0.1:${port} is already in use: stop that server or set TASKFLOW_E2E_PORT`);
  const dataDir = mkdtempSync(join(tmpdir(), "taskflow-e2e-"));
  const mailbox = join(dataDir, "mail.jsonl");
  const smtp = await startSmtpSink(mailbox);
  const oidc = await startOidcProvider(root, baseUrl, dataDir);
  // The project's environment (`make install` creates .venv), else uv on PATH.
  const serve = `serve --host 127.0.0.1 --port ${port}`;
  const command =
    process.env.TASKFLOW_E2E_SERVER_CMD ??
    (existsSync(join(root, ".venv", "bin", "taskflow"))
      ? `.venv/bin/taskflow ${serve}`
      : `uv run --frozen taskflow ${serve}`);
  const logFile = join(dataDir, "server.log");
  const logFd = openSync(logFile, "a");
  console.log(`taskflow serve for the browser tests: ${baseUrl}, log in ${logFile}`);
  const child: ChildProcess = spawn(command, {
    cwd: root,
    shell: true,
    detached: true,
    // The server's log goes to a file beside its database (its path is printed below).
    stdio: ["ignore", logFd, logFd],
    env: {
      ...process.env,
      TASKFLOW_ENV: "test",
      TASKFLOW_DATA_DIR: dataDir,
      TASKFLOW_DATABASE_URL: `sqlite:///${join(dataDir, "e2e.db")}`,
      TASKFLOW_PUBLIC_URL: baseUrl,
      TASKFLOW_SMTP_HOST: "127.0.0.1",
      TASKFLOW_SMTP_PORT: String(smtp.port),
      TASKFLOW_SMTP_TLS: "none",
      TASKFLOW_EMAIL_FROM: "taskflow@e2e.test",
      TASKFLOW_ACCESS_TOKEN_EXPIRE_MINUTES: process.env.TASKFLOW_ACCESS_TOKEN_EXPIRE_MINUTES ?? "1",
      TASKFLOW_LOGIN_MAX_ATTEMPTS: "50",
      TASKFLOW_REGISTER_MAX_PER_HOUR: "1000",
      // The webhook test's receiver listens on 127.0.0.1.
      TASKFLOW_WEBHOOK_ALLOW_PRIVATE: "true",
      ...oidc.env,
    },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    const tail = () => readFileSync(logFile, "utf8").split("\n").slice(-20).join("\n");
    if (child.exitCode !== null) throw new Error(`taskflow serve exited with ${child.exitCode}:\n${tail()}`);
    if (Date.now() > deadline) throw new Error(`taskflow serve did not become ready in 60 s:\n${tail()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    baseUrl,
    mailbox,
    stop: async () => {
      // The server runs in its own process group (uv → python): end that group only.
      if (child.pid) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
      smtp.server.close();
      oidc.stop();
    },
  };
}
