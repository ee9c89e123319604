// The task's title, edited in place: Enter or leaving the field saves, Escape reverts.
import { useState } from "react";
import { useUpdateTask } from "../../api/tasks";
import type { Label, Task } from "../../api/types";
import "./TaskTitle.css";

export function TaskTitle({ task, canEdit, labels }: { task: Task; canEdit: boolean; labels: Label[] }) {
  const update = useUpdateTask();
  const [title, setTitle] = useState(task.title);

  // Someone else's new title arrives: show it (adjusting state while rendering, not in an effect).
  const [seenTitle, setSeenTitle] = useState(task.title);
  if (task.title !== seenTitle) {
    setSeenTitle(task.title);
    setTitle(task.title);
  }

  function saveTitle() {
    const text = title.trim();
    if (!text) setTitle(task.title);
    else if (text !== task.title) update.mutate({ task, changes: { title: text }, guard: true, labels });
  }

  return (
    <>
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
    </>
  );
}
