// The list view: loading and empty states, the rows, and paging through large projects.
import type { UseQueryResult } from "@tanstack/react-query";
import { Suspense, useLayoutEffect, useRef, type ReactNode } from "react";
import type { Id, Page, Section, Task } from "../api/types";
import type { Nested } from "../lib/nest";
import type { Group } from "../lib/sections";
import { reorderGroup, SortableGroup, SortableTaskRow, SortableTasks, type Reorder } from "./ReorderableRows";
import { TaskRow } from "./TaskRow";
import "./TaskList.css";

type Props = {
  query: UseQueryResult<Page<Task>>;
  /** The page's tasks, subtasks placed under their parents. */
  rows: Nested<Task>[];
  selected: number;
  openTaskId?: Id;
  canEdit: boolean;
  /** Per task, when tasks come from several projects with different roles. */
  canEditTask?: (task: Task) => boolean;
  filtered: boolean;
  /** What to say when there is nothing at all (no filters). */
  emptyHint?: string;
  onToggle: (task: Task) => void;
  onOpen: (task: Task) => void;
  onFocusRow: (index: number) => void;
  offset: number;
  pageSize: number;
  onOffset: (offset: number) => void;
  /** The rows by section (in the same order as `rows`), each under its heading. */
  groups?: Group<Section, Nested<Task>>[];
  heading?: (group: Group<Section, Nested<Task>>, headingId: string) => ReactNode;
  /** Below the rows (e.g. "Add section"), shown even when there are none. */
  footer?: ReactNode;
  /** Drag to reorder (a list sorted by position, editors). */
  reorder?: Reorder;
};

export function TaskList({
  query,
  rows,
  selected,
  openTaskId,
  canEdit,
  canEditTask,
  filtered,
  emptyHint,
  onToggle,
  onOpen,
  onFocusRow,
  offset,
  pageSize,
  onOffset,
  groups,
  heading,
  footer,
  reorder,
}: Props) {
  const listRef = useRef<HTMLDivElement>(null);
  const focusedRow = useRef<{ index: number; taskId: Id } | null>(null);
  // A focused row that leaves the list (completed with `x` or its checkbox while only open
  // tasks show, deleted, moved) hands the focus to the row that takes its place, instead of
  // dropping it to the page.
  useLayoutEffect(() => {
    const was = focusedRow.current;
    if (!was || rows.some((r) => r.task.id === was.taskId)) return;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    const index = Math.min(was.index, rows.length - 1);
    focusedRow.current = null;
    if (index < 0) return;
    listRef.current?.querySelector<HTMLButtonElement>(`[data-task-index="${index}"] .task-title`)?.focus();
  }, [rows]);

  if (query.isPending) {
    return (
      <div className="list-state" role="status">
        <span className="spinner" aria-hidden="true" /> Loading tasks…
      </div>
    );
  }
  if (query.isError) {
    return (
      <div className="list-state" role="alert">
        Couldn't load tasks: {query.error.message}{" "}
        <button type="button" className="link-button" onClick={() => void query.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  const { total } = query.data;
  if (rows.length === 0 && !groups?.length) {
    return (
      <>
        <div className="list-state empty">
          {filtered ? (
            <p>No tasks match these filters.</p>
          ) : (
            <>
              <p className="empty-title">All clear.</p>
              <p className="muted">
                {emptyHint ?? (
                  <>
                    Add a task above — press <kbd>q</kbd> from anywhere.
                  </>
                )}
              </p>
            </>
          )}
        </div>
        {footer}
      </>
    );
  }
  function renderRow({ task, depth }: Nested<Task>, index: number, sortable: boolean) {
    const Row = sortable && depth === 0 ? SortableTaskRow : TaskRow;
    return (
      <Row
        key={task.id}
        task={task}
        depth={depth}
        index={index}
        selected={index === selected}
        open={task.id === openTaskId}
        canEdit={canEditTask ? canEditTask(task) : canEdit}
        onToggle={onToggle}
        onOpen={onOpen}
        onFocus={onFocusRow}
      />
    );
  }
  // The rows, and with `sortable` each group's rows among themselves (SortableTasks.tsx).
  const list = (key: string, items: Nested<Task>[], first: number, sortable: boolean) => {
    const rendered = items.map((row, i) => renderRow(row, first + i, sortable));
    return sortable ? <SortableGroup group={reorderGroup(key, items)}>{rendered}</SortableGroup> : rendered;
  };
  const body = (sortable: boolean) => (
    <div
      ref={listRef}
      onFocus={(event) => {
        const row = (event.target as HTMLElement).closest<HTMLElement>("[data-task-index]");
        if (row) focusedRow.current = { index: Number(row.dataset.taskIndex), taskId: Number(row.dataset.taskId) };
      }}
    >
      {groups ? (
        groups.map((group) => {
          const first = rows.indexOf(group.items[0]);
          const headingId = `section-${group.key}`;
          return (
            <section key={group.key} className="list-section" aria-labelledby={headingId} data-section={group.key}>
              {heading?.(group, headingId)}
              <ul
                className={`task-list${query.isPlaceholderData ? " stale" : ""}`}
                aria-labelledby={headingId}
                aria-busy={query.isFetching}
              >
                {list(String(group.key), group.items, first, sortable)}
              </ul>
            </section>
          );
        })
      ) : (
        <ul
          className={`task-list${query.isPlaceholderData ? " stale" : ""}`}
          aria-label="Tasks"
          aria-busy={query.isFetching}
        >
          {list("all", rows, 0, sortable)}
        </ul>
      )}
    </div>
  );
  const from = offset + 1;
  const to = offset + rows.length;
  return (
    <>
      {reorder ? (
        <Suspense fallback={body(false)}>
          <SortableTasks
            groups={groups ? groups.map((g) => reorderGroup(String(g.key), g.items)) : [reorderGroup("all", rows)]}
            atStart={reorder.atStart}
            atEnd={reorder.atEnd}
            onMove={reorder.onMove}
          >
            {body(true)}
          </SortableTasks>
        </Suspense>
      ) : (
        body(false)
      )}
      {footer}
      {total > pageSize || offset > 0 ? (
        <nav className="pager" aria-label="Pages">
          <button
            type="button"
            className="button small"
            disabled={offset === 0}
            onClick={() => onOffset(Math.max(0, offset - pageSize))}
          >
            ← Previous
          </button>
          <span>
            {from}–{to} of {total}
          </span>
          <button
            type="button"
            className="button small"
            disabled={to >= total}
            onClick={() => onOffset(offset + pageSize)}
          >
            Next →
          </button>
        </nav>
      ) : (
        <p className="muted count-line">
          {total} {total === 1 ? "task" : "tasks"}
        </p>
      )}
    </>
  );
}
