// The filter page (`/filter?q=…`): the tasks of every project that an expression of the
// filter language selects, sorted as chosen. A saved filter opens here (`&saved=<id>`) with
// its name as the heading; changing the expression offers to update it or save a new one.
import { useQueries } from "@tanstack/react-query";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useCallback, useMemo, useRef, useState } from "react";
import { api, unwrap } from "../api/client";
import { useSavedFilters } from "../api/filters";
import { ALL, useProjects } from "../api/projects";
import { queryKeys, type TaskSort } from "../api/queryKeys";
import { useTasks, useUpdateTask } from "../api/tasks";
import type { Id, Task } from "../api/types";
import type { Names } from "../lib/filterQuery";
import { nestSubtasks } from "../lib/nest";
import { useShortcuts } from "../lib/shortcuts";
import { FilterBox } from "./FilterBox";
import { AnyTaskDetail } from "./MyTasksPage";
import { SORTS } from "./TaskFilters";
import { TaskList } from "./TaskList";
import { useTaskActions } from "./TaskActions";
import { SelectionContext } from "./TaskSelection";
import "./ProjectPage.css";

const PAGE_SIZE = 50;
/** Names for autocompletion come from this many projects at most (one request each). */
const NAME_PROJECTS = 20;

export function FilterPage() {
  const navigate = useNavigate();
  const search = useSearch({ from: "/app/filter" });
  const projects = useProjects();
  const saved = useSavedFilters();
  const update = useUpdateTask();
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState(0);
  const boxRef = useRef<HTMLInputElement>(null);
  const q = search.q ?? "";
  const sort: TaskSort = search.sort ?? "due_at";
  const savedFilter = saved.data?.find((f) => f.id === search.saved);

  const active = (projects.data ?? []).filter((p) => !p.archived).slice(0, NAME_PROJECTS);
  const labelLists = useQueries({
    queries: active.map((p) => ({
      queryKey: queryKeys.labels(p.id),
      queryFn: async () =>
        unwrap(
          await api.GET("/api/v1/projects/{project_id}/labels", {
            params: { path: { project_id: p.id }, query: { limit: ALL } },
          }),
        ).items,
    })),
  });
  const memberLists = useQueries({
    queries: active.map((p) => ({
      queryKey: queryKeys.members(p.id),
      queryFn: async () =>
        unwrap(
          await api.GET("/api/v1/projects/{project_id}/members", {
            params: { path: { project_id: p.id }, query: { limit: ALL } },
          }),
        ).items,
    })),
  });
  const labelNames = labelLists.flatMap((l) => l.data ?? []).map((l) => l.name);
  const people = memberLists.flatMap((m) => m.data ?? []).map((m) => m.user.username);
  const names: Names = {
    projects: (projects.data ?? []).map((p) => p.name),
    labels: [...new Set(labelNames)].sort(),
    people: [...new Set(people)].sort(),
  };

  const tasks = useTasks({ q, sort, limit: PAGE_SIZE, offset }, q.trim() !== "");
  const rows = useMemo(() => nestSubtasks(tasks.data?.items ?? []), [tasks.data]);
  const roles = new Map((projects.data ?? []).map((p) => [p.id, p.role] as const));
  const items = useMemo(() => rows.map((r) => r.task), [rows]);
  const actions = useTaskActions({
    items,
    focused: items[selected],
    canEditTask: (task) => roles.get(task.project_id) !== "viewer",
  });

  const setQ = useCallback(
    (next: string) => {
      setOffset(0);
      void navigate({ to: ".", search: (prev) => ({ ...prev, q: next || undefined }), replace: true });
    },
    [navigate],
  );
  const openTaskById = (task: Id | undefined) => void navigate({ to: ".", search: (prev) => ({ ...prev, task }) });
  const openTask = (task: Task | undefined) => openTaskById(task?.id);
  useShortcuts({
    ...actions.shortcuts,
    x: () => void actions.completeSelected(),
    "/": () => boxRef.current?.focus(),
    Escape: () => actions.clearSelection() || (search.task && openTask(undefined)),
  });

  const title =
    savedFilter && savedFilter.query === q ? savedFilter.name : savedFilter ? `${savedFilter.name} (edited)` : "Filter";
  return (
    <div className={`project-page${search.task ? " with-detail" : ""}`}>
      <section className="project-content" aria-labelledby="filter-title">
        <header className="project-header">
          <h1 id="filter-title">{title}</h1>
        </header>
        <FilterBox value={q} onChange={setQ} names={names} inputRef={boxRef} saved={savedFilter} />
        <div className="filters">
          <div className="filter">
            <label htmlFor="filter-page-sort">Sort</label>
            <select
              id="filter-page-sort"
              value={sort}
              onChange={(e) =>
                void navigate({
                  to: ".",
                  search: (prev) => ({
                    ...prev,
                    sort: e.target.value === "due_at" ? undefined : (e.target.value as TaskSort),
                  }),
                  replace: true,
                })
              }
            >
              {SORTS.map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        </div>
        {q.trim() === "" ? (
          <div className="list-state empty">
            <p className="empty-title">Type a filter above.</p>
            <p className="muted">
              For example <code>today | overdue</code>, <code>#Work &amp; p1</code> or{" "}
              <code>assigned to: me &amp; !status: done</code>. Tasks of every project that match show here.
            </p>
          </div>
        ) : (
          <SelectionContext.Provider value={actions.selection}>
          {actions.ui}
          <TaskList
            query={tasks}
            rows={rows}
            selected={selected}
            openTaskId={search.task}
            canEdit
            canEditTask={(task) => roles.get(task.project_id) !== "viewer"}
            filtered
            onToggle={(task) => update.mutate({ task, changes: { status: task.status === "done" ? "todo" : "done" } })}
            onOpen={openTask}
            onFocusRow={setSelected}
            offset={offset}
            pageSize={PAGE_SIZE}
            onOffset={setOffset}
          />
          </SelectionContext.Provider>
        )}
      </section>
      {search.task && (
        <AnyTaskDetail
          key={search.task}
          taskId={search.task}
          onClose={() => openTask(undefined)}
          onOpenTask={openTaskById}
        />
      )}
    </div>
  );
}
