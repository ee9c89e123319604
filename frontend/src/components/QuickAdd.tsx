// One line to add a task: Enter adds it and keeps the cursor here for the next one.
import type { Id } from "../api/types";
import { useState, type FormEvent, type RefObject } from "react";
import { useCreateTask } from "../api/tasks";
import { useToast } from "../lib/toast";
import "./QuickAdd.css";

type Props = {
  projectId: Id;
  inputRef: RefObject<HTMLInputElement | null>;
  disabled?: boolean;
  /** Search or filters are narrowing the list: a new task may not show, so say it was added. */
  filtered?: boolean;
};

export function QuickAdd({ projectId, inputRef, disabled, filtered }: Props) {
  const [title, setTitle] = useState("");
  const create = useCreateTask();
  const toast = useToast();

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = title.trim();
    if (!text) return;
    setTitle("");
    create.mutate(
      { title: text, project_id: projectId },
      {
        onSuccess: () => {
          if (filtered) toast(`Added “${text}”. The current search or filters may hide it.`);
        },
        onError: (error) => {
          // Give the text back so nothing typed is lost.
          setTitle((current) => current || text);
          toast(`Couldn't add “${text}”: ${error.message}`, "error");
        },
      },
    );
    inputRef.current?.focus();
  }

  return (
    <form className="quick-add" onSubmit={submit}>
      <label htmlFor="quick-add" className="visually-hidden">
        Add a task
      </label>
      <span className="quick-add-plus" aria-hidden="true">
        +
      </span>
      <input
        id="quick-add"
        ref={inputRef}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        placeholder={disabled ? "You can view this project but not add tasks" : "Add a task, press Enter  ( q )"}
        maxLength={500}
        disabled={disabled}
        autoComplete="off"
        onKeyDown={(e) => {
          if (e.key === "Escape") (e.target as HTMLInputElement).blur();
        }}
      />
      <button type="submit" className="button primary small" disabled={disabled || !title.trim()}>
        Add
      </button>
    </form>
  );
}
