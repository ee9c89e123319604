// The account: profile, password, two-factor authentication, sessions, export, and deleting
// the account.
import { useQueryClient } from "@tanstack/react-query";
import { deviceZone } from "../lib/zoned";
import { useState, type FormEvent } from "react";
import { logoutEverywhere, revokeSession, useSessions } from "../api/auth";
import {
  changePassword,
  deleteMe,
  exportData,
  exportZip,
  importData,
  importZip,
  updateMe,
  type ProfileChange,
} from "../api/users";
import { queryKeys } from "../api/queryKeys";
import type { ExportDocument } from "../api/types";
import { useAuth } from "../auth/AuthProvider";
import { timeAgo } from "../lib/dates";
import { useNavigate } from "@tanstack/react-router";
import { useConfirm } from "../lib/confirm";
import { useToast } from "../lib/toast";
import { Field, FormError } from "./Field";
import { ApiTokens, CalendarFeed, ImportFromOtherTools } from "./IntegrationsSettings";
import { NotificationSettingsSection } from "./NotificationSettingsSection";
import { TwoFactorSection } from "./TwoFactorSection";
import "./settings.css";

/** The IANA zones the browser knows, for the time zone field's suggestions. */
const ZONES: string[] = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

export function AccountPage() {
  return (
    <div className="settings pad">
      <h1>Account</h1>
      <Profile />
      <Password />
      <TwoFactorSection />
      <NotificationSettingsSection />
      <Sessions />
      <ApiTokens />
      <CalendarFeed />
      <Export />
      <Import />
      <ImportFromOtherTools />
      <DeleteAccount />
    </div>
  );
}

function Profile() {
  const { user, setUser } = useAuth();
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);
  const [email, setEmail] = useState(user?.email ?? "");
  const [zone, setZone] = useState(user?.timezone ?? "UTC");
  if (!user) return null;
  const emailChanged = email.trim().toLowerCase() !== user.email.toLowerCase();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!user) return;
    const form = new FormData(event.currentTarget);
    const fullName = String(form.get("full_name")).trim();
    const username = String(form.get("username")).trim();
    // Send only what changed: a new email also needs the current password.
    const body: ProfileChange = {};
    if (fullName !== user.full_name) body.full_name = fullName;
    if (username !== user.username) body.username = username;
    if (zone.trim() !== user.timezone) body.timezone = zone.trim();
    if (emailChanged) {
      body.email = email.trim();
      body.current_password = String(form.get("current_password"));
    }
    setError(null);
    try {
      const updated = await updateMe(body);
      setUser(updated);
      toast(emailChanged ? "Profile saved. Check your inbox to verify the new email." : "Profile saved.");
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section className="card-section" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <form className="stack narrow" onSubmit={submit}>
        <Field label="Full name" name="full_name" defaultValue={user.full_name ?? ""} autoComplete="name" />
        <Field label="Username" name="username" defaultValue={user.username} required autoComplete="username" />
        <Field
          label="Email"
          name="email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
          autoComplete="email"
          hint={user.is_verified ? "Verified." : "Not verified yet."}
        />
        <Field
          label="Time zone"
          name="timezone"
          value={zone}
          onChange={(e) => setZone(e.target.value)}
          list="time-zones"
          required
          spellCheck={false}
          hint={
            zone !== deviceZone() ? (
              <button type="button" className="link-button" onClick={() => setZone(deviceZone())}>
                Use this device's: {deviceZone()}
              </button>
            ) : (
              "Today, due times and reminders follow it."
            )
          }
        />
        <datalist id="time-zones">
          {ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        {emailChanged && (
          <Field
            label="Current password (to change the email)"
            name="current_password"
            type="password"
            required
            autoComplete="current-password"
          />
        )}
        <FormError message={error} />
        <div className="row">
          <button type="submit" className="button primary">
            Save profile
          </button>
        </div>
      </form>
    </section>
  );
}

