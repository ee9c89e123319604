// Projects: Inbox first, then the user's projects; create new ones; archived ones tucked away.
import { useState, type FormEvent } from "react";
import { useCreateProject, useProjects } from "../api/projects";
import type { Project, Id } from "../api/types";
import { Link, useNavigate } from "@tanstack/react-router";
import { useToast } from "../lib/toast";
import { SavedFilters } from "./SavedFilters";
import "./Sidebar.css";

/** The router marks a link to the current page itself (aria-current); only an exact match counts. */
const EXACT = { exact: true, includeSearch: false } as const;

export const PROJECT_COLORS = [
  "#db4035",
  "#ff9933",
  "#fad000",
  "#7ecc49",
  "#299438",
  "#14aaf5",
  "#4073ff",
  "#884dff",
  "#eb96eb",
  "#808080",
];

function ProjectLink({ project, active, onNavigate }: { project: Project; active: boolean; onNavigate: () => void }) {
  return (
    <li className="project-item">
      <Link
        to="/projects/$projectId"
        params={{ projectId: String(project.id) }}
        activeOptions={EXACT}
        className={`project-link${active ? " active" : ""}`}
        aria-current={active ? "page" : undefined}
        onClick={onNavigate}
      >
        <span className="dot" style={{ background: project.color ?? "var(--muted)" }} aria-hidden="true" />
        <span className="project-name">{project.is_inbox ? "Inbox" : project.name}</span>
      </Link>
      <Link
        to="/projects/$projectId/settings"
        params={{ projectId: String(project.id) }}
        activeOptions={EXACT}
        className="project-settings-link"
        aria-label={`Rename, recolor or archive ${project.is_inbox ? "Inbox" : project.name}`}
        title="Project settings"
        onClick={onNavigate}
      >
        ⚙
      </Link>
    </li>
  );
}

export function Sidebar({
  activeProjectId,
  myTasks,
  onNavigate,
}: {
  activeProjectId?: Id;
  myTasks: boolean;
  onNavigate: () => void;
}) {
  const projects = useProjects();
  const create = useCreateProject();
  const toast = useToast();
  const navigate = useNavigate();
  const [adding, setAdding] = useState(false);
  const [color, setColor] = useState(PROJECT_COLORS[5]);
  const [showArchived, setShowArchived] = useState(false);

  const active = projects.data?.filter((p) => !p.archived) ?? [];
  const archived = projects.data?.filter((p) => p.archived) ?? [];

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get("name")).trim();
    if (!name) return;
    try {
      const project = await create.mutateAsync({ name, color });
      form.reset();
      setAdding(false);
      void navigate({ to: "/projects/$projectId", params: { projectId: String(project.id) } });
      onNavigate();
    } catch (e) {
      toast(`Couldn't create the project: ${(e as Error).message}`, "error");
    }
  }

  return (
    <nav className="sidebar" aria-label="Projects">
      <ul className="project-list views">
        <li>
          <Link
            to="/my-tasks"
            className={`project-link${myTasks ? " active" : ""}`}
            aria-current={myTasks ? "page" : undefined}
            onClick={onNavigate}
          >
            <span className="view-icon" aria-hidden="true">
              @
            </span>
            <span className="project-name">Assigned to me</span>
          </Link>
        </li>
        <li>
          <Link to="/today" className="project-link" activeProps={{ className: "active" }} onClick={onNavigate}>
            <span className="view-icon" aria-hidden="true">
              ☀
            </span>
            <span className="project-name">Today</span>
          </Link>
        </li>
        <li>
          <Link to="/upcoming" className="project-link" activeProps={{ className: "active" }} onClick={onNavigate}>
            <span className="view-icon" aria-hidden="true">
              ▦
            </span>
            <span className="project-name">Upcoming</span>
          </Link>
        </li>
        <li>
          <Link to="/calendar" className="project-link" activeProps={{ className: "active" }} onClick={onNavigate}>
            <span className="view-icon" aria-hidden="true">
              ▤
            </span>
            <span className="project-name">Calendar</span>
          </Link>
        </li>
        <li className="account-item">
          <Link to="/account" className="project-link" onClick={onNavigate}>
            <span className="view-icon" aria-hidden="true">
              ☺
            </span>
            <span className="project-name">Account</span>
          </Link>
        </li>
        <li>
          <Link
            to="/trash"
            className="project-link"
            activeProps={{ className: "project-link active", "aria-current": "page" }}
            onClick={onNavigate}
          >
            <span className="view-icon" aria-hidden="true">
              🗑
            </span>
            <span className="project-name">Trash</span>
          </Link>
        </li>
      </ul>
      <SavedFilters onNavigate={onNavigate} />
      <div className="sidebar-head">
        <h2>Projects</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="New project"
          aria-expanded={adding}
          onClick={() => setAdding((a) => !a)}
        >
          +
        </button>
      </div>
      {adding && (
        <form className="new-project stack" onSubmit={submit}>
          <label htmlFor="new-project-name" className="visually-hidden">
            Project name
          </label>
          <input id="new-project-name" name="name" placeholder="Project name" required maxLength={100} autoFocus />
          <fieldset className="colors">
            <legend className="visually-hidden">Color</legend>
            {PROJECT_COLORS.map((c) => (
              <label key={c} className="swatch" style={{ background: c }}>
                <input type="radio" name="color" value={c} checked={color === c} onChange={() => setColor(c)} />
                <span className="visually-hidden">{c}</span>
              </label>
            ))}
          </fieldset>
          <div className="row">
            <button type="submit" className="button primary small" disabled={create.isPending}>
              Add project
            </button>
            <button type="button" className="button small" onClick={() => setAdding(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {projects.isPending && <p className="muted pad">Loading projects…</p>}
      {projects.isError && <p className="muted pad">Couldn't load projects.</p>}
      <ul className="project-list">
        {active.map((p) => (
          <ProjectLink key={p.id} project={p} active={p.id === activeProjectId} onNavigate={onNavigate} />
        ))}
      </ul>
      {archived.length > 0 && (
        <div className="archived">
          <button
            type="button"
            className="link-button"
            aria-expanded={showArchived}
            onClick={() => setShowArchived((s) => !s)}
          >
            {showArchived ? "Hide" : "Show"} archived ({archived.length})
          </button>
          {showArchived && (
            <ul className="project-list">
              {archived.map((p) => (
                <ProjectLink key={p.id} project={p} active={p.id === activeProjectId} onNavigate={onNavigate} />
              ))}
            </ul>
          )}
        </div>
      )}
    </nav>
  );
}
