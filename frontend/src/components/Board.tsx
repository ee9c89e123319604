// The board: a column per status; drag a card (or use its arrows) to move it.
import type { UseQueryResult } from "@tanstack/react-query";
import { useState, type DragEvent } from "react";
import { useUpdateTask } from "../api/tasks";
import { STATUSES, type Page, type Task, type TaskStatus, type Id } from "../api/types";
import { byPosition, positionForDrop } from "../lib/position";
import { TaskMeta } from "./TaskMeta";
import "./Board.css";

type Props = {
  query: UseQueryResult<Page<Task>>;
  canEdit: boolean;
  openTaskId?: Id;
  onOpen: (task: Task) => void;
  onFocusCard: (index: number) => void;
};

type DropTarget = { status: TaskStatus; index: number } | null;

const MIME = "application/x-taskflow-task";

/** Tasks by status, each column in board order. */
export function boardColumns(tasks: Task[]): Map<TaskStatus, Task[]> {
  const columns = new Map<TaskStatus, Task[]>(STATUSES.map((s) => [s.value, []]));
  for (const task of tasks) columns.get(task.status)?.push(task);
  for (const column of columns.values()) column.sort(byPosition);
  return columns;
}

/** The order j/k walk the board in: column by column. */
export function boardOrder(tasks: Task[]): Task[] {
  const columns = boardColumns(tasks);
  return STATUSES.flatMap((s) => columns.get(s.value)!);
}

export function Board({ query, canEdit, openTaskId, onOpen, onFocusCard }: Props) {
  const update = useUpdateTask();
  const [dragging, setDragging] = useState<Id | null>(null);
  const [target, setTarget] = useState<DropTarget>(null);

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
  const columns = boardColumns(tasks);
  const flat = STATUSES.flatMap((s) => columns.get(s.value)!);

  function move(task: Task, status: TaskStatus, index: number) {
    const column = columns.get(status)!.filter((t) => t.id !== task.id);
    const position = positionForDrop(column, index);
    if (task.status === status && task.position === position) return;
    update.mutate({ task, changes: { status, position }, guard: true });
  }

  function indexAt(event: DragEvent<HTMLElement>, status: TaskStatus): number {
    const cards = Array.from(
      (event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>("[data-card-id]"),
    ).filter((el) => el.dataset.cardId !== String(dragging));
    const y = event.clientY;
    const index = cards.findIndex((el) => {
      const rect = el.getBoundingClientRect();
      return y < rect.top + rect.height / 2;
    });
    return index === -1 ? columns.get(status)!.filter((t) => t.id !== dragging).length : index;
  }

  const hidden = query.data.total - tasks.length;
  return (
    <>
      {hidden > 0 && (
        <p className="notice" role="status">
          The board shows the first {tasks.length} of {query.data.total} tasks. Narrow it with search or filters, or use
          the list.
        </p>
      )}
      <div className="board">
        {STATUSES.map((status, columnIndex) => {
          const column = columns.get(status.value)!;
          const shown = column.filter((t) => t.id !== dragging);
          return (
            <section
              key={status.value}
              className={`board-column${target?.status === status.value ? " drop-target" : ""}`}
              aria-labelledby={`col-${status.value}`}
              data-status={status.value}
              onDragOver={(event) => {
                if (!canEdit || !dragging) return;
                event.preventDefault();
                event.dataTransfer.dropEffect = "move";
                const index = indexAt(event, status.value);
                if (target?.status !== status.value || target.index !== index)
                  setTarget({ status: status.value, index });
              }}
              onDragLeave={(event) => {
                if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setTarget(null);
              }}
              onDrop={(event) => {
                event.preventDefault();
                const id = Number(event.dataTransfer.getData(MIME)) || dragging;
                const task = tasks.find((t) => t.id === id);
                if (task) move(task, status.value, indexAt(event, status.value));
                setTarget(null);
                setDragging(null);
              }}
            >
              <h2 id={`col-${status.value}`} className="column-title">
                {status.label} <span className="muted">{column.length}</span>
              </h2>
              <ul className="cards">
                {column.map((task) => {
                  const flatIndex = flat.indexOf(task);
                  const indicatorBefore =
                    target?.status === status.value && shown.indexOf(task) === target.index && task.id !== dragging;
                  return (
                    <li
                      key={task.id}
                      data-card-id={task.id}
                      data-task-id={task.id}
                      data-card-index={flatIndex}
                      className={`card${task.id === dragging ? " dragging" : ""}${task.id === openTaskId ? " open" : ""}${indicatorBefore ? " drop-before" : ""}`}
                      draggable={canEdit}
                      onDragStart={(event) => {
                        event.dataTransfer.setData(MIME, String(task.id));
                        event.dataTransfer.setData("text/plain", task.title);
                        event.dataTransfer.effectAllowed = "move";
                        setDragging(task.id);
                      }}
                      onDragEnd={() => {
                        setDragging(null);
                        setTarget(null);
                      }}
                    >
                      <button
                        type="button"
                        className="card-title"
                        onClick={() => onOpen(task)}
                        onFocus={() => onFocusCard(flatIndex)}
                      >
                        {task.title}
                      </button>
                      <TaskMeta task={task} />
                      {canEdit && (
                        <div className="card-moves">
                          {columnIndex > 0 && (
                            <button
                              type="button"
                              className="icon-button small"
                              aria-label={`Move “${task.title}” to ${STATUSES[columnIndex - 1].label}`}
                              onClick={() =>
                                move(
                                  task,
                                  STATUSES[columnIndex - 1].value,
                                  columns.get(STATUSES[columnIndex - 1].value)!.length,
                                )
                              }
                            >
                              ←
                            </button>
                          )}
                          {columnIndex < STATUSES.length - 1 && (
                            <button
                              type="button"
                              className="icon-button small"
                              aria-label={`Move “${task.title}” to ${STATUSES[columnIndex + 1].label}`}
                              onClick={() =>
                                move(
                                  task,
                                  STATUSES[columnIndex + 1].value,
                                  columns.get(STATUSES[columnIndex + 1].value)!.length,
                                )
                              }
                            >
                              →
                            </button>
                          )}
                        </div>
                      )}
                    </li>
                  );
                })}
                {target?.status === status.value && target.index >= shown.length && (
                  <li className="drop-end" aria-hidden="true" />
                )}
                {column.length === 0 && !target && <li className="column-empty muted">No tasks</li>}
              </ul>
            </section>
          );
        })}
      </div>
    </>
  );
}