function Password() {
  const { adoptToken } = useAuth();
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    try {
      const accessToken = await changePassword(String(form.get("current")), String(form.get("new")));
      await adoptToken(accessToken);
      formElement.reset();
      toast("Password changed. Other sessions were signed out.");
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section className="card-section" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <form className="stack narrow" onSubmit={submit}>
        <Field label="Current password" name="current" type="password" required autoComplete="current-password" />
        <Field
          label="New password"
          name="new"
          type="password"
          required
          minLength={8}
          maxLength={128}
          autoComplete="new-password"
        />
        <FormError message={error} />
        <div className="row">
          <button type="submit" className="button primary">
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}

function Sessions() {
  const confirm = useConfirm();
  const sessions = useSessions();
  const qc = useQueryClient();
  const { forget } = useAuth();
  const toast = useToast();

  async function revoke(id: number, current: boolean) {
    if (
      current &&
      !(await confirm({
        title: "Sign out here?",
        body: "This is the session you are using.",
        confirmLabel: "Sign out",
      }))
    )
      return;
    try {
      await revokeSession(id);
      if (current) forget();
      else await qc.invalidateQueries({ queryKey: queryKeys.sessions });
    } catch (e) {
      toast(`Couldn't revoke: ${(e as Error).message}`, "error");
    }
  }

  async function signOutEverywhere() {
    if (
      !(await confirm({ title: "Sign out on every device, including this one?", confirmLabel: "Sign out everywhere" }))
    )
      return;
    try {
      await logoutEverywhere();
    } finally {
      forget();
    }
  }

  return (
    <section className="card-section" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      {sessions.isPending && <p className="muted">Loading sessions…</p>}
      {sessions.isError && <p role="alert">Couldn't load sessions.</p>}
      <ul className="session-list">
        {sessions.data?.map((s) => (
          <li key={s.id} className="session">
            <div>
              <strong>{s.user_agent ? s.user_agent.slice(0, 80) : "Unknown device"}</strong>{" "}
              {s.current && <span className="badge">this device</span>}
              <div className="muted small">
                {s.ip ?? "unknown address"} · signed in {s.signed_in_with ? `with ${s.signed_in_with} ` : ""}
                {timeAgo(s.created_at)}
                {s.last_used_at && ` · last used ${timeAgo(s.last_used_at)}`}
              </div>
            </div>
            <button type="button" className="button small" onClick={() => void revoke(s.id, s.current)}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="button" onClick={() => void signOutEverywhere()}>
        Sign out everywhere
      </button>
    </section>
  );
}

function Export() {
  const toast = useToast();
  const [busy, setBusy] = useState(false);

  async function download(withFiles: boolean) {
    setBusy(true);
    try {
      const blob = withFiles
        ? await exportZip()
        : new Blob([JSON.stringify(await exportData(), null, 2)], { type: "application/json" });
      const url = URL.createObjectURL(blob);
      const link = window.document.createElement("a");
      link.href = url;
      link.download = `taskflow-export-${new Date().toISOString().slice(0, 10)}.${withFiles ? "zip" : "json"}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      toast(`Couldn't export: ${(e as Error).message}`, "error");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card-section" aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      <p>
        Download the projects you own, with their tasks, labels and comments, as one JSON file; or as a zip that
        also holds every attached file.
      </p>
      <div className="row wrap">
        <button type="button" className="button" onClick={() => void download(false)} disabled={busy}>
          {busy ? "Preparing…" : "Download export"}
        </button>
        <button type="button" className="button" onClick={() => void download(true)} disabled={busy}>
          Download with files (zip)
        </button>
      </div>
    </section>
  );
}

function Import() {
  const toast = useToast();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get("file");
    if (!(file instanceof File) || file.size === 0) return;
    setBusy(true);
    setError(null);
    try {
      const isZip = file.name.toLowerCase().endsWith(".zip") || file.type === "application/zip";
      const result = isZip ? await importZip(file) : await importData(JSON.parse(await file.text()) as ExportDocument);
      const files = result.attachments ? `, with ${result.attachments} files` : "";
      toast(`Imported ${result.projects} projects and ${result.tasks} tasks${files}.`);
      await qc.invalidateQueries();
    } catch (e) {
      setError(e instanceof SyntaxError ? "That file is not JSON." : (e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card-section" aria-labelledby="import-heading">
      <h2 id="import-heading">Import</h2>
      <p>
        Recreate projects from a TaskFlow export (yours or someone else's) in this account. Inbox tasks go to your
        Inbox.
      </p>
      <form className="row wrap" onSubmit={submit}>
        <div className="field grow">
          <label htmlFor="import-file">Export file (JSON, or zip with files)</label>
          <input id="import-file" name="file" type="file" accept="application/json,.json,application/zip,.zip" required />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Importing…" : "Import"}
        </button>
      </form>
      <FormError message={error} />
    </section>
  );
}

function DeleteAccount() {
  const confirm = useConfirm();
  const navigate = useNavigate();
  const { forget } = useAuth();
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password"));
    const ok = await confirm({
      title: "Delete your account?",
      body: "Your account and all your data go. This cannot be undone.",
      confirmLabel: "Delete my account",
      danger: true,
    });
    if (!ok) return;
    setError(null);
    try {
      await deleteMe(password);
      forget();
      void navigate({ to: "/login", search: { notice: "Your account was deleted." }, replace: true });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section className="card-section danger-section" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete account</h2>
      <p>This removes your account and your data for good.</p>
      <form className="stack narrow" onSubmit={submit}>
        <Field label="Your password" name="password" type="password" required autoComplete="current-password" />
        <FormError message={error} />
        <div className="row">
          <button type="submit" className="button danger">
            Delete my account
          </button>
        </div>
      </form>
    </section>
  );
}
