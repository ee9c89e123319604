// Project settings: name, color, archive, delete; members and their roles; labels.
import { useState, type FormEvent } from "react";
import { useCreateLabel, useDeleteLabel, useLabels, useUpdateLabel } from "../api/labels";
import {
  useAddMember,
  useDeleteProject,
  useMembers,
  useProject,
  useRemoveMember,
  useUpdateMember,
  useUpdateProject,
} from "../api/projects";
import { ROLES, roleAtLeast, type Project, type Role, type Id } from "../api/types";
import { useTrashedToast } from "../api/trash";
import { useAuth } from "../auth/AuthProvider";
import { Link, useNavigate } from "@tanstack/react-router";
import { useConfirm } from "../lib/confirm";
import { useToast } from "../lib/toast";
import { Field } from "./Field";
import { WebhooksSettings } from "./ProjectWebhooks";
import { InvitationsSettings } from "./InvitationsSettings";
import { PROJECT_COLORS } from "./Sidebar";
import "./settings.css";
import "./ProjectSettings.css";

export function ProjectSettings({ projectId }: { projectId: Id }) {
  const project = useProject(projectId);
  if (project.isPending)
    return (
      <p className="pad muted" role="status">
        Loading…
      </p>
    );
  if (project.isError)
    return (
      <p className="pad">
        Project not found. <Link to="/">Go to your Inbox</Link>
      </p>
    );
  const p = project.data;
  return (
    <div className="settings pad">
      <p>
        <Link to="/projects/$projectId" params={{ projectId: String(p.id) }}>
          ← Back to {p.is_inbox ? "Inbox" : p.name}
        </Link>
      </p>
      <h1>{p.is_inbox ? "Inbox" : p.name} — settings</h1>
      <GeneralSettings project={p} />
      <MembersSettings project={p} />
      <InvitationsSettings project={p} />
      <LabelsSettings project={p} />
      <WebhooksSettings project={p} />
    </div>
  );
}

