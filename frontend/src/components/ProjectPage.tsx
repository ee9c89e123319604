// A project's tasks, as a list or a board, with the detail panel for the open task.
import { useNavigate, useSearch } from "@tanstack/react-router";
import { Suspense, lazy, useCallback, useMemo, useRef, useState } from "react";
import { useLabels } from "../api/labels";
import { useMembers, useProject, useProjects } from "../api/projects";
import { useSections } from "../api/sections";
import { useTasks, useUpdateTask } from "../api/tasks";
import type { TaskFilters as QueryFilters } from "../api/queryKeys";
import { parseId, roleAtLeast, type Id, type Task } from "../api/types";
import { dueRange } from "../lib/dates";
import { useShortcuts } from "../lib/shortcuts";
import { nestSubtasks } from "../lib/nest";
import { compareKeys } from "../lib/position";
import { Board, boardOrder } from "./Board";
import { FilterBox } from "./FilterBox";
import { AddSection, SectionHeading } from "./SectionControls";
import { quoteName, type Names } from "../lib/filterQuery";
import { groupRows, sectionColumns } from "../lib/sections";
import { QuickAdd } from "./QuickAdd";
import { TaskDetail } from "./task/TaskDetail";
import { filtersFromSearch, searchFromFilters } from "../lib/taskSearch";
import { TaskFilters, isFiltered, mayHideNewTask, statusesFor, type FilterState } from "./TaskFilters";
import { TaskList } from "./TaskList";
import { useTaskActions } from "./TaskActions";
import { SelectionContext } from "./TaskSelection";
import { MemberNames } from "./TaskMeta";
import { ProjectTabs } from "./ProjectTabs";
import "./ProjectPage.css";
import { ProjectNotFound } from "./ProjectNotFound";

// The board by section drags with dnd-kit: a chunk of its own, loaded when first shown.
const SectionBoard = lazy(() => import("./SectionBoard"));

export const PAGE_SIZE = 50;

export function toQueryFilters(projectId: Id, f: FilterState, view: "list" | "board"): QueryFilters {
  return {
    projectId,
    search: f.search,
    q: f.q,
    status: view === "list" ? statusesFor(f.status) : undefined,
    priority: f.priority === "" ? undefined : Number(f.priority),
    labelId: parseId(f.labelId),
    assigneeId: f.assigneeId || undefined,
    ...dueRange(f.due),
    sort: view === "board" ? "position" : f.sort,
  };
}

