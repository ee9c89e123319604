// What the keyboard and the selection bar do to the focused task or to the selected ones:
// complete / reopen / move / delete through the bulk API (one Undo for the batch), and
// priority (`1`–`4`), due date (`t`), move (`m`), assign (`a`), delete (`Delete`, `#`).
// A list page calls `useTaskActions`, merges its `shortcuts` into its own, provides
// `selection` to its rows (SelectionContext) and renders `ui` above the list.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { describeTasks, useBulkActions } from "../api/bulk";
import { useMembers, useProjects } from "../api/projects";
import { useSections } from "../api/sections";
import { useUpdateTask } from "../api/tasks";
import { roleAtLeast, type Id, type Task, type TaskUpdate } from "../api/types";
import { useZone } from "../auth/useZone";
import { useToast } from "../lib/toast";
import { addDays, endOfDayInstant, todayKey } from "../lib/zoned";
import { useTaskSelection, type TaskSelection } from "./TaskSelection";
import "./TaskActions.css";

/** `1`–`4` as in quick add's `p1`–`p4`: 1 is the most urgent. */
export const PRIORITY_KEYS: Record<string, number> = { "1": 4, "2": 3, "3": 2, "4": 0 };

function onList(): boolean {
  const active = document.activeElement;
  return !active || active === document.body || !!active.closest("[data-task-id], .selection-bar");
}

type Picker = { kind: "due" | "move" | "assign"; tasks: Task[] };

type Options = {
  /** The tasks shown, in order. */
  items: readonly Task[];
  /** The row j/k (or a click) last focused. */
  focused: Task | undefined;
  canEditTask: (task: Task) => boolean;
  /** False where the rows cannot show a selection (the board): the keys act on the focused card. */
  selectable?: boolean;
};

export function useTaskActions({ items, focused, canEditTask, selectable = true }: Options) {
  const selection = useTaskSelection(items);
  const chosen = selectable ? selection.tasks : [];
  const bulk = useBulkActions();
  const update = useUpdateTask();
  const toast = useToast();
  const [picker, setPicker] = useState<Picker | null>(null);
  const [busy, setBusy] = useState(false);

  /** The selection if there is one, else the focused task; null (with a message) if any is read-only. */
  function targets(): Task[] | null {
    const tasks = chosen.length > 0 ? chosen : focused ? [focused] : [];
    if (tasks.length === 0) return null;
    const locked = tasks.filter((t) => !canEditTask(t));
    if (locked.length > 0) {
      toast(`You can't edit ${describeTasks(locked)}.`, "error");
      return null;
    }
    return tasks;
  }

  async function run(action: () => Promise<boolean>, clearAfter = true) {
    setBusy(true);
    try {
      if ((await action()) && clearAfter) selection.clear();
    } finally {
      setBusy(false);
    }
  }

  function completeOrReopen(tasks: Task[]) {
    const allDone = tasks.every((t) => t.status === "done");
    void run(() => (allDone ? bulk.reopen(tasks) : bulk.complete(tasks)));
  }

  function setFields(tasks: Task[], changes: TaskUpdate, done: string) {
    if (tasks.length === 1) update.mutate({ task: tasks[0], changes });
    else void run(() => bulk.update(tasks, changes, done), false);
  }

  function open(kind: Picker["kind"]) {
    const tasks = targets();
    if (!tasks) return;
    if (kind === "assign" && new Set(tasks.map((t) => t.project_id)).size > 1) {
      toast("Assign works on tasks of one project at a time (its members differ).", "error");
      return;
    }
    setPicker({ kind, tasks });
  }

  function remove() {
    const tasks = targets();
    if (tasks) void run(() => bulk.remove(tasks));
  }

  const keys: Record<string, () => void> = {
    s: () => selectable && focused && selection.toggle(focused.id),
    t: () => open("due"),
    m: () => open("move"),
    a: () => open("assign"),
    Delete: remove,
    "#": remove,
  };
  for (const [key, priority] of Object.entries(PRIORITY_KEYS)) {
    keys[key] = () => {
      const tasks = targets();
      if (tasks) setFields(tasks, { priority }, `Set the priority of ${describeTasks(tasks)}.`);
    };
  }
  // Only while the keyboard is on the list (a row, the bar) or nowhere: a `Delete` or a `1`
  // pressed on the task panel's buttons is not meant for the row j/k left focused.
  const shortcuts = Object.fromEntries(
    Object.entries(keys).map(([key, handler]) => [key, () => onList() && handler()]),
  );

  /** `x` with a selection completes (or, all done, reopens) it: true when there was one. */
  function completeSelected(): boolean {
    if (chosen.length === 0) return false;
    const tasks = targets();
    if (tasks) completeOrReopen(tasks);
    return true;
  }

  /** Esc clears the selection first: true when there was one. */
  function clearSelection(): boolean {
    if (chosen.length === 0) return false;
    selection.clear();
    return true;
  }

  const ui = (
    <>
      {chosen.length > 0 && (
        <SelectionBar
          selection={selection}
          busy={busy}
          onComplete={() => {
            const tasks = targets();
            if (tasks) completeOrReopen(tasks);
          }}
          onMove={() => open("move")}
          onDelete={remove}
        />
      )}
      {picker && (
        <PickerDialog
          picker={picker}
          onClose={() => setPicker(null)}
          onDue={(changes, label) => {
            setPicker(null);
            setFields(picker.tasks, changes, `${label}: ${describeTasks(picker.tasks)}.`);
          }}
          onAssign={(assignee, name) => {
            setPicker(null);
            setFields(picker.tasks, { assignee_id: assignee }, `Assigned ${describeTasks(picker.tasks)} to ${name}.`);
          }}
          onMove={(projectId, sectionId, where) => {
            setPicker(null);
            void run(() => bulk.move(picker.tasks, projectId, sectionId, where));
          }}
        />
      )}
    </>
  );

  return { selection, shortcuts, completeSelected, clearSelection, ui };
}

