// One task in the list: complete it inline, open it in the detail panel.
import { useTask } from "../api/tasks";
import type { Task } from "../api/types";
import { usePending } from "../lib/usePending";
import { TaskMeta } from "./TaskMeta";
import "./TaskRow.css";

type Props = {
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
};

export function TaskRow({ task, depth, index, selected, open, canEdit, onToggle, onOpen, onFocus }: Props) {
  const [done, setDone] = usePending(task.status === "done");
  // A subtask listed without its parent (done, filtered out, on another page) names it.
  const parent = useTask(depth === 0 && task.parent_id !== null ? task.parent_id : undefined);
  return (
    <li
      className={`task-row${depth ? " subtask" : ""}${selected ? " selected" : ""}${open ? " open" : ""}${done ? " done" : ""}`}
      data-task-index={index}
      data-task-id={task.id}
    >
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
          onClick={() => onOpen(task)}
          onFocus={() => onFocus(index)}
          aria-current={open ? "true" : undefined}
        >
          {task.title}
        </button>
        <TaskMeta task={task} parentTitle={parent.data?.title} />
      </div>
    </li>
  );
}
