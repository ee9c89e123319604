// The detail panel: every field of one task, its subtasks, comments, votes and history.
import { useEffect, useRef, useState, type FormEvent } from "react";
import {
  useAddComment,
  useComments,
  useCreateTask,
  useDeleteComment,
  useDeleteTask,
  useEditComment,
  useTask,
  useTaskActivity,
  useTasks,
  useUpdateTask,
  useVote,
} from "../api/hooks";
import {
  PRIORITIES,
  STATUSES,
  roleAtLeast,
  type Label,
  type Member,
  type Project,
  type Task,
  type TaskUpdate,
  type Id,
} from "../api/types";
import { useAuth } from "../auth/AuthProvider";
import { dueInDays, fromDateInput, timeAgo, toDateInput } from "../lib/dates";
import { useToast } from "../lib/toast";
import { usePending } from "../lib/usePending";
import { Markdown } from "./Markdown";

type Props = {
  taskId: Id;
  project: Project | undefined;
  labels: Label[];
  members: Member[];
  onClose: () => void;
  onOpenTask: (taskId: Id) => void;
};

function describeActivity(verb: string, changes: Record<string, unknown> | null): string {
  const what = verb
    .replace(/^task\./, "")
    .replace(/^comment\./, "comment ")
    .replace(/_/g, " ");
  const fields = changes ? Object.keys(changes).filter((k) => k !== "version" && k !== "updated_at") : [];
  return fields.length && verb === "task.updated" ? `changed ${fields.join(", ")}` : what;
}

export function TaskDetail({ taskId, project, labels, members, onClose, onOpenTask }: Props) {
  const task = useTask(taskId);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    closeRef.current?.focus({ preventScroll: true });
  }, [taskId]);

  return (
    <aside className="detail" aria-labelledby="detail-heading">
      <div className="detail-head">
        <h2 id="detail-heading" className="visually-hidden">
          Task details
        </h2>
        <button ref={closeRef} type="button" className="button small" onClick={onClose}>
          ← Close
        </button>
      </div>
      {task.isPending && (
        <p className="pad muted" role="status">
          Loading task…
        </p>
      )}
      {task.isError && (
        <p className="pad" role="alert">
          This task is gone or you can't see it any more.
        </p>
      )}
      {task.data && (
        <TaskFields
          key={task.data.id}
          task={task.data}
          project={project}
          labels={labels}
          members={members}
          onClose={onClose}
          onOpenTask={onOpenTask}
        />
      )}
    </aside>
  );
}

