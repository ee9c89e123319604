// One task in the list: complete it inline, open it in the detail panel (and, in a list
// sorted by position, drag it by its handle: SortableTasks.tsx).
import type { CSSProperties, ReactNode } from "react";
import { useTask } from "../api/tasks";
import type { Task } from "../api/types";
import { usePending } from "../lib/usePending";
import { TaskMeta } from "./TaskMeta";
import { useRowSelection } from "./TaskSelection";
import "./TaskRow.css";

export type TaskRowProps = {
  task: Task;
  /** 1 for a subtask shown under its parent. */
  depth: 0 | 1;
  index: number;
  selected: boolean;
  open: boolean;
  canEdit: boolean;
  onToggle: (task: Task) => void;
  onOpen: (task: Task) => void;
  onFocus: (index: number) => void;
  /** A reorderable row's element ref, transform while dragged, and drag handle. */
  sortable?: { ref: (node: HTMLElement | null) => void; style: CSSProperties; dragging: boolean; handle: ReactNode };
};

export function TaskRow({ task, depth, index, selected, open, canEdit, onToggle, onOpen, onFocus, sortable }: TaskRowProps) {
  const [done, setDone] = usePending(task.status === "done");
  // A subtask listed without its parent (done, filtered out, on another page) names it.
  const parent = useTask(depth === 0 && task.parent_id !== null ? task.parent_id : undefined);
  const selection = useRowSelection();
  const picked = selection?.has(task.id) ?? false;
  return (
    <li
      className={`task-row${depth ? " subtask" : ""}${selected ? " selected" : ""}${open ? " open" : ""}${done ? " done" : ""}${sortable?.dragging ? " dragging" : ""}${picked ? " picked" : ""}`}
      data-task-index={index}
      data-task-id={task.id}
      data-picked={picked || undefined}
      ref={sortable?.ref}
      style={sortable?.style}
    >
      {sortable?.handle}
      <input
        type="checkbox"
        className={`complete priority-ring-${task.priority}`}
        checked={done}
        disabled={!canEdit}
        onChange={() => {
          setDone(!done);
          onToggle(task);
        }}
        aria-label={`${done ? "Reopen" : "Complete"} “${task.title}”`}
      />
      <div className="task-main">
        <button
          type="button"
          className="task-title"
          onClick={(event) => selection?.click(task.id, event) || onOpen(task)}
          onFocus={() => onFocus(index)}
          aria-current={open ? "true" : undefined}
        >
          {task.title}
          {/* A list item has no aria-selected (axe: not allowed on its role): the name says it. */}
          {picked && <span className="visually-hidden"> (selected)</span>}
        </button>
        <TaskMeta task={task} parentTitle={parent.data?.title} />
      </div>
    </li>
  );
}
