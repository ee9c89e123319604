// The task's description: Markdown shown, edited as text on demand. The edit carries the
// version it started from; a concurrent change to the description shows both texts.
import { useState, type ClipboardEvent, type FormEvent } from "react";
import { useCommitTaskText } from "../../api/tasks";
import type { Task } from "../../api/types";
import { toggleTaskItem } from "../../lib/markdown";
import { useTextDraft } from "../../lib/textDraft";
import { useToast } from "../../lib/toast";
import { Markdown } from "../Markdown";
import { EditConflict, EditNotice } from "./EditConflict";

type Props = { task: Task; canEdit: boolean; onPaste?: (event: ClipboardEvent) => void };

export function TaskDescription({ task, canEdit, onPaste }: Props) {
  const toast = useToast();
  const commit = useCommitTaskText(task, "description");
  const draft = useTextDraft({ text: task.description ?? "", version: task.version }, commit, (error) =>
    toast(`Couldn't save the description: ${error.message}`, "error"),
  );

  // Ticking a task-list box saves the description with If-Match on the version shown: if
  // someone changed it meanwhile, nothing is overwritten and the fresh text shows.
  // The box shows ticked at once; the others wait until this save is done.
  const [ticked, setTicked] = useState<string | null>(null);
  async function toggleTask(offset: number) {
    const base = { text: task.description ?? "", version: task.version };
    const next = toggleTaskItem(base.text, offset);
    if (next === null) return;
    setTicked(next);
    try {
      const outcome = await commit(next, base);
      if (!outcome.saved) toast("The description changed meanwhile: here is the new text. Tick again if needed.");
    } catch (error) {
      toast(`Couldn't save the description: ${(error as Error).message}`, "error");
    } finally {
      setTicked(null);
    }
  }

  function save(event: FormEvent) {
    event.preventDefault();
    void draft.save();
  }

  return (
    <section className="detail-section" aria-labelledby="description-heading">
      <div className="section-head">
        <h3 id="description-heading">Description</h3>
        {canEdit && !draft.editing && (
          <button type="button" className="link-button" onClick={draft.begin}>
            Edit
          </button>
        )}
      </div>
      {draft.editing ? (
        <form onSubmit={save} className="stack">
          <EditConflict draft={draft} what="description" />
          <EditNotice draft={draft} what="description" />
          <label htmlFor="detail-description" className="visually-hidden">
            Description (Markdown)
          </label>
          <textarea
            id="detail-description"
            rows={8}
            value={draft.text}
            autoFocus
            onChange={(e) => draft.change(e.target.value)}
            onPaste={onPaste}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) save(e);
            }}
          />
          {!draft.conflict && (
            <div className="row">
              <button type="submit" className="button primary small" disabled={draft.busy}>
                Save
              </button>
              <button type="button" className="button small" onClick={draft.cancel}>
                Cancel
              </button>
              <span className="muted small">
                Markdown: **bold**, _italic_, `code`, - lists, - [ ] tasks, [links](https://…)
              </span>
            </div>
          )}
        </form>
      ) : task.description ? (
        <Markdown
          source={ticked ?? task.description}
          onToggleTask={canEdit && ticked === null ? (offset) => void toggleTask(offset) : undefined}
        />
      ) : (
        <p className="muted">No description.</p>
      )}
    </section>
  );
}