function TaskFields({ task, project, labels, members, onClose, onOpenTask }: { task: Task } & Omit<Props, "taskId">) {
  const { user } = useAuth();
  const toast = useToast();
  const update = useUpdateTask();
  const remove = useDeleteTask();
  const vote = useVote();
  const canEdit = roleAtLeast(project?.role, "editor");
  const isAdmin = roleAtLeast(project?.role, "admin");
  const [title, setTitle] = useState(task.title);
  const [editingDescription, setEditingDescription] = useState(false);
  const [description, setDescription] = useState(task.description ?? "");

  // Someone else's new title arrives: show it (adjusting state while rendering, not in an effect).
  const [seenTitle, setSeenTitle] = useState(task.title);
  if (task.title !== seenTitle) {
    setSeenTitle(task.title);
    setTitle(task.title);
  }

  const save = (changes: TaskUpdate, guard = false) => update.mutate({ task, changes, guard, labels });

  function saveTitle() {
    const text = title.trim();
    if (!text) setTitle(task.title);
    else if (text !== task.title) save({ title: text }, true);
  }

  function saveDescription(event: FormEvent) {
    event.preventDefault();
    setEditingDescription(false);
    if (description !== (task.description ?? "")) save({ description }, true);
  }

  async function deleteTask() {
    if (!window.confirm(`Delete “${task.title}” with its subtasks and comments?`)) return;
    try {
      await remove.mutateAsync(task.id);
      toast(`Deleted “${task.title}”.`);
      onClose();
    } catch (e) {
      toast(`Couldn't delete: ${(e as Error).message}`, "error");
    }
  }

  const [labelIds, setLabelIds] = usePending(task.labels.map((l) => l.id).join(","));
  const chosen = labelIds ? labelIds.split(",").map(Number) : [];

  return (
    <div className="detail-body">
      {task.parent_id && (
        <button type="button" className="link-button" onClick={() => onOpenTask(task.parent_id!)}>
          ↑ Parent task
        </button>
      )}
      <label htmlFor="detail-title" className="visually-hidden">
        Title
      </label>
      <textarea
        id="detail-title"
        className="detail-title"
        value={title}
        rows={1}
        maxLength={500}
        readOnly={!canEdit}
        onChange={(e) => setTitle(e.target.value.replace(/\n/g, " "))}
        onBlur={saveTitle}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            (e.target as HTMLTextAreaElement).blur();
          }
          if (e.key === "Escape") setTitle(task.title);
        }}
      />

      <div className="detail-grid">
        <label htmlFor="detail-status">Status</label>
        <select
          id="detail-status"
          value={task.status}
          disabled={!canEdit}
          onChange={(e) => save({ status: e.target.value as Task["status"] })}
        >
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>

        <label htmlFor="detail-priority">Priority</label>
        <select
          id="detail-priority"
          value={task.priority}
          disabled={!canEdit}
          onChange={(e) => save({ priority: Number(e.target.value) })}
        >
          {PRIORITIES.map((p) => (
            <option key={p.value} value={p.value}>
              {p.value} · {p.label}
            </option>
          ))}
        </select>

        <label htmlFor="detail-due">Due date</label>
        <div className="row">
          <input
            id="detail-due"
            type="date"
            value={toDateInput(task.due_at)}
            disabled={!canEdit}
            onChange={(e) => save({ due_at: e.target.value ? fromDateInput(e.target.value) : null })}
          />
          {canEdit && !task.due_at && (
            <>
              <button type="button" className="link-button" onClick={() => save({ due_at: dueInDays(0) })}>
                Today
              </button>
              <button type="button" className="link-button" onClick={() => save({ due_at: dueInDays(1) })}>
                Tomorrow
              </button>
            </>
          )}
          {task.due_at && canEdit && (
            <button type="button" className="link-button" onClick={() => save({ due_at: null })}>
              Clear
            </button>
          )}
        </div>

        <label htmlFor="detail-assignee">Assignee</label>
        <select
          id="detail-assignee"
          value={task.assignee_id ?? ""}
          disabled={!canEdit}
          onChange={(e) => save({ assignee_id: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">Nobody</option>
          {members.map((m) => (
            <option key={m.user.id} value={m.user.id}>
              {m.user.full_name || m.user.username}
              {m.user.id === user?.id ? " (me)" : ""}
            </option>
          ))}
        </select>

        <span id="detail-labels">Labels</span>
        <div className="label-picker" role="group" aria-labelledby="detail-labels">
          {labels.length === 0 && (
            <span className="muted">No labels in this project{isAdmin ? " — add some in Settings" : ""}.</span>
          )}
          {labels.map((l) => {
            const on = chosen.includes(l.id);
            return (
              <label key={l.id} className={`chip toggle${on ? " on" : ""}`}>
                <input
                  type="checkbox"
                  checked={on}
                  disabled={!canEdit}
                  onChange={() => {
                    const next = on ? chosen.filter((id) => id !== l.id) : [...chosen, l.id];
                    setLabelIds(next.join(","));
                    save({ label_ids: next });
                  }}
                />
                <span className="dot" style={{ background: l.color ?? "var(--muted)" }} aria-hidden="true" />
                {l.name}
              </label>
            );
          })}
        </div>
      </div>

      <div className="row">
        <button
          type="button"
          className={`button small${task.voted_by_me ? " pressed" : ""}`}
          aria-pressed={task.voted_by_me}
          onClick={() => vote.mutate(task)}
        >
          ▲ {task.voted_by_me ? "Voted" : "Vote"} · {task.vote_count}
        </button>
        {canEdit && (
          <button type="button" className="button small danger" onClick={deleteTask}>
            Delete task
          </button>
        )}
      </div>

      <section className="detail-section" aria-labelledby="description-heading">
        <div className="section-head">
          <h3 id="description-heading">Description</h3>
          {canEdit && !editingDescription && (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setDescription(task.description ?? "");
                setEditingDescription(true);
              }}
            >
              Edit
            </button>
          )}
        </div>
        {editingDescription ? (
          <form onSubmit={saveDescription} className="stack">
            <label htmlFor="detail-description" className="visually-hidden">
              Description (Markdown)
            </label>
            <textarea
              id="detail-description"
              rows={8}
              value={description}
              autoFocus
              onChange={(e) => setDescription(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) saveDescription(e);
              }}
            />
            <div className="row">
              <button type="submit" className="button primary small">
                Save
              </button>
              <button
                type="button"
                className="button small"
                onClick={() => {
                  setDescription(task.description ?? "");
                  setEditingDescription(false);
                }}
              >
                Cancel
              </button>
              <span className="muted small">Markdown: **bold**, _italic_, `code`, - lists, [links](https://…)</span>
            </div>
          </form>
        ) : task.description ? (
          <Markdown source={task.description} />
        ) : (
          <p className="muted">No description.</p>
        )}
      </section>

      {!task.parent_id && <Subtasks task={task} canEdit={canEdit} onOpenTask={onOpenTask} />}
      <Comments task={task} isAdmin={isAdmin} />
      <ActivityLog taskId={task.id} />
      <p className="muted small">
        Created {timeAgo(task.created_at)}
        {task.completed_at && ` · completed ${timeAgo(task.completed_at)}`}
      </p>
    </div>
  );
}