function SelectionBar({
  selection,
  busy,
  onComplete,
  onMove,
  onDelete,
}: {
  selection: TaskSelection;
  busy: boolean;
  onComplete: () => void;
  onMove: () => void;
  onDelete: () => void;
}) {
  const n = selection.tasks.length;
  const allDone = selection.tasks.every((t) => t.status === "done");
  return (
    <div className="selection-bar" role="region" aria-label="Selected tasks">
      <span role="status" aria-live="polite" className="selection-count">
        {n} {n === 1 ? "task" : "tasks"} selected
      </span>
      <button type="button" className="button small" disabled={busy} onClick={onComplete} aria-keyshortcuts="x">
        {allDone ? "Reopen" : "Complete"}
      </button>
      <button type="button" className="button small" disabled={busy} onClick={onMove} aria-keyshortcuts="m">
        Move to project…
      </button>
      <button type="button" className="button small danger" disabled={busy} onClick={onDelete} aria-keyshortcuts="Delete">
        Delete
      </button>
      <button type="button" className="link-button" onClick={selection.clear} aria-keyshortcuts="Escape">
        Clear selection
      </button>
    </div>
  );
}

function PickerDialog({
  picker,
  onClose,
  onDue,
  onAssign,
  onMove,
}: {
  picker: Picker;
  onClose: () => void;
  onDue: (changes: TaskUpdate, label: string) => void;
  onAssign: (assignee: Id | null, name: string) => void;
  onMove: (projectId: Id, sectionId: Id | null, where: string) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    // The dialog is removed rather than closed, so the focus is given back by hand: to the row
    // it was opened from (if that row is still there; else the list hands it to the next one).
    const from = document.activeElement;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (from instanceof HTMLElement && from.isConnected) from.focus();
    };
  }, []);
  const what = describeTasks(picker.tasks);
  const title =
    picker.kind === "due" ? `Due date of ${what}` : picker.kind === "move" ? `Move ${what}` : `Assign ${what}`;
  return (
    <dialog ref={ref} className="dialog task-picker" aria-labelledby="task-picker-title" onClose={onClose}>
      <h2 id="task-picker-title">{title}</h2>
      {picker.kind === "due" && <DuePicker tasks={picker.tasks} onDue={onDue} onClose={onClose} />}
      {picker.kind === "move" && <MovePicker tasks={picker.tasks} onMove={onMove} onClose={onClose} />}
      {picker.kind === "assign" && <AssignPicker tasks={picker.tasks} onAssign={onAssign} onClose={onClose} />}
    </dialog>
  );
}

function Buttons({ onClose, submit }: { onClose: () => void; submit: string }) {
  return (
    <div className="row end">
      <button type="button" className="button" onClick={onClose}>
        Cancel
      </button>
      <button type="submit" className="button primary">
        {submit}
      </button>
    </div>
  );
}

