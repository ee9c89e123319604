// Account integrations: personal API tokens (copy once), the calendar feed URL, imports with a preview.
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useState, type FormEvent } from "react";
import {
  createApiToken,
  deleteCalendarUrl,
  importFrom,
  integrationKeys,
  revokeApiToken,
  rotateCalendarUrl,
  useApiTokens,
  type ApiTokenCreated,
  type ImportPreview,
  type ImportSource,
  type Scope,
} from "../api/integrations";
import { timeAgo } from "../lib/dates";
import { useConfirm } from "../lib/confirm";
import { useToast } from "../lib/toast";
import { Field, FormError } from "./Field";

function CopyField({ label, value }: { label: string; value: string }) {
  const toast = useToast();
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      toast("Copied.");
    } catch {
      toast("Select the text and copy it.", "error");
    }
  }
  return (
    <div className="row">
      <label className="grow">
        <span className="visually-hidden">{label}</span>
        <input readOnly value={value} aria-label={label} className="mono" onFocus={(e) => e.currentTarget.select()} />
      </label>
      <button type="button" className="button small" onClick={() => void copy()}>
        Copy
      </button>
    </div>
  );
}

export function ApiTokens() {
  const tokens = useApiTokens();
  const qc = useQueryClient();
  const confirm = useConfirm();
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const scopes: Scope[] = form.get("write") ? ["read", "write"] : ["read"];
    const expires = String(form.get("expires") ?? "");
    setError(null);
    try {
      const token = await createApiToken(
        String(form.get("name")).trim(),
        scopes,
        expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
      );
      setCreated(token);
      formElement.reset();
      await qc.invalidateQueries({ queryKey: integrationKeys.apiTokens });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function revoke(id: number, name: string) {
    if (
      !(await confirm({
        title: `Revoke “${name}”?`,
        body: "Scripts using it stop working at once.",
        confirmLabel: "Revoke",
      }))
    )
      return;
    try {
      await revokeApiToken(id);
      await qc.invalidateQueries({ queryKey: integrationKeys.apiTokens });
    } catch (e) {
      toast(`Couldn't revoke: ${(e as Error).message}`, "error");
    }
  }

  return (
    <section className="card-section" aria-labelledby="api-tokens-heading">
      <h2 id="api-tokens-heading">API tokens</h2>
      <p className="muted small">
        For scripts: send <code>Authorization: Bearer tf_…</code>. A token cannot manage tokens, sessions, your password
        or your account.
      </p>
      {created && (
        <div className="notice" role="status">
          <p>
            <strong>Copy your new token now.</strong> It will not be shown again.
          </p>
          <CopyField label="New API token" value={created.token} />
          <button type="button" className="button small" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      <form className="stack narrow" onSubmit={submit}>
        <Field label="Token name" name="name" required maxLength={100} placeholder="e.g. backup script" />
        <label className="row">
          <input type="checkbox" name="write" defaultChecked /> Can change data (write); otherwise read only
        </label>
        <Field label="Expires on (optional)" name="expires" type="date" />
        <FormError message={error} />
        <div className="row">
          <button type="submit" className="button primary">
            Create token
          </button>
        </div>
      </form>
      {tokens.isError && <p role="alert">Couldn't load tokens.</p>}
      <ul className="session-list" aria-label="API tokens">
        {tokens.data?.map((t) => (
          <li key={t.id} className="session">
            <div>
              <strong>{t.name}</strong>{" "}
              <span className="badge">{t.scopes.includes("write") ? "read, write" : "read"}</span>
              <div className="muted small">
                created {timeAgo(t.created_at)} ·{" "}
                {t.last_used_at ? `last used ${timeAgo(t.last_used_at)}` : "never used"}
                {t.expires_at && ` · expires ${new Date(t.expires_at).toLocaleDateString()}`}
              </div>
            </div>
            <button type="button" className="button small" onClick={() => void revoke(t.id, t.name)}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function CalendarFeed() {
  const toast = useToast();
  const confirm = useConfirm();
  const [url, setUrl] = useState<string | null>(null);

  async function rotate() {
    if (
      url &&
      !(await confirm({ title: "Make a new URL?", body: "The current URL stops working.", confirmLabel: "New URL" }))
    )
      return;
    try {
      setUrl(await rotateCalendarUrl());
    } catch (e) {
      toast(`Couldn't make the URL: ${(e as Error).message}`, "error");
    }
  }

  async function stop() {
    try {
      await deleteCalendarUrl();
      setUrl(null);
      toast("The calendar feed is off.");
    } catch (e) {
      toast(`Couldn't turn it off: ${(e as Error).message}`, "error");
    }
  }

  return (
    <section className="card-section" aria-labelledby="calendar-heading">
      <h2 id="calendar-heading">Calendar feed</h2>
      <p className="muted small">
        Subscribe to your open tasks with a due date from any calendar app. The URL is secret: anyone with it can read
        those tasks. It is shown when made; make a new one to see it again (the old one stops working).
      </p>
      {url && <CopyField label="Calendar feed URL" value={url} />}
      <div className="row">
        <button type="button" className="button" onClick={() => void rotate()}>
          {url ? "Make a new URL" : "Show a calendar URL"}
        </button>
        <button type="button" className="button small" onClick={() => void stop()}>
          Turn the feed off
        </button>
      </div>
    </section>
  );
}

export function ImportFromOtherTools() {
  const toast = useToast();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [source, setSource] = useState<ImportSource>("todoist");
  const [file, setFile] = useState<File | null>(null);
  const [projectName, setProjectName] = useState("");
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function check(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setBusy(true);
    try {
      setPreview((await importFrom(source, file, projectName, true)) as ImportPreview);
    } catch (e) {
      setPreview(null);
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function run() {
    if (!file) return;
    setBusy(true);
    try {
      const result = await importFrom(source, file, projectName, false);
      await qc.invalidateQueries();
      toast(`Imported ${result.tasks} tasks.`);
      setPreview(null);
      if (result.project_id)
        void navigate({ to: "/projects/$projectId", params: { projectId: String(result.project_id) } });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card-section" aria-labelledby="import-tools-heading">
      <h2 id="import-tools-heading">Import from Todoist or Trello</h2>
      <form className="stack narrow" onSubmit={check}>
        <label>
          From{" "}
          <select
            value={source}
            onChange={(e) => {
              setSource(e.target.value as ImportSource);
              setPreview(null);
            }}
          >
            <option value="todoist">Todoist (project template CSV)</option>
            <option value="trello">Trello (board JSON export)</option>
          </select>
        </label>
        <label>
          File{" "}
          <input
            type="file"
            name="file"
            accept={source === "todoist" ? ".csv,text/csv" : ".json,application/json"}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setPreview(null);
            }}
            required
          />
        </label>
        <Field
          label="Name of the new project (optional)"
          name="project_name"
          maxLength={100}
          value={projectName}
          onChange={(e) => setProjectName(e.currentTarget.value)}
        />
        <FormError message={error} />
        <div className="row">
          <button type="submit" className="button" disabled={!file || busy}>
            Preview
          </button>
        </div>
      </form>
      {preview && (
        <div className="notice" aria-label="Import preview">
          <p>
            <strong>{preview.project_name}</strong>: {count(preview.tasks, "task")},{" "}
            {count(preview.sections, "section")}, {count(preview.labels, "label")}, {count(preview.comments, "comment")}{" "}
            will be created.
          </p>
          {preview.section_names.length > 0 && <p className="small">Sections: {preview.section_names.join(", ")}</p>}
          <ul className="small">
            {preview.first_tasks.slice(0, 20).map((task, index) => (
              <li key={index}>
                {task.parent !== null && "↳ "}
                {task.title}
                {task.status === "done" && " (done)"}
                {task.due_at && ` · due ${new Date(task.due_at).toLocaleDateString()}`}
              </li>
            ))}
          </ul>
          <button type="button" className="button primary" disabled={busy} onClick={() => void run()}>
            Import {count(preview.tasks, "task")}
          </button>
        </div>
      )}
    </section>
  );
}

/** "1 section", "6 tasks". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
