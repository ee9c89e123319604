// A project's activity feed (SPEC §13): who did what, newest first, a page at a time. Each row
// is a sentence (lib/activityText.ts) with the task as a link that opens it in the list, the
// fields an edit changed, and how long ago. Live events about the project refetch it
// (queryKeys.keysForEvent); `?show=` keeps to one kind of change.
import { Link, useNavigate } from "@tanstack/react-router";
import { useMemo } from "react";
import { useProjectActivity } from "../api/activity";
import { useProject } from "../api/projects";
import { useTasks } from "../api/tasks";
import type { Activity, Id } from "../api/types";
import { describeActivity, titlesFromRows } from "../lib/activityText";
import { timeAgo } from "../lib/dates";
import { ACTIVITY_KINDS, projectActivityRoute, withProjectId, type ActivityKind } from "../routes";
import { ProjectTabs } from "./ProjectTabs";
import "./ProjectPage.css";
import "./ProjectActivity.css";
import { ProjectNotFound } from "./ProjectNotFound";

const KIND_LABEL: Record<ActivityKind, string> = {
  tasks: "Tasks",
  comments: "Comments",
  people: "People",
  project: "Project",
};

export function kindOf(verb: string): ActivityKind {
  const [domain] = verb.split(".");
  if (domain === "comment") return "comments";
  if (domain === "member" || domain === "invitation") return "people";
  if (domain === "task" || domain === "attachment") return "tasks";
  return "project";
}

function ActivityRow({ projectId, row, titleOf }: { projectId: Id; row: Activity; titleOf: (id: number) => string | undefined }) {
  const sentence = describeActivity(row, titleOf);
  const gone = row.verb === "task.deleted";
  return (
    <li className="feed-row">
      <p className="feed-sentence">
        <strong>{row.actor?.username ?? "A deleted account"}</strong> {sentence.before}
        {sentence.task && " "}
        {sentence.task &&
          (gone ? (
            <span className="feed-task">{sentence.task.title}</span>
          ) : (
            <Link
              to="/projects/$projectId"
              params={{ projectId: String(projectId) }}
              search={{ task: sentence.task.id }}
              className="feed-task"
            >
              {sentence.task.title}
            </Link>
          ))}
        {sentence.after && ` ${sentence.after}`}{" "}
        <time className="muted small" dateTime={row.created_at} title={new Date(row.created_at).toLocaleString()}>
          {timeAgo(row.created_at)}
        </time>
      </p>
      {sentence.detail && <p className="feed-detail muted small">{sentence.detail}</p>}
    </li>
  );
}

export function ProjectActivity({ projectId }: { projectId: Id }) {
  const show = projectActivityRoute.useSearch({ select: (s) => s.show });
  const navigate = useNavigate({ from: projectActivityRoute.fullPath });
  const project = useProject(projectId);
  const activity = useProjectActivity(projectId);
  // Titles for rows that do not carry one: the project's tasks (open and done), then the rows.
  const tasks = useTasks({ projectId, status: ["todo", "in_progress", "done"], limit: 100 });
  const rows = useMemo(() => activity.data?.pages.flatMap((page) => page.items) ?? [], [activity.data]);
  const titleOf = useMemo(() => {
    const fromRows = titlesFromRows(rows);
    const fromTasks = new Map((tasks.data?.items ?? []).map((t) => [t.id, t.title]));
    return (id: number) => fromTasks.get(id) ?? fromRows.get(id);
  }, [rows, tasks.data]);
  const shown = show ? rows.filter((row) => kindOf(row.verb) === show) : rows;

  if (project.isError) {
    return <ProjectNotFound />;
  }
  const p = project.data;
  const name = p ? (p.is_inbox ? "Inbox" : p.name) : "…";
  const total = activity.data?.pages[0]?.total ?? 0;

  return (
    <section className="project-content activity-page" aria-labelledby="project-title">
      <header className="project-header">
        <h1 id="project-title">
          {p && <span className="dot big" style={{ background: p.color ?? "var(--muted)" }} aria-hidden="true" />}
          {name}
        </h1>
        <ProjectTabs projectId={projectId} />
      </header>
      <div className="feed-filter" role="group" aria-label="Show">
        {[undefined, ...ACTIVITY_KINDS].map((kind) => (
          <button
            key={kind ?? "all"}
            type="button"
            className="chip toggle"
            aria-pressed={show === kind}
            onClick={() => void navigate({ search: kind ? { show: kind } : {}, replace: true })}
          >
            {kind ? KIND_LABEL[kind] : "All"}
          </button>
        ))}
      </div>
      {activity.isPending && <p className="muted">Loading…</p>}
      {activity.isError && !activity.data && <p role="alert">Couldn't load the activity: {activity.error.message}</p>}
      {activity.data && total === 0 && <p className="muted">Nothing has happened in this project yet.</p>}
      {activity.data && total > 0 && shown.length === 0 && (
        <p className="muted">
          Nothing of this kind in the {rows.length === 1 ? "latest change" : `latest ${rows.length} changes`}.
        </p>
      )}
      <ol className="feed" aria-label="Project activity">
        {shown.map((row) => (
          <ActivityRow key={row.id} projectId={projectId} row={row} titleOf={titleOf} />
        ))}
      </ol>
      {activity.hasNextPage && (
        <p>
          <button
            type="button"
            className="button"
            disabled={activity.isFetchingNextPage}
            onClick={() => void activity.fetchNextPage()}
          >
            {activity.isFetchingNextPage ? "Loading…" : "Show older"}
          </button>{" "}
          <span className="muted small">
            {rows.length} of {total}
          </span>
        </p>
      )}
    </section>
  );
}

export const ProjectActivityRoute = withProjectId((id) => <ProjectActivity key={id} projectId={id} />);