function DuePicker({
  tasks,
  onDue,
  onClose,
}: {
  tasks: Task[];
  onDue: (changes: TaskUpdate, label: string) => void;
  onClose: () => void;
}) {
  const zone = useZone();
  const today = todayKey(zone);
  const [day, setDay] = useState("");
  const allDay = (d: string): TaskUpdate => ({ due_at: endOfDayInstant(d, zone).toISOString(), due_all_day: true });
  // Clearing the date of a repeating task clears its repeat too (as the task panel does).
  const none: TaskUpdate = tasks.some((t) => t.recurrence) ? { due_at: null, recurrence: null } : { due_at: null };
  const quick: [string, TaskUpdate][] = [
    ["Today", allDay(today)],
    ["Tomorrow", allDay(addDays(today, 1))],
    ["Next week", allDay(addDays(today, 7))],
    ["No date", none],
  ];
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (day) onDue(allDay(day), "Rescheduled");
      }}
    >
      <div className="row picker-quick">
        {quick.map(([label, changes]) => (
          <button key={label} type="button" className="button small" onClick={() => onDue(changes, label === "No date" ? "Cleared the due date" : "Rescheduled")}>
            {label}
          </button>
        ))}
      </div>
      <div className="field">
        <label htmlFor="picker-due">Due date</label>
        <input id="picker-due" type="date" value={day} required autoFocus onChange={(e) => setDay(e.target.value)} />
      </div>
      <Buttons onClose={onClose} submit="Set date" />
    </form>
  );
}

function MovePicker({
  tasks,
  onMove,
  onClose,
}: {
  tasks: Task[];
  onMove: (projectId: Id, sectionId: Id | null, where: string) => void;
  onClose: () => void;
}) {
  const projects = useProjects();
  const targets = (projects.data ?? []).filter((p) => !p.archived && roleAtLeast(p.role, "editor"));
  const [projectId, setProjectId] = useState<Id>(tasks[0].project_id);
  const sections = useSections(projectId);
  const [sectionId, setSectionId] = useState<Id | null>(null);
  const project = targets.find((p) => p.id === projectId);
  const section = sections.data?.find((s) => s.id === sectionId);
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (!project) return;
        const name = project.is_inbox ? "Inbox" : project.name;
        onMove(project.id, section?.id ?? null, section ? `${name} / ${section.name}` : name);
      }}
    >
      <div className="field">
        <label htmlFor="picker-project">Project</label>
        <select
          id="picker-project"
          value={projectId}
          autoFocus
          onChange={(e) => {
            setProjectId(Number(e.target.value));
            setSectionId(null);
          }}
        >
          {!project && <option value={projectId}>…</option>}
          {targets.map((p) => (
            <option key={p.id} value={p.id}>
              {p.is_inbox ? "Inbox" : p.name}
            </option>
          ))}
        </select>
      </div>
      {(sections.data?.length ?? 0) > 0 && (
        <div className="field">
          <label htmlFor="picker-section">Section</label>
          <select
            id="picker-section"
            value={sectionId ?? ""}
            onChange={(e) => setSectionId(e.target.value ? Number(e.target.value) : null)}
          >
            <option value="">No section</option>
            {sections.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <Buttons onClose={onClose} submit="Move" />
    </form>
  );
}

function AssignPicker({
  tasks,
  onAssign,
  onClose,
}: {
  tasks: Task[];
  onAssign: (assignee: Id | null, name: string) => void;
  onClose: () => void;
}): ReactNode {
  const members = useMembers(tasks[0].project_id);
  const [assignee, setAssignee] = useState<string>(
    tasks.length === 1 && tasks[0].assignee_id !== null ? String(tasks[0].assignee_id) : "",
  );
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const member = members.data?.find((m) => String(m.user.id) === assignee);
        onAssign(member ? member.user.id : null, member ? `@${member.user.username}` : "nobody");
      }}
    >
      <div className="field">
        <label htmlFor="picker-assignee">Assignee</label>
        <select id="picker-assignee" value={assignee} autoFocus onChange={(e) => setAssignee(e.target.value)}>
          <option value="">Nobody</option>
          {members.data?.map((m) => (
            <option key={m.user.id} value={m.user.id}>
              {m.user.username}
            </option>
          ))}
        </select>
      </div>
      <Buttons onClose={onClose} submit="Assign" />
    </form>
  );
}
