// The task's description: Markdown shown, edited as text on demand.
import { useState, type FormEvent } from "react";
import { useUpdateTask } from "../../api/tasks";
import type { Label, Task } from "../../api/types";
import { Markdown } from "../Markdown";

export function TaskDescription({ task, canEdit, labels }: { task: Task; canEdit: boolean; labels: Label[] }) {
  const update = useUpdateTask();
  const [editing, setEditing] = useState(false);
  const [description, setDescription] = useState(task.description ?? "");

  function save(event: FormEvent) {
    event.preventDefault();
    setEditing(false);
    if (description !== (task.description ?? "")) {
      update.mutate({ task, changes: { description }, guard: true, labels });
    }
  }

  return (
    <section className="detail-section" aria-labelledby="description-heading">
      <div className="section-head">
        <h3 id="description-heading">Description</h3>
        {canEdit && !editing && (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setDescription(task.description ?? "");
              setEditing(true);
            }}
          >
            Edit
          </button>
        )}
      </div>
      {editing ? (
        <form onSubmit={save} className="stack">
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
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) save(e);
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
                setEditing(false);
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
  );
}