function GeneralSettings({ project }: { project: Project }) {
  const confirm = useConfirm();
  const navigate = useNavigate();
  const update = useUpdateProject(project.id);
  const remove = useDeleteProject();
  const trashed = useTrashedToast();
  const toast = useToast();
  const canAdmin = roleAtLeast(project.role, "admin");
  const [color, setColor] = useState(project.color ?? PROJECT_COLORS[5]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await update.mutateAsync({
        name: project.is_inbox ? undefined : String(form.get("name")).trim(),
        description: String(form.get("description")).trim(),
        color,
      });
      toast("Project saved.");
    } catch (e) {
      toast(`Couldn't save: ${(e as Error).message}`, "error");
    }
  }

  async function toggleArchive() {
    try {
      await update.mutateAsync({ archived: !project.archived });
      toast(project.archived ? "Project restored." : "Project archived.");
    } catch (e) {
      toast(`Couldn't change it: ${(e as Error).message}`, "error");
    }
  }

  async function deleteProject() {
    const ok = await confirm({
      title: `Delete “${project.name}”?`,
      body: "It goes to the trash with all its tasks, labels and comments; you can restore it from there.",
      confirmLabel: "Delete project",
      danger: true,
    });
    if (!ok) return;
    try {
      await remove.mutateAsync(project.id);
      trashed("project", project.id, project.name, () =>
        void navigate({ to: "/projects/$projectId", params: { projectId: String(project.id) } }),
      );
      void navigate({ to: "/", replace: true });
    } catch (e) {
      toast(`Couldn't delete: ${(e as Error).message}`, "error");
    }
  }

  return (
    <section className="card-section" aria-labelledby="general-heading">
      <h2 id="general-heading">General</h2>
      <form className="stack narrow" onSubmit={submit}>
        {!project.is_inbox && (
          <Field label="Name" name="name" defaultValue={project.name} required maxLength={100} disabled={!canAdmin} />
        )}
        <Field label="Description" name="description" defaultValue={project.description ?? ""} disabled={!canAdmin} />
        <fieldset className="colors" disabled={!canAdmin}>
          <legend>Color</legend>
          {PROJECT_COLORS.map((c) => (
            <label key={c} className="swatch" style={{ background: c }}>
              <input type="radio" name="color" value={c} checked={color === c} onChange={() => setColor(c)} />
              <span className="visually-hidden">{c}</span>
            </label>
          ))}
        </fieldset>
        {canAdmin && (
          <div className="row">
            <button type="submit" className="button primary" disabled={update.isPending}>
              Save
            </button>
          </div>
        )}
      </form>
      {!project.is_inbox && (
        <div className="row danger-zone">
          {canAdmin && (
            <button type="button" className="button" onClick={toggleArchive}>
              {project.archived ? "Restore project" : "Archive project"}
            </button>
          )}
          {project.role === "owner" && (
            <button type="button" className="button danger" onClick={deleteProject}>
              Delete project
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function MembersSettings({ project }: { project: Project }) {
  const confirm = useConfirm();
  const navigate = useNavigate();
  const { user } = useAuth();
  const members = useMembers(project.id);
  const add = useAddMember(project.id);
  const change = useUpdateMember(project.id);
  const remove = useRemoveMember(project.id);
  const toast = useToast();
  const canAdmin = roleAtLeast(project.role, "admin");
  const isOwner = project.role === "owner";

  async function invite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    try {
      await add.mutateAsync({
        user: String(data.get("user")).trim(),
        role: String(data.get("role")) as Exclude<Role, "owner">,
      });
      form.reset();
      toast("Member added.");
    } catch (e) {
      toast(`Couldn't add: ${(e as Error).message}`, "error");
    }
  }

  async function setRole(userId: Id, role: Role) {
    if (
      role === "owner" &&
      !(await confirm({
        title: "Hand over ownership?",
        body: "You will become an admin of this project.",
        confirmLabel: "Hand over",
      }))
    )
      return;
    try {
      await change.mutateAsync({ userId, role });
    } catch (e) {
      toast(`Couldn't change the role: ${(e as Error).message}`, "error");
    }
  }

  async function removeMember(userId: Id, self: boolean) {
    const ok = await confirm(
      self
        ? { title: "Leave this project?", confirmLabel: "Leave", danger: true }
        : { title: "Remove this member?", confirmLabel: "Remove", danger: true },
    );
    if (!ok) return;
    try {
      await remove.mutateAsync(userId);
      if (self) void navigate({ to: "/", replace: true });
    } catch (e) {
      toast(`Couldn't remove: ${(e as Error).message}`, "error");
    }
  }

  if (project.is_inbox) return null;
  return (
    <section className="card-section" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      {members.isPending && <p className="muted">Loading members…</p>}
      <ul className="member-list">
        {members.data?.map((m) => {
          const self = m.user.id === user?.id;
          const roles = isOwner ? ROLES : ROLES.filter((r) => r !== "owner");
          return (
            <li key={m.user.id} className="member">
              <div>
                <strong>{m.user.full_name || m.user.username}</strong> {self && <span className="badge">you</span>}
                <div className="muted small">
                  @{m.user.username} · {m.user.email}
                </div>
              </div>
              <label htmlFor={`role-${m.user.id}`} className="visually-hidden">
                Role of {m.user.username}
              </label>
              <select
                id={`role-${m.user.id}`}
                value={m.role}
                disabled={!canAdmin || m.role === "owner" || self}
                onChange={(e) => void setRole(m.user.id, e.target.value as Role)}
              >
                {(m.role === "owner" ? ROLES : roles).map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              {(self ? m.role !== "owner" : canAdmin && m.role !== "owner") && (
                <button type="button" className="button small" onClick={() => void removeMember(m.user.id, self)}>
                  {self ? "Leave" : "Remove"}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {canAdmin && (
        <form className="row wrap" onSubmit={invite}>
          <div className="field grow">
            <label htmlFor="invite-user">Add member (username or email)</label>
            <input id="invite-user" name="user" required />
          </div>
          <div className="field">
            <label htmlFor="invite-role">Role</label>
            <select id="invite-role" name="role" defaultValue="editor">
              {ROLES.filter((r) => r !== "owner").map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button primary" disabled={add.isPending}>
            Add
          </button>
        </form>
      )}
      <p className="muted small">
        Owner: everything. Admin: members, settings, labels. Editor: tasks. Viewer: read, comment, vote.
      </p>
    </section>
  );
}

const LABEL_COLORS = PROJECT_COLORS.slice(0, 8);

/** The first of the palette's colours that the fewest labels use, so new labels cycle through it. */
export function nextLabelColor(labels: { color: string | null }[]): string {
  const uses = (c: string) => labels.filter((l) => l.color?.toLowerCase() === c).length;
  return LABEL_COLORS.reduce((best, c) => (uses(c) < uses(best) ? c : best), LABEL_COLORS[0]);
}

function LabelsSettings({ project }: { project: Project }) {
  const labels = useLabels(project.id);
  const create = useCreateLabel(project.id);
  const update = useUpdateLabel(project.id);
  const remove = useDeleteLabel(project.id);
  const toast = useToast();
  const canAdmin = roleAtLeast(project.role, "admin");
  // Until the admin picks one, a new label takes the palette's least used colour.
  const [picked, setPicked] = useState<string | null>(null);
  const color = picked ?? nextLabelColor(labels.data ?? []);
  const setColor = setPicked;

  async function addLabel(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get("name")).trim();
    if (!name) return;
    try {
      await create.mutateAsync({ name, color });
      form.reset();
      setPicked(null);
    } catch (e) {
      toast(`Couldn't add the label: ${(e as Error).message}`, "error");
    }
  }

  return (
    <section className="card-section" aria-labelledby="labels-heading">
      <h2 id="labels-heading">Labels</h2>
      {labels.data?.length === 0 && <p className="muted">No labels yet.</p>}
      <ul className="label-list">
        {labels.data?.map((l) => (
          <li key={l.id} className="row">
            <label className="swatch solo" style={{ background: l.color ?? "var(--muted)" }}>
              <span className="visually-hidden">Color of {l.name}</span>
              <input
                type="color"
                value={l.color ?? "#808080"}
                disabled={!canAdmin}
                onChange={(e) => update.mutate({ labelId: l.id, color: e.target.value })}
              />
            </label>
            <label htmlFor={`label-${l.id}`} className="visually-hidden">
              Label name
            </label>
            <input
              id={`label-${l.id}`}
              defaultValue={l.name}
              disabled={!canAdmin}
              onBlur={(e) => {
                const name = e.target.value.trim();
                if (name && name !== l.name)
                  update.mutate({ labelId: l.id, name }, { onError: (err) => toast(err.message, "error") });
              }}
            />
            {canAdmin && (
              <button
                type="button"
                className="button small"
                aria-label={`Delete label ${l.name}`}
                onClick={() => remove.mutate(l.id)}
              >
                Delete
              </button>
            )}
          </li>
        ))}
      </ul>
      {canAdmin && (
        <form className="row wrap" onSubmit={addLabel}>
          <div className="field grow">
            <label htmlFor="new-label">New label</label>
            <input id="new-label" name="name" required maxLength={50} />
          </div>
          <fieldset className="colors">
            <legend className="visually-hidden">Label color</legend>
            {LABEL_COLORS.map((c) => (
              <label key={c} className="swatch" style={{ background: c }}>
                <input type="radio" name="label-color" value={c} checked={color === c} onChange={() => setColor(c)} />
                <span className="visually-hidden">{c}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit" className="button primary" disabled={create.isPending}>
            Add label
          </button>
        </form>
      )}
    </section>
  );
}
