// "Assigned to me": the caller's tasks across every project, with search, filters and sort.
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useCallback, useMemo, useRef, useState } from "react";
import { useLabels } from "../api/labels";
import { useMembers, useProject, useProjects } from "../api/projects";
import { useTask, useTasks, useUpdateTask } from "../api/tasks";
import type { Id, Task } from "../api/types";
import { dueRange } from "../lib/dates";
import { nestSubtasks } from "../lib/nest";
import { filtersFromSearch, searchFromFilters } from "../lib/taskSearch";
import { useShortcuts } from "../lib/shortcuts";
import { TaskDetail } from "./task/TaskDetail";
import { FilterBox } from "./FilterBox";
import { TaskFilters, isFiltered, statusesFor, type FilterState } from "./TaskFilters";
import { TaskList } from "./TaskList";
import { useTaskActions } from "./TaskActions";
import { SelectionContext } from "./TaskSelection";
import "./ProjectPage.css";

const PAGE_SIZE = 50;

/** The detail panel for a task of any project: loads that project's labels and members. */
export function AnyTaskDetail({
  taskId,
  onClose,
  onOpenTask,
}: {
  taskId: Id;
  onClose: () => void;
  onOpenTask: (id: Id) => void;
}) {
  const task = useTask(taskId);
  const projectId = task.data?.project_id;
  const project = useProject(projectId);
  const labels = useLabels(projectId);
  const members = useMembers(projectId);
  return (
    <TaskDetail
      taskId={taskId}
      project={project.data}
      labels={labels.data ?? []}
      members={members.data ?? []}
      onClose={onClose}
      onOpenTask={onOpenTask}
    />
  );
}

export function MyTasksPage() {
  const navigate = useNavigate();
  const urlSearch = useSearch({ from: "/app/my-tasks" });
  const projects = useProjects();
  const update = useUpdateTask();
  const filters = useMemo(() => filtersFromSearch(urlSearch, "due_at"), [urlSearch]);
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);
  const openTaskId = urlSearch.task;
  const setFilters = useCallback(
    (next: FilterState) => {
      setOffset(0);
      void navigate({ to: ".", search: (prev) => searchFromFilters(next, "due_at", prev.task), replace: true });
    },
    [navigate],
  );
  const setQ = useCallback((q: string) => setFilters({ ...filters, q }), [filters, setFilters]);
  const names = useMemo(
    () => ({ projects: (projects.data ?? []).map((p) => p.name), labels: [], people: [] }),
    [projects.data],
  );

  const tasks = useTasks({
    assigneeId: "me",
    search: filters.search,
    q: filters.q,
    status: statusesFor(filters.status),
    priority: filters.priority === "" ? undefined : Number(filters.priority),
    ...dueRange(filters.due),
    sort: filters.sort,
    limit: PAGE_SIZE,
    offset,
  });
  const rows = useMemo(() => nestSubtasks(tasks.data?.items ?? []), [tasks.data]);
  const roles = new Map((projects.data ?? []).map((p) => [p.id, p.role] as const));
  const canEditTask = (task: Task) => roles.get(task.project_id) !== "viewer";
  const items = useMemo(() => rows.map((r) => r.task), [rows]);
  const actions = useTaskActions({ items, focused: items[selected], canEditTask });

  const openTaskById = (task: Id | undefined) => void navigate({ to: ".", search: (prev) => ({ ...prev, task }) });
  const openTask = (task: Task | undefined) => openTaskById(task?.id);
  useShortcuts({
    ...actions.shortcuts,
    x: () => void actions.completeSelected(),
    "/": () => searchRef.current?.focus(),
    Escape: () => actions.clearSelection() || (openTaskId && openTask(undefined)),
  });

  return (
    <div className={`project-page${openTaskId ? " with-detail" : ""}`}>
      <section className="project-content" aria-labelledby="my-tasks-title">
        <header className="project-header">
          <h1 id="my-tasks-title">Assigned to me</h1>
        </header>
        <FilterBox value={filters.q} onChange={setQ} names={names} scope="assigned to: me" />
        <TaskFilters
          value={filters}
          onChange={setFilters}
          labels={[]}
          members={[]}
          searchRef={searchRef}
          showStatus
          acrossProjects
        />
        <SelectionContext.Provider value={actions.selection}>
        {actions.ui}
        <TaskList
          query={tasks}
          rows={rows}
          selected={selected}
          openTaskId={openTaskId}
          canEdit
          canEditTask={canEditTask}
          filtered={isFiltered(filters)}
          emptyHint="Tasks assigned to you in any project show up here."
          onToggle={(task) => update.mutate({ task, changes: { status: task.status === "done" ? "todo" : "done" } })}
          onOpen={openTask}
          onFocusRow={setSelected}
          offset={offset}
          pageSize={PAGE_SIZE}
          onOffset={setOffset}
        />
        </SelectionContext.Provider>
      </section>
      {openTaskId && (
        <AnyTaskDetail
          key={openTaskId}
          taskId={openTaskId}
          onClose={() => openTask(undefined)}
          onOpenTask={openTaskById}
        />
      )}
    </div>
  );
}
