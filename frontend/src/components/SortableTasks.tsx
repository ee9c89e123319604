// Drag to reorder the list (issue 17), a chunk of its own (dnd-kit), loaded when a list
// sorted by position is shown to an editor. Top-level rows move within their group (the
// list, or a section) by a handle, with the mouse, touch or the keyboard (space, ↑/↓,
// space); the drop PATCHes the task's position with a key between its new neighbours'.
// Subtasks stay under their parents and move with them.
import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type UniqueIdentifier,
} from "@dnd-kit/core";
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import type { ReactNode } from "react";
import type { Task } from "../api/types";
import { positionForDrop } from "../lib/position";
import { TaskRow, type TaskRowProps } from "./TaskRow";

export type ReorderGroup = { key: string; tasks: Task[] };

type Props = {
  /** Each group's top-level tasks in their order: a task moves within its group. */
  groups: ReorderGroup[];
  /** The page starts at the list's start / ends at its end: else a drop before the page's
   * first task (after its last) is refused, the neighbour being on another page. */
  atStart: boolean;
  atEnd: boolean;
  onMove: (task: Task, position: string) => void;
  children: ReactNode;
};

type Drop = { group: ReorderGroup; from: number; to: number; position?: string };

/** Where the task `activeId` dropped on `overId` lands, and its key (none: not moved). */
export function dropOf(
  groups: ReorderGroup[],
  activeId: UniqueIdentifier,
  overId: UniqueIdentifier | undefined,
  atStart: boolean,
  atEnd: boolean,
): Drop | undefined {
  const group = groups.find((g) => g.tasks.some((t) => t.id === Number(activeId)));
  if (!group || overId === undefined) return undefined;
  const from = group.tasks.findIndex((t) => t.id === Number(activeId));
  const to = group.tasks.findIndex((t) => t.id === Number(overId));
  if (to === -1) return undefined; // another group: sections change in the task's panel
  if (to === from) return { group, from, to };
  const order = arrayMove(group.tasks, from, to);
  const others = order.filter((t) => t.id !== Number(activeId));
  if ((to === 0 && !atStart) || (to === order.length - 1 && !atEnd)) return { group, from, to };
  return { group, from, to, position: positionForDrop(others, to) };
}

export function SortableTasks({ groups, atStart, atEnd, onMove, children }: Props) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const byId = new Map(groups.flatMap((g) => g.tasks.map((t) => [t.id, t] as const)));
  const title = (id: UniqueIdentifier) => `“${byId.get(Number(id))?.title ?? "task"}”`;
  const place = (activeId: UniqueIdentifier, overId: UniqueIdentifier | undefined) => {
    const drop = dropOf(groups, activeId, overId, atStart, atEnd);
    return drop ? `position ${drop.to + 1} of ${drop.group.tasks.length}` : "no place it can go";
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${title(active.id)}, ${place(active.id, active.id)}.`,
    onDragOver: ({ active, over }) => `${title(active.id)} is at ${place(active.id, over?.id)}.`,
    onDragEnd: ({ active, over }) => {
      const drop = dropOf(groups, active.id, over?.id, atStart, atEnd);
      if (!drop?.position) {
        return drop && drop.to !== drop.from
          ? `${title(active.id)} not moved: its new neighbour is on another page.`
          : `${title(active.id)} not moved.`;
      }
      return `Moved ${title(active.id)} to ${place(active.id, over?.id)}.`;
    },
    onDragCancel: ({ active }) => `${title(active.id)} not moved.`,
  };

  function onDragEnd({ active, over }: DragEndEvent) {
    const drop = dropOf(groups, active.id, over?.id, atStart, atEnd);
    const task = byId.get(Number(active.id));
    if (task && drop?.position) onMove(task, drop.position);
  }

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            "Press space to pick the task up, the up and down arrow keys to move it, space to drop it, escape to cancel.",
        },
      }}
    >
      {children}
    </DndContext>
  );
}

/** The task ids a group's rows sort among (inside `SortableTasks`). */
export function SortableGroup({ group, children }: { group: ReorderGroup; children: ReactNode }) {
  return (
    <SortableContext items={group.tasks.map((t) => t.id)} strategy={verticalListSortingStrategy}>
      {children}
    </SortableContext>
  );
}

/** A top-level row with its drag handle. */
export function SortableTaskRow(props: TaskRowProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: props.task.id,
  });
  return (
    <TaskRow
      {...props}
      sortable={{
        ref: setNodeRef,
        style: { transform: transform ? `translate3d(0, ${transform.y}px, 0)` : undefined, transition },
        dragging: isDragging,
        handle: (
          <button
            type="button"
            ref={setActivatorNodeRef}
            className="drag-handle"
            aria-label={`Move “${props.task.title}”`}
            {...attributes}
            {...listeners}
          >
            <span aria-hidden="true">⠿</span>
          </button>
        ),
      }}
    />
  );
}
