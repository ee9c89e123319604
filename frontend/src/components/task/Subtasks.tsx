// A top-level task's subtasks: complete them, open them, add one.
import { useState, type FormEvent } from "react";
import { useCreateTask, useTasks, useUpdateTask } from "../../api/tasks";
import type { Id, Task } from "../../api/types";
import { useToast } from "../../lib/toast";
import "./Subtasks.css";

export function Subtasks({
  task,
  canEdit,
  onOpenTask,
}: {
  task: Task;
  canEdit: boolean;
  onOpenTask: (id: Id) => void;
}) {
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