function Subtasks({ task, canEdit, onOpenTask }: { task: Task; canEdit: boolean; onOpenTask: (id: Id) => void }) {
  const subtasks = useTasks({ parentId: task.id, sort: "position", limit: 100 });
  const create = useCreateTask();
  const update = useUpdateTask();
  const toast = useToast();
  const [title, setTitle] = useState("");

  function add(event: FormEvent) {
    event.preventDefault();
    const text = title.trim();
    if (!text) return;
    setTitle("");
    create.mutate(
      { title: text, parent_id: task.id },
      { onError: (e) => toast(`Couldn't add the subtask: ${e.message}`, "error") },
    );
  }

  const items = subtasks.data?.items ?? [];
  const done = items.filter((t) => t.status === "done").length;
  return (
    <section className="detail-section" aria-labelledby="subtasks-heading">
      <h3 id="subtasks-heading">
        Subtasks{" "}
        {items.length > 0 && (
          <span className="muted">
            {done}/{items.length}
          </span>
        )}
      </h3>
      <ul className="subtasks">
        {items.map((sub) => (
          <li key={sub.id} className={sub.status === "done" ? "done" : undefined}>
            <input
              type="checkbox"
              checked={sub.status === "done"}
              disabled={!canEdit}
              aria-label={`${sub.status === "done" ? "Reopen" : "Complete"} subtask “${sub.title}”`}
              onChange={() =>
                update.mutate({ task: sub, changes: { status: sub.status === "done" ? "todo" : "done" } })
              }
            />
            <button type="button" className="link-button" onClick={() => onOpenTask(sub.id)}>
              {sub.title}
            </button>
          </li>
        ))}
      </ul>
      {canEdit && (
        <form className="row" onSubmit={add}>
          <label htmlFor="new-subtask" className="visually-hidden">
            New subtask
          </label>
          <input
            id="new-subtask"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="Add a subtask"
            maxLength={500}
          />
          <button type="submit" className="button small" disabled={!title.trim()}>
            Add
          </button>
        </form>
      )}
    </section>
  );
}

