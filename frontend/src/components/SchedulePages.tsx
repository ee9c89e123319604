// Today (overdue + today) and Upcoming (the next 14 days, grouped by day): the open tasks
// of every project the user sees, by their local days (SPEC §6, §13). Drag a task onto
// another day to reschedule it; completing a recurring task moves it to its next date.
// Multi-select, the selection bar and the task shortcuts are the lists' (TaskActions.tsx).
import { useMemo, useState } from "react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useProjects } from "../api/projects";
import { useTasks, useUpdateTask } from "../api/tasks";
import type { Id, Task } from "../api/types";
import { useZone } from "../auth/useZone";
import { useShortcuts } from "../lib/shortcuts";
import { rescheduleChange } from "../lib/calendar";
import { useToday } from "../lib/useToday";
import { addDays, dayKey, dayTitle, endOfDayInstant, startOfDayInstant } from "../lib/zoned";
import { DayPlanner, type DayGroup } from "./DayPlanner";
import { AnyTaskDetail } from "./MyTasksPage";
import { useTaskActions } from "./TaskActions";
import { SelectionContext } from "./TaskSelection";
import "./ProjectPage.css";

/** Days the Upcoming view shows, today included. */
export const UPCOMING_DAYS = 14;
const LIMIT = 100;
const OPEN: Task["status"][] = ["todo", "in_progress"];

function SchedulePage({ view }: { view: "today" | "upcoming" }) {
  const navigate = useNavigate();
  const search = useSearch({ strict: false }) as { task?: Id };
  const openTaskId = search.task;
  const zone = useZone();
  const today = useToday(zone);
  const projects = useProjects();
  const update = useUpdateTask();
  const last = view === "today" ? today : addDays(today, UPCOMING_DAYS - 1);
  const overdue = useTasks({
    status: OPEN,
    dueBefore: new Date(startOfDayInstant(today, zone).getTime() - 1).toISOString(),
    sort: "due_at",
    limit: LIMIT,
  });
  const coming = useTasks({
    status: OPEN,
    dueAfter: startOfDayInstant(today, zone).toISOString(),
    dueBefore: endOfDayInstant(last, zone).toISOString(),
    sort: "due_at",
    limit: LIMIT,
  });

  const roles = new Map((projects.data ?? []).map((p) => [p.id, p.role] as const));
  const canEditTask = (task: Task) => {
    const role = roles.get(task.project_id);
    return role !== undefined && role !== "viewer";
  };
  const openTask = (task: Id | undefined) => void navigate({ to: ".", search: { task } });

  // Memoised: the selection keeps its rows by the identity of `items` (TaskSelection.tsx).
  const groups = useMemo(() => {
    const late = (overdue.data?.items ?? []).filter((t) => t.due_at && dayKey(t.due_at, zone) < today);
    const byDay = new Map<string, Task[]>();
    for (const task of coming.data?.items ?? []) {
      if (!task.due_at) continue;
      const day = dayKey(task.due_at, zone);
      if (day < today || day > last) continue;
      byDay.set(day, [...(byDay.get(day) ?? []), task]);
    }
    const result: DayGroup[] = [];
    if (late.length > 0) result.push({ key: "overdue", title: "Overdue", tasks: late, droppable: false });
    for (let day = today; day <= last; day = addDays(day, 1)) {
      result.push({ key: day, title: dayTitle(day, today), tasks: byDay.get(day) ?? [], droppable: true });
    }
    return result;
  }, [overdue.data, coming.data, zone, today, last]);
  const items = useMemo(() => groups.flatMap((g) => g.tasks), [groups]);
  const [focusedId, setFocusedId] = useState<Id | undefined>(undefined);
  const focused = items.find((t) => t.id === focusedId);
  const actions = useTaskActions({ items, focused, canEditTask });
  useShortcuts({
    ...actions.shortcuts,
    x: () => void actions.completeSelected(),
    Escape: () => actions.clearSelection() || (openTaskId && openTask(undefined)),
  });
  const truncated = (overdue.data?.total ?? 0) > LIMIT || (coming.data?.total ?? 0) > LIMIT;
  const title = view === "today" ? "Today" : "Upcoming";
  const loading = overdue.isPending || coming.isPending;
  const failed = overdue.isError || coming.isError;

  return (
    <div className={`project-page${openTaskId ? " with-detail" : ""}`}>
      <section className="project-content" aria-labelledby="schedule-title">
        <header className="project-header">
          <h1 id="schedule-title">{title}</h1>
          <span className="muted small">
            {view === "today" ? "Overdue and due today" : `The next ${UPCOMING_DAYS} days`} · times in {zone}
          </span>
        </header>
        {loading && (
          <p className="muted" role="status">
            Loading tasks…
          </p>
        )}
        {failed && (
          <p role="alert">
            Couldn't load the tasks.{" "}
            <button type="button" className="link-button" onClick={() => void coming.refetch()}>
              Try again
            </button>
          </p>
        )}
        {!loading && !failed && (
          <SelectionContext.Provider value={actions.selection}>
            {actions.ui}
            <DayPlanner
              groups={groups}
              openTaskId={openTaskId}
              canEditTask={canEditTask}
              onMove={(task, day) => update.mutate({ task, changes: rescheduleChange(task, day, zone) })}
              onToggle={(task) => update.mutate({ task, changes: { status: task.status === "done" ? "todo" : "done" } })}
              onOpen={(task) => openTask(task.id)}
              onFocusTask={(task) => setFocusedId(task.id)}
            />
          </SelectionContext.Provider>
        )}
        {truncated && <p className="muted small count-line">Showing the first {LIMIT} tasks of each part.</p>}
      </section>
      {openTaskId && (
        <AnyTaskDetail
          key={openTaskId}
          taskId={openTaskId}
          onClose={() => openTask(undefined)}
          onOpenTask={(id) => openTask(id)}
        />
      )}
    </div>
  );
}

export function TodayPage() {
  return <SchedulePage view="today" />;
}

export function UpcomingPage() {
  return <SchedulePage view="upcoming" />;
}
