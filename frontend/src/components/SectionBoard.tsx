// The board by section: a column for the tasks in no section, then one per section (rename
// and delete in its heading, "Add section" at the end). Drag a card by its handle to another
// column with the mouse, touch or the keyboard (dnd-kit: space, ←/→, space).
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from "@dnd-kit/core";
import type { UseQueryResult } from "@tanstack/react-query";
import { useUpdateTask } from "../api/tasks";
import type { Id, Page, Section, Task } from "../api/types";
import { neighbourOnAxis } from "../lib/dndNeighbour";
import { positionForDrop } from "../lib/position";
import { sectionColumns, sectionIdOf, type Group } from "../lib/sections";
import { AddSection, SectionHeading } from "./SectionControls";
import { TaskMeta } from "./TaskMeta";
import "./Board.css";
import "./SectionBoard.css";

type Props = {
  projectId: Id;
  query: UseQueryResult<Page<Task>>;
  sections: Section[];
  canEdit: boolean;
  openTaskId?: Id;
  onOpen: (task: Task) => void;
  onFocusCard: (index: number) => void;
};

/** The keyboard moves a picked-up card a whole column (the next or previous) per arrow. */
const nextColumn = neighbourOnAxis("horizontal", (target, item) => ({
  x: target.left + target.width / 2 - item.width / 2,
  y: target.top + 48,
}));

export default function SectionBoard({ projectId, query, sections, canEdit, openTaskId, onOpen, onFocusCard }: Props) {
  const update = useUpdateTask();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: nextColumn }),
  );

  if (query.isPending) {
    return (
      <div className="list-state" role="status">
        <span className="spinner" aria-hidden="true" /> Loading board…
      </div>
    );
  }
  if (query.isError)
    return (
      <div className="list-state" role="alert">
        Couldn't load the board: {query.error.message}
      </div>
    );

  const tasks = query.data.items;
  const columns = sectionColumns(tasks, sections);
  const flat = columns.flatMap((c) => c.items);
  const byId = new Map(tasks.map((t) => [t.id, t] as const));
  const titleOf = (key: unknown) => {
    const column = columns.find((c) => c.key === key);
    return column ? (column.section?.name ?? "No section") : "a column";
  };

  function onDragEnd({ active, over }: DragEndEvent) {
    const task = byId.get(Number(active.id));
    const column = columns.find((c) => c.key === over?.id);
    if (!task || !column) return;
    const sectionId = sectionIdOf(column.key);
    if ((task.section_id ?? null) === sectionId) return;
    // Dropped on a column: it goes to the end of it.
    const others = column.items.filter((t) => t.id !== task.id);
    const position = positionForDrop(others, others.length);
    update.mutate({ task, changes: { section_id: sectionId, position }, guard: true });
  }

  const hidden = query.data.total - tasks.length;
  return (
    <DndContext
      sensors={sensors}
      onDragEnd={onDragEnd}
      accessibility={{
        screenReaderInstructions: {
          draggable:
            "Press space to pick the task up, the left and right arrow keys to move it to another section, space to drop it.",
        },
        announcements: {
          onDragStart: ({ active }) => `Picked up “${byId.get(Number(active.id))?.title ?? "task"}”.`,
          onDragOver: ({ over }) => (over ? `Over ${titleOf(over.id)}.` : ""),
          onDragEnd: ({ over }) => (over ? `Moved to ${titleOf(over.id)}.` : "Not moved."),
          onDragCancel: () => "Not moved.",
        },
      }}
    >
      {hidden > 0 && (
        <p className="notice" role="status">
          The board shows the first {tasks.length} of {query.data.total} tasks. Narrow it with search or filters, or use
          the list.
        </p>
      )}
      <div
        className="board section-board"
        style={{ gridTemplateColumns: `repeat(${columns.length + (canEdit ? 1 : 0)}, minmax(15rem, 1fr))` }}
      >
        {columns.map((column) => (
          <SectionColumn
            key={column.key}
            projectId={projectId}
            column={column}
            flat={flat}
            canEdit={canEdit}
            openTaskId={openTaskId}
            onOpen={onOpen}
            onFocusCard={onFocusCard}
          />
        ))}
        {canEdit && (
          <div className="board-column add-section-column">
            <AddSection projectId={projectId} />
          </div>
        )}
      </div>
    </DndContext>
  );
}

function SectionColumn({
  projectId,
  column,
  flat,
  canEdit,
  openTaskId,
  onOpen,
  onFocusCard,
}: {
  projectId: Id;
  column: Group<Section, Task>;
  flat: Task[];
  canEdit: boolean;
  openTaskId?: Id;
  onOpen: (task: Task) => void;
  onFocusCard: (index: number) => void;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: column.key, disabled: !canEdit });
  const headingId = `section-col-${column.key}`;
  return (
    <section
      ref={setNodeRef}
      className={`board-column${isOver ? " drop-target" : ""}`}
      aria-labelledby={headingId}
      data-section={column.key}
      data-over={isOver ? "true" : undefined}
    >
      <SectionHeading
        projectId={projectId}
        section={column.section}
        count={column.items.length}
        canEdit={canEdit}
        headingId={headingId}
      />
      <ul className="cards">
        {column.items.map((task) => (
          <SectionCard
            key={task.id}
            task={task}
            index={flat.indexOf(task)}
            canEdit={canEdit}
            open={task.id === openTaskId}
            onOpen={onOpen}
            onFocusCard={onFocusCard}
          />
        ))}
        {column.items.length === 0 && <li className="column-empty muted">No tasks</li>}
      </ul>
    </section>
  );
}

function SectionCard({
  task,
  index,
  canEdit,
  open,
  onOpen,
  onFocusCard,
}: {
  task: Task;
  index: number;
  canEdit: boolean;
  open: boolean;
  onOpen: (task: Task) => void;
  onFocusCard: (index: number) => void;
}) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id: task.id,
    disabled: !canEdit,
  });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  return (
    <li
      ref={setNodeRef}
      style={style}
      data-card-id={task.id}
      data-task-id={task.id}
      data-card-index={index}
      className={`card section-card${isDragging ? " lifted" : ""}${open ? " open" : ""}`}
    >
      <div className="section-card-top">
        {canEdit && (
          <button
            type="button"
            className="drag-handle"
            aria-label={`Move “${task.title}” to another section`}
            {...attributes}
            {...listeners}
          >
            ⠿
          </button>
        )}
        <button type="button" className="card-title" onClick={() => onOpen(task)} onFocus={() => onFocusCard(index)}>
          {task.title}
        </button>
      </div>
      <TaskMeta task={task} />
    </li>
  );
}