function Comments({ task, isAdmin }: { task: Task; isAdmin: boolean }) {
  const { user } = useAuth();
  const comments = useComments(task.id);
  const add = useAddComment(task.id);
  const remove = useDeleteComment(task.id);
  const change = useEditComment(task.id);
  const toast = useToast();
  const [body, setBody] = useState("");
  const [editing, setEditing] = useState<{ id: Id; body: string } | null>(null);

  function saveEdit(event: FormEvent) {
    event.preventDefault();
    if (!editing || !editing.body.trim()) return;
    change.mutate(
      { commentId: editing.id, body: editing.body.trim() },
      { onSuccess: () => setEditing(null), onError: (e) => toast(`Couldn't save the comment: ${e.message}`, "error") },
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = body.trim();
    if (!text) return;
    add.mutate(text, {
      onSuccess: () => setBody(""),
      onError: (e) => toast(`Couldn't post the comment: ${e.message}`, "error"),
    });
  }

  return (
    <section className="detail-section" aria-labelledby="comments-heading">
      <h3 id="comments-heading">
        Comments {task.comment_count > 0 && <span className="muted">{task.comment_count}</span>}
      </h3>
      {comments.isPending && <p className="muted">Loading comments…</p>}
      <ul className="comments">
        {comments.data?.map((c) => (
          <li key={c.id} className="comment">
            <div className="comment-head">
              <strong>{c.author.username}</strong> <span className="muted small">{timeAgo(c.created_at)}</span>
              {c.author.id === user?.id && editing?.id !== c.id && (
                <button
                  type="button"
                  className="link-button small"
                  aria-label={`Edit your comment from ${timeAgo(c.created_at)}`}
                  onClick={() => setEditing({ id: c.id, body: c.body })}
                >
                  Edit
                </button>
              )}
              {(c.author.id === user?.id || isAdmin) && (
                <button
                  type="button"
                  className="link-button small"
                  aria-label={`Delete comment by ${c.author.username}`}
                  onClick={() =>
                    remove.mutate(c.id, { onError: (e) => toast(`Couldn't delete: ${e.message}`, "error") })
                  }
                >
                  Delete
                </button>
              )}
            </div>
            {editing?.id === c.id ? (
              <form className="stack" onSubmit={saveEdit}>
                <label htmlFor={`edit-comment-${c.id}`} className="visually-hidden">
                  Edit comment
                </label>
                <textarea
                  id={`edit-comment-${c.id}`}
                  rows={3}
                  maxLength={10000}
                  value={editing.body}
                  autoFocus
                  onChange={(e) => setEditing({ id: c.id, body: e.target.value })}
                />
                <div className="row">
                  <button type="submit" className="button small primary" disabled={change.isPending}>
                    Save
                  </button>
                  <button type="button" className="button small" onClick={() => setEditing(null)}>
                    Cancel
                  </button>
                </div>
              </form>
            ) : (
              <Markdown source={c.body} />
            )}
            {Date.parse(c.updated_at) - Date.parse(c.created_at) > 1000 && editing?.id !== c.id && (
              <span className="muted small">(edited)</span>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={submit} className="stack">
        <label htmlFor="new-comment" className="visually-hidden">
          Write a comment
        </label>
        <textarea
          id="new-comment"
          rows={2}
          value={body}
          maxLength={10000}
          placeholder="Write a comment (Markdown)…"
          onChange={(e) => setBody(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit(e);
          }}
        />
        <div className="row">
          <button type="submit" className="button small" disabled={!body.trim() || add.isPending}>
            Comment
          </button>
        </div>
      </form>
    </section>
  );
}

function ActivityLog({ taskId }: { taskId: Id }) {
  const activity = useTaskActivity(taskId);
  const [open, setOpen] = useState(false);
  return (
    <section className="detail-section" aria-labelledby="activity-heading">
      <div className="section-head">
        <h3 id="activity-heading">Activity</h3>
        <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? "Hide" : "Show"}
        </button>
      </div>
      {open && (
        <ul className="activity">
          {activity.isPending && <li className="muted">Loading…</li>}
          {activity.data?.length === 0 && <li className="muted">Nothing yet.</li>}
          {activity.data?.map((a) => (
            <li key={a.id}>
              <strong>{a.actor?.username ?? "someone"}</strong> {describeActivity(a.verb, a.changes)}{" "}
              <span className="muted small">{timeAgo(a.created_at)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