export function ProjectPage({ projectId, view }: { projectId: Id; view: "list" | "board" }) {
  const navigate = useNavigate();
  // List and board share their URL state: `?task=` and the filters (typed in routes.tsx).
  const urlSearch = useSearch({
    from: view === "list" ? "/app/projects/$projectId/" : "/app/projects/$projectId/board",
  });
  const project = useProject(projectId);
  const labels = useLabels(projectId);
  const members = useMembers(projectId);
  const sections = useSections(projectId);
  const projects = useProjects();
  const update = useUpdateTask();
  const filters = useMemo(() => filtersFromSearch(urlSearch, "position"), [urlSearch]);
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState(0);
  const quickAddRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const openTaskId = urlSearch.task;
  const queryFilters = toQueryFilters(projectId, filters, view);
  const tasks = useTasks(
    view === "list" ? { ...queryFilters, limit: PAGE_SIZE, offset } : { ...queryFilters, limit: 100, offset: 0 },
    !!project.data,
  );
  const bySection = view === "board" && urlSearch.group === "section";
  // By position, the page is kept in key order here too, so a reordered row (changed in the
  // cache at once, before the server answers) moves at once. A stable sort: ties keep the
  // server's order (id).
  const byPosition = view === "list" && filters.sort === "position";
  const listed = useMemo(() => {
    const items = tasks.data?.items ?? [];
    return byPosition ? [...items].sort((a, b) => compareKeys(a.position, b.position)) : items;
  }, [tasks.data, byPosition]);
  // The list groups its rows by section when the project has any.
  const groups = useMemo(() => {
    const nested = nestSubtasks(listed);
    return sections.data?.length ? groupRows(nested, sections.data) : undefined;
  }, [listed, sections.data]);
  const rows = useMemo(() => (groups ? groups.flatMap((g) => g.items) : nestSubtasks(listed)), [groups, listed]);
  // The order j/k and x follow: the rows as shown, or the board column by column.
  const items = useMemo(
    () =>
      view === "list"
        ? rows.map((r) => r.task)
        : bySection
          ? sectionColumns(tasks.data?.items ?? [], sections.data ?? []).flatMap((c) => c.items)
          : boardOrder(tasks.data?.items ?? []),
    [view, rows, tasks.data, bySection, sections.data],
  );
  const names: Names = useMemo(
    () => ({
      projects: (projects.data ?? []).map((p) => p.name),
      labels: (labels.data ?? []).map((l) => l.name),
      people: (members.data ?? []).map((m) => m.user.username),
      sections: (sections.data ?? []).map((s) => s.name),
    }),
    [projects.data, labels.data, members.data, sections.data],
  );
  const canEdit = roleAtLeast(project.data?.role, "editor");
  const memberNames = useMemo(
    () => new Map((members.data ?? []).map((m) => [m.user.id, m.user.username] as const)),
    [members.data],
  );

  const openTaskById = (task: Id | undefined) => void navigate({ to: ".", search: (prev) => ({ ...prev, task }) });
  const openTask = (task: Task | undefined) => openTaskById(task?.id);
  const setFilters = useCallback(
    (next: FilterState) => {
      setOffset(0);
      // Filter changes replace the history entry: Back leaves the page, not the last keystroke.
      void navigate({
        to: ".",
        search: (prev) => searchFromFilters(next, "position", prev.task, prev.group),
        replace: true,
      });
    },
    [navigate],
  );
  const setQ = useCallback((q: string) => setFilters({ ...filters, q }), [filters, setFilters]);
  const setGroup = (group: "section" | undefined) =>
    void navigate({ to: ".", search: (prev) => ({ ...prev, group }), replace: true });
  // Closing the panel puts the keyboard focus back on the task it showed.
  const closeTask = () => {
    const id = openTaskId;
    openTask(undefined);
    requestAnimationFrame(() =>
      document
        .querySelector<HTMLButtonElement>(`[data-task-id="${id}"] .task-title, [data-task-id="${id}"] .card-title`)
        ?.focus(),
    );
  };
  const toggle = (task: Task) => update.mutate({ task, changes: { status: task.status === "done" ? "todo" : "done" } });

  function focusRow(index: number) {
    const clamped = Math.max(0, Math.min(items.length - 1, index));
    setSelected(clamped);
    document
      .querySelector<HTMLButtonElement>(
        `[data-task-index="${clamped}"] .task-title, [data-card-index="${clamped}"] .card-title`,
      )
      ?.focus();
  }

  const actions = useTaskActions({
    items,
    focused: items[selected],
    canEditTask: () => canEdit,
    selectable: view === "list",
  });

  useShortcuts({
    ...actions.shortcuts,
    q: () => quickAddRef.current?.focus(),
    "/": () => searchRef.current?.focus(),
    j: () => focusRow(selected + 1),
    k: () => focusRow(selected - 1),
    x: () => {
      if (actions.completeSelected()) return;
      const task = items[selected];
      if (task && canEdit) toggle(task);
    },
    b: () =>
      void navigate({
        to: view === "list" ? "/projects/$projectId/board" : "/projects/$projectId",
        params: { projectId: String(projectId) },
        search: (prev) => prev,
      }),
    Escape: () => actions.clearSelection() || (openTaskId && closeTask()),
  });

  if (project.isError) {
    return <ProjectNotFound />;
  }
  const p = project.data;
  const name = p ? (p.is_inbox ? "Inbox" : p.name) : "…";

  return (
    <MemberNames.Provider value={memberNames}>
      <div className={`project-page${openTaskId ? " with-detail" : ""}`}>
        <section className="project-content" aria-labelledby="project-title">
          <header className="project-header">
            <h1 id="project-title">
              {p && <span className="dot big" style={{ background: p.color ?? "var(--muted)" }} aria-hidden="true" />}
              {name}
              {p?.archived && <span className="badge">Archived</span>}
            </h1>
            <ProjectTabs projectId={projectId} />
          </header>
          {p?.description && <p className="muted project-description">{p.description}</p>}
          <FilterBox
            value={filters.q}
            onChange={setQ}
            names={names}
            scope={p && !/"/.test(p.name) ? `#${quoteName(p.name)}` : undefined}
          />
          <TaskFilters
            value={filters}
            onChange={setFilters}
            labels={labels.data ?? []}
            members={members.data ?? []}
            searchRef={searchRef}
            showStatus={view === "list"}
          />
          <QuickAdd
            projectId={projectId}
            inputRef={quickAddRef}
            disabled={!!p && !canEdit}
            filtered={mayHideNewTask(filters)}
          />
          {view === "list" ? (
            <SelectionContext.Provider value={actions.selection}>
              {actions.ui}
            <TaskList
              query={tasks}
              rows={rows}
              selected={selected}
              openTaskId={openTaskId}
              canEdit={canEdit}
              filtered={isFiltered(filters)}
              onToggle={toggle}
              onOpen={openTask}
              onFocusRow={setSelected}
              offset={offset}
              pageSize={PAGE_SIZE}
              onOffset={setOffset}
              groups={groups}
              heading={(group, headingId) => (
                <SectionHeading
                  projectId={projectId}
                  section={group.section}
                  count={group.items.length}
                  canEdit={canEdit}
                  headingId={headingId}
                />
              )}
              footer={canEdit ? <AddSection projectId={projectId} /> : undefined}
              reorder={
                byPosition && canEdit && tasks.data
                  ? {
                      onMove: (task, position) => update.mutate({ task, changes: { position }, guard: true }),
                      atStart: offset === 0,
                      atEnd: offset + tasks.data.items.length >= tasks.data.total,
                    }
                  : undefined
              }
            />
            </SelectionContext.Provider>
          ) : (
            <>
              {actions.ui}
              <div className="board-group" role="group" aria-label="Columns">
                <button
                  type="button"
                  className="button small"
                  aria-pressed={!bySection}
                  onClick={() => setGroup(undefined)}
                >
                  By status
                </button>
                <button
                  type="button"
                  className="button small"
                  aria-pressed={bySection}
                  onClick={() => setGroup("section")}
                >
                  By section
                </button>
              </div>
              {bySection ? (
                <Suspense
                  fallback={
                    <div className="list-state" role="status">
                      <span className="spinner" aria-hidden="true" /> Loading board…
                    </div>
                  }
                >
                  <SectionBoard
                    projectId={projectId}
                    query={tasks}
                    sections={sections.data ?? []}
                    canEdit={canEdit}
                    openTaskId={openTaskId}
                    onOpen={openTask}
                    onFocusCard={setSelected}
                  />
                </Suspense>
              ) : (
                <Board
                  query={tasks}
                  canEdit={canEdit}
                  openTaskId={openTaskId}
                  onOpen={openTask}
                  onFocusCard={setSelected}
                />
              )}
            </>
          )}
        </section>
        {openTaskId && (
          <TaskDetail
            key={openTaskId}
            taskId={openTaskId}
            project={p}
            labels={labels.data ?? []}
            members={members.data ?? []}
            onClose={closeTask}
            onOpenTask={openTaskById}
          />
        )}
      </div>
    </MemberNames.Provider>
  );
}
