// The task's title, edited in place: Enter or leaving the field saves, Escape reverts.
// While it is being edited, a live rename does not replace it (the user is told instead).
import { useCommitTaskText } from "../../api/tasks";
import type { Task } from "../../api/types";
import { useTextDraft } from "../../lib/textDraft";
import { useToast } from "../../lib/toast";
import { EditConflict, EditNotice } from "./EditConflict";
import "./TaskTitle.css";

export function TaskTitle({ task, canEdit }: { task: Task; canEdit: boolean }) {
  const toast = useToast();
  const commit = useCommitTaskText(task, "title");
  const draft = useTextDraft({ text: task.title, version: task.version }, commit, (error) =>
    toast(`Couldn't save the title: ${error.message}`, "error"),
  );

  function save() {
    const text = draft.text.trim();
    if (!text) draft.cancel();
    else void draft.save(text);
  }

  return (
    <>
      <label htmlFor="detail-title" className="visually-hidden">
        Title
      </label>
      <textarea
        id="detail-title"
        className="detail-title"
        value={draft.text}
        rows={1}
        maxLength={500}
        readOnly={!canEdit}
        onFocus={() => canEdit && draft.begin()}
        onChange={(e) => draft.change(e.target.value.replace(/\n/g, " "))}
        onBlur={() => draft.editing && save()}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            (e.target as HTMLTextAreaElement).blur(); // saves
          }
          if (e.key === "Escape") draft.cancel();
        }}
      />
      <EditNotice draft={draft} what="title" />
      <EditConflict draft={draft} what="title" />
    </>
  );
}
