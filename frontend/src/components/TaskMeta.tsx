// The small facts shown under a task's title: priority, subtasks done, due date, labels,
// comments, votes.
import { createContext, useContext } from "react";
import type { Id, Task } from "../api/types";
import { PRIORITIES } from "../api/types";
import { useZone } from "../auth/useZone";
import { describeRule } from "../lib/recurrence";
import { zonedDue } from "../lib/zoned";
import "./TaskMeta.css";

/** Names of the project's members by id, for showing who a task is assigned to. */
export const MemberNames = createContext<Map<Id, string>>(new Map());

export function PriorityBadge({ priority }: { priority: number }) {
  if (!priority) return null;
  const label = PRIORITIES.find((p) => p.value === priority)?.label ?? String(priority);
  return (
    <span className={`badge priority priority-${priority}`}>
      <span className="visually-hidden">Priority: </span>
      {label}
    </span>
  );
}

export function DueBadge({
  dueAt,
  done,
  allDay = false,
  recurrence = null,
}: {
  dueAt: string | null;
  done: boolean;
  allDay?: boolean;
  recurrence?: string | null;
}) {
  const zone = useZone();
  if (!dueAt) return null;
  const due = zonedDue(dueAt, allDay, zone);
  return (
    <span className={`badge due due-${done ? "done" : due.tone}`}>
      <span className="visually-hidden">Due </span>
      {due.text}
      {recurrence && (
        <span title={describeRule(recurrence)}>
          {" "}
          <span aria-hidden="true">↻</span>
          <span className="visually-hidden">, repeats: {describeRule(recurrence)}</span>
        </span>
      )}
    </span>
  );
}

export function LabelChip({ name, color }: { name: string; color: string | null }) {
  return (
    <span className="chip">
      <span className="dot" style={{ background: color ?? "var(--muted)" }} aria-hidden="true" />
      {name}
    </span>
  );
}

function CommentIcon() {
  return (
    <svg
      width="12"
      height="12"
      viewBox="0 0 16 16"
      aria-hidden="true"
      focusable="false"
      style={{ verticalAlign: "-1px" }}
    >
      <path
        fill="currentColor"
        d="M2 2h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H6l-3.5 3v-3H2a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1z"
      />
    </svg>
  );
}

/** `parentTitle`: a subtask shown away from its parent says whose subtask it is. */
export function TaskMeta({ task, parentTitle }: { task: Task; parentTitle?: string }) {
  const names = useContext(MemberNames);
  const done = task.status === "done";
  const assignee = task.assignee_id !== null ? names.get(task.assignee_id) : undefined;
  const parts = [
    task.status === "in_progress" && (
      <span key="s" className="badge status-in_progress">
        In progress
      </span>
    ),
    task.priority > 0 && <PriorityBadge key="p" priority={task.priority} />,
    task.subtask_count > 0 && (
      <span
        key="progress"
        className={`badge subtask-progress${task.subtasks_done === task.subtask_count ? " complete" : ""}`}
        title="Subtasks done"
      >
        <span aria-hidden="true">
          ☑ {task.subtasks_done}/{task.subtask_count}
        </span>
        <span className="visually-hidden">
          {task.subtasks_done} of {task.subtask_count} subtasks done
        </span>
      </span>
    ),
    task.due_at && (
      <DueBadge key="d" dueAt={task.due_at} done={done} allDay={task.due_all_day} recurrence={task.recurrence} />
    ),
    ...task.labels.map((l) => <LabelChip key={l.id} name={l.name} color={l.color} />),
    assignee && (
      <span key="a" className="badge assignee">
        <span className="visually-hidden">Assigned to </span>@{assignee}
      </span>
    ),
    task.parent_id && (
      <span key="sub" className="badge">
        {parentTitle ? `Subtask of “${parentTitle}”` : "Subtask"}
      </span>
    ),
    task.comment_count > 0 && (
      <span key="c" className="count" title="Comments">
        <CommentIcon /> {task.comment_count}
        <span className="visually-hidden"> comments</span>
      </span>
    ),
    task.vote_count > 0 && (
      <span key="v" className="count" title="Votes">
        ▲ {task.vote_count}
        <span className="visually-hidden"> votes</span>
      </span>
    ),
  ].filter(Boolean);
  if (parts.length === 0) return null;
  return <div className="task-meta">{parts}</div>;
}
