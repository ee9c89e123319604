// Tasks grouped by local day, with drag to reschedule (dnd-kit: mouse, touch and keyboard)
// onto another day. Used by the Today and Upcoming views. Rows take part in the page's
// multi-select (TaskSelection's context): ctrl/⌘- and shift-click on a title select.
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from "@dnd-kit/core";
import type { Id, Task } from "../api/types";
import { neighbourOnAxis } from "../lib/dndNeighbour";
import { usePending } from "../lib/usePending";
import { TaskMeta } from "./TaskMeta";
import { useRowSelection } from "./TaskSelection";
import "./DayPlanner.css";

export type DayGroup = {
  /** `YYYY-MM-DD`, or "overdue". */
  key: string;
  title: string;
  tasks: Task[];
  /** Whether tasks can be dropped here (a day; not the overdue pile). */
  droppable: boolean;
};

type Props = {
  groups: DayGroup[];
  openTaskId: Id | undefined;
  canEditTask: (task: Task) => boolean;
  onMove: (task: Task, day: string) => void;
  onToggle: (task: Task) => void;
  onOpen: (task: Task) => void;
  /** The keyboard (or a click) went to a row: the task the shortcuts act on. */
  onFocusTask: (task: Task) => void;
};

/** The keyboard moves a picked-up task a whole day (the next or previous group) per arrow. */
const nextDay = neighbourOnAxis("vertical", (target, item) => ({
  x: item.left,
  y: target.top + Math.min(target.height / 2, 40) - item.height / 2,
}));

export function DayPlanner({ groups, openTaskId, canEditTask, onMove, onToggle, onOpen, onFocusTask }: Props) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: nextDay }),
  );
  const tasks = new Map(groups.flatMap((g) => g.tasks.map((t) => [t.id, t] as const)));
  const dayOf = new Map(groups.flatMap((g) => g.tasks.map((t) => [t.id, g.key] as const)));

  function onDragEnd({ active, over }: DragEndEvent) {
    const task = tasks.get(Number(active.id));
    const day = over ? String(over.id) : undefined;
    if (!task || !day || dayOf.get(task.id) === day) return;
    onMove(task, day);
  }

  return (
    <DndContext
      sensors={sensors}
      onDragEnd={onDragEnd}
      accessibility={{
        screenReaderInstructions: {
          draggable: "Press space to pick the task up, the arrow keys to move it to another day, space to drop it.",
        },
        announcements: {
          onDragStart: ({ active }) => `Picked up “${tasks.get(Number(active.id))?.title ?? "task"}”.`,
          onDragOver: ({ over }) => (over ? `Over ${groups.find((g) => g.key === over.id)?.title ?? "a day"}.` : ""),
          onDragEnd: ({ over }) =>
            over ? `Moved to ${groups.find((g) => g.key === over.id)?.title ?? "that day"}.` : "Not moved.",
          onDragCancel: () => "Not moved.",
        },
      }}
    >
      <div className="day-groups">
        {groups.map((group) => (
          <DaySection
            key={group.key}
            group={group}
            openTaskId={openTaskId}
            canEditTask={canEditTask}
            onToggle={onToggle}
            onOpen={onOpen}
            onFocusTask={onFocusTask}
          />
        ))}
      </div>
    </DndContext>
  );
}

function DaySection({
  group,
  openTaskId,
  canEditTask,
  onToggle,
  onOpen,
  onFocusTask,
}: { group: DayGroup } & Omit<Props, "groups" | "onMove">) {
  const { setNodeRef, isOver } = useDroppable({ id: group.key, disabled: !group.droppable });
  const headingId = `day-${group.key}`;
  return (
    <section
      ref={setNodeRef}
      className={`day-group${isOver ? " over" : ""}${group.key === "overdue" ? " overdue" : ""}`}
      aria-labelledby={headingId}
      data-day={group.key}
    >
      <h2 id={headingId} className="day-title">
        {group.title} <span className="muted small">{group.tasks.length || ""}</span>
      </h2>
      {group.tasks.length === 0 ? (
        <p className="muted small day-empty">Nothing due{group.droppable ? " — drop a task here" : ""}.</p>
      ) : (
        <ul className="task-list">
          {group.tasks.map((task) => (
            <DayTask
              key={task.id}
              task={task}
              open={task.id === openTaskId}
              canEdit={canEditTask(task)}
              onToggle={onToggle}
              onOpen={onOpen}
              onFocusTask={onFocusTask}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function DayTask({
  task,
  open,
  canEdit,
  onToggle,
  onOpen,
  onFocusTask,
}: {
  task: Task;
  open: boolean;
  canEdit: boolean;
  onToggle: (task: Task) => void;
  onOpen: (task: Task) => void;
  onFocusTask: (task: Task) => void;
}) {
  const [done, setDone] = usePending(task.status === "done");
  const selection = useRowSelection();
  const picked = selection?.has(task.id) ?? false;
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id: task.id,
    disabled: !canEdit,
  });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  return (
    <li
      ref={setNodeRef}
      style={style}
      className={`task-row day-task${open ? " open" : ""}${done ? " done" : ""}${isDragging ? " dragging" : ""}${picked ? " picked" : ""}`}
      data-task-id={task.id}
      data-picked={picked || undefined}
      onFocus={() => onFocusTask(task)}
    >
      {canEdit && (
        <button
          type="button"
          className="drag-handle"
          aria-label={`Reschedule “${task.title}”`}
          {...attributes}
          {...listeners}
        >
          ⠿
        </button>
      )}
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
          aria-current={open ? "true" : undefined}
        >
          {task.title}
          {/* As in TaskRow: a list item has no aria-selected, so the name says it. */}
          {picked && <span className="visually-hidden"> (selected)</span>}
        </button>
        <TaskMeta task={task} />
      </div>
    </li>
  );
}
