// One line to add a task, read by the server as you type (POST /tasks/quick?dry_run): dates,
// recurrences, p1-p4, #project, @label and +user are highlighted and shown as chips before
// Enter; # and @ complete project and label names. Enter adds it and keeps the cursor here.
import type { Id, QuickDraft } from "../api/types";
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from "react";
import { useQuickAdd, useQuickPreview } from "../api/quickAdd";
import { useProjects } from "../api/projects";
import { useLabels } from "../api/labels";
import { PRIORITIES } from "../api/types";
import { formatDue } from "../lib/dates";
import { complete, segments, suggestions, tokenAt } from "../lib/quickTokens";
import { useToast } from "../lib/toast";
import { takeQuickAddFocus } from "../lib/quickAddFocus";
import "./QuickAdd.css";

type Props = {
  projectId: Id;
  inputRef: RefObject<HTMLInputElement | null>;
  disabled?: boolean;
  /** Search or filters are narrowing the list: a new task may not show, so say it was added. */
  filtered?: boolean;
};

const LISTBOX = "quick-add-options";

function dueText(draft: QuickDraft): string | null {
  if (!draft.due_at) return null;
  const day = formatDue(draft.due_at).text;
  if (draft.due_all_day) return day;
  const time = new Date(draft.due_at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  return `${day} ${time}`;
}

function Chips({ draft, projectId }: { draft: QuickDraft; projectId: Id }) {
  const projects = useProjects();
  const chips: { kind: string; text: string }[] = [];
  if (draft.project_id !== projectId) {
    const name = projects.data?.find((p) => p.id === draft.project_id)?.name ?? "another project";
    chips.push({ kind: "project", text: `# ${name}` });
  }
  const due = dueText(draft);
  if (due) chips.push({ kind: "date", text: `Due ${due}` });
  if (draft.recurrence) {
    const basis = draft.recurrence_basis === "completion" ? " after completion" : "";
    chips.push({ kind: "recurrence", text: `Repeats${basis}` });
  }
  if (draft.priority) {
    const label = PRIORITIES.find((p) => p.value === draft.priority)?.label ?? draft.priority;
    chips.push({ kind: "priority", text: `Priority: ${label}` });
  }
  for (const name of draft.label_names) chips.push({ kind: "label", text: `@ ${name}` });
  if (draft.assignee_id) chips.push({ kind: "assignee", text: "Assigned" });
  if (chips.length === 0) return null;
  return (
    <ul className="quick-add-chips" aria-label="What quick add understood">
      {chips.map((chip) => (
        <li key={`${chip.kind}:${chip.text}`} className={`quick-add-chip kind-${chip.kind}`}>
          {chip.text}
        </li>
      ))}
    </ul>
  );
}

export function QuickAdd({ projectId, inputRef, disabled, filtered }: Props) {
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closed, setClosed] = useState(false);
  const highlightRef = useRef<HTMLDivElement>(null);
  // "New task" in the command palette, chosen on a page without quick add, lands here.
  useEffect(() => {
    if (!disabled && takeQuickAddFocus()) inputRef.current?.focus();
  }, [disabled, inputRef]);
  const { drafts } = useQuickPreview(projectId, text, !disabled);
  const create = useQuickAdd();
  const projects = useProjects();
  const labels = useLabels(projectId);
  const toast = useToast();
  const draft = drafts?.[0];

  const token = closed ? null : tokenAt(text, caret);
  const names =
    token?.kind === "project"
      ? (projects.data ?? []).filter((p) => !p.is_inbox).map((p) => p.name)
      : (labels.data ?? []).map((l) => l.name);
  const options = token ? suggestions(names, token.query) : [];
  const open = options.length > 0;
  const activeIndex = Math.min(active, options.length - 1);

  function edit(next: string, at: number) {
    setText(next);
    setCaret(at);
    setActive(0);
    setClosed(false);
  }

  function syncScroll() {
    if (highlightRef.current && inputRef.current) highlightRef.current.scrollLeft = inputRef.current.scrollLeft;
  }

  function pick(name: string) {
    if (!token) return;
    const next = complete(text, token, name);
    edit(next.text, next.caret);
    requestAnimationFrame(() => {
      inputRef.current?.setSelectionRange(next.caret, next.caret);
      syncScroll();
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const typed = text.trim();
    if (!typed) return;
    setText("");
    setCaret(0);
    create.mutate(
      { text: typed, project_id: projectId },
      {
        onSuccess: (tasks) => {
          const elsewhere = tasks.filter((t) => t.project_id !== projectId);
          if (elsewhere.length > 0) {
            const name = projects.data?.find((p) => p.id === elsewhere[0].project_id)?.name ?? "another project";
            toast(`Added “${elsewhere[0].title}” to ${name}.`);
          } else if (filtered) {
            toast(`Added “${tasks[0]?.title ?? typed}”. The current search or filters may hide it.`);
          }
        },
        onError: (error) => {
          // Give the text back so nothing typed is lost.
          setText((current) => current || typed);
          toast(`Couldn't add “${typed}”: ${error.message}`, "error");
        },
      },
    );
    inputRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((activeIndex + step + options.length) % options.length);
      return;
    }
    if (open && (event.key === "Enter" || event.key === "Tab")) {
      event.preventDefault();
      pick(options[activeIndex]);
      return;
    }
    if (event.key === "Escape") {
      if (open) setClosed(true);
      else (event.target as HTMLInputElement).blur();
    }
  }

  const pieces = draft ? segments(text, draft.spans) : [{ text }];
  return (
    <div className="quick-add-box">
      <form className="quick-add" onSubmit={submit}>
        <label htmlFor="quick-add" className="visually-hidden">
          Add a task
        </label>
        <span className="quick-add-plus" aria-hidden="true">
          +
        </span>
        <div className="quick-add-field">
          <div className="quick-add-highlight" ref={highlightRef} aria-hidden="true" data-testid="quick-add-highlight">
            {pieces.map((piece, index) =>
              piece.kind ? (
                <mark key={index} className={`quick-token kind-${piece.kind}`} data-kind={piece.kind}>
                  {piece.text}
                </mark>
              ) : (
                <span key={index}>{piece.text}</span>
              ),
            )}
          </div>
          <input
            id="quick-add"
            ref={inputRef}
            value={text}
            onChange={(e) => edit(e.target.value, e.target.selectionStart ?? e.target.value.length)}
            onSelect={(e) => {
              setCaret(e.currentTarget.selectionStart ?? 0);
              syncScroll();
            }}
            onScroll={syncScroll}
            onBlur={() => setClosed(true)}
            onFocus={() => setClosed(false)}
            placeholder={
              disabled
                ? "You can view this project but not add tasks"
                : "Add a task: “Pay rent tomorrow 5pm p1 #Home @bills”  ( q )"
            }
            maxLength={20_000}
            disabled={disabled}
            autoComplete="off"
            spellCheck={false}
            role="combobox"
            aria-expanded={open}
            aria-controls={LISTBOX}
            aria-autocomplete="list"
            aria-activedescendant={open ? `${LISTBOX}-${activeIndex}` : undefined}
            onKeyDown={onKeyDown}
          />
        </div>
        <button type="submit" className="button primary small" disabled={disabled || !text.trim()}>
          Add
        </button>
      </form>
      {open ? (
        <ul id={LISTBOX} role="listbox" className="quick-add-options" aria-label={token?.kind === "project" ? "Projects" : "Labels"}>
          {options.map((name, index) => (
            <li
              key={name}
              id={`${LISTBOX}-${index}`}
              role="option"
              aria-selected={index === activeIndex}
              className={index === activeIndex ? "active" : undefined}
              onMouseDown={(e) => {
                e.preventDefault(); // keep the focus in the field
                pick(name);
              }}
            >
              {token?.kind === "project" ? "#" : "@"}
              {name}
            </li>
          ))}
        </ul>
      ) : null}
      {draft && text.trim() ? <Chips draft={draft} projectId={projectId} /> : null}
    </div>
  );
}
