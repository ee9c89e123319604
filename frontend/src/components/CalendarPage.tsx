// The calendar (SPEC §13): a month or a week of the user's tasks by their due dates (and start
// dates), in their time zone, drawn by FullCalendar. Drag a task to another day (month) or time
// (week) to reschedule it; clicking (or Enter on) a task opens its panel, whose date field is
// the keyboard path. A chunk of its own: FullCalendar loads only when the calendar is opened.
import type { EventClickArg, EventDropArg } from "@fullcalendar/core";
import enGb from "@fullcalendar/core/locales/en-gb";
import dayGridPlugin from "@fullcalendar/daygrid";
import interactionPlugin from "@fullcalendar/interaction";
import FullCalendar from "@fullcalendar/react";
import timeGridPlugin from "@fullcalendar/timegrid";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { useProjects } from "../api/projects";
import { CALENDAR_PAGES, useCalendarTasks, useUpdateTask } from "../api/tasks";
import type { Id, Task } from "../api/types";
import { useZone } from "../auth/useZone";
import {
  FIRST_DAY,
  dropChange,
  dropTarget,
  stepDate,
  taskEvents,
  viewTitle,
  visibleDays,
  wallNow,
  type CalendarSearch,
  type CalendarView,
} from "../lib/calendar";
import { useShortcuts } from "../lib/shortcuts";
import { useToday } from "../lib/useToday";
import { endOfDayInstant, startOfDayInstant } from "../lib/zoned";
import { AnyTaskDetail } from "./MyTasksPage";
import "./CalendarPage.css";
import "./ProjectPage.css";

const FC_VIEW: Record<CalendarView, string> = { month: "dayGridMonth", week: "timeGridWeek" };
const PLUGINS = [dayGridPlugin, timeGridPlugin, interactionPlugin];
const WEEK_HEIGHT = 720;
const HOURS = { hour: "2-digit", minute: "2-digit", hour12: false } as const;

export function CalendarPage() {
  const navigate = useNavigate();
  const search = useSearch({ from: "/app/calendar" }) as CalendarSearch;
  const zone = useZone();
  const today = useToday(zone);
  const view = search.view ?? "month";
  const date = search.date ?? today;
  const openTaskId = search.task;
  const projects = useProjects();
  const update = useUpdateTask();
  const calendar = useRef<FullCalendar>(null);

  const { first, last } = visibleDays(view, date);
  const from = startOfDayInstant(first, zone).toISOString();
  const to = endOfDayInstant(last, zone).toISOString();
  const tasks = useCalendarTasks(from, to);

  const roles = useMemo(() => new Map((projects.data ?? []).map((p) => [p.id, p.role] as const)), [projects.data]);
  const byId = useMemo(() => new Map((tasks.data?.items ?? []).map((t) => [t.id, t] as const)), [tasks.data]);
  const events = useMemo(
    () =>
      [...byId.values()].flatMap((task) => {
        const role = roles.get(task.project_id);
        return taskEvents(task, zone, role !== undefined && role !== "viewer");
      }),
    [byId, roles, zone],
  );

  // Stable, so a re-render (a toast, a fetch) does not make the calendar redraw itself.
  const now = useCallback(() => wallNow(zone), [zone]);

  // The address is the truth: a link, Back or the buttons below move the calendar.
  useEffect(() => {
    calendar.current?.getApi().changeView(FC_VIEW[view], date);
  }, [view, date]);

  const go = (next: CalendarSearch) =>
    void navigate({ to: "/calendar", search: (prev: CalendarSearch) => ({ ...prev, ...next }) });
  const openTask = (task: Id | undefined) => go({ task });
  useShortcuts({ Escape: () => openTaskId && openTask(undefined) });

  const onDrop = (info: EventDropArg) => {
    const task: Task | undefined = byId.get(info.event.extendedProps.taskId as number);
    if (!task || !info.event.start || info.event.extendedProps.kind !== "due") {
      info.revert();
      return;
    }
    const changes = dropChange(task, dropTarget(info.event.start, info.event.allDay), zone);
    // If-Match: someone else's change since we read the task is a 412 (rolled back, said so).
    update.mutate({ task, changes, guard: true });
  };
  const onClick = (info: EventClickArg) => {
    info.jsEvent.preventDefault();
    openTask(info.event.extendedProps.taskId as number);
  };

  const cut = (tasks.data?.total ?? 0) > (tasks.data?.items.length ?? 0);
  return (
    <div className={`project-page${openTaskId ? " with-detail" : ""}`}>
      <section className="project-content calendar-page" aria-labelledby="calendar-title">
        <header className="project-header">
          <h1 id="calendar-title">Calendar</h1>
          <span className="muted small">
            Drag a task to reschedule it; from the keyboard, open it (Enter) and change its due date · times in {zone}
          </span>
        </header>
        <div className="calendar-toolbar">
          <div className="calendar-nav">
            <button type="button" className="button" onClick={() => go({ date: stepDate(view, date, -1) })}>
              <span aria-hidden="true">‹</span> Previous
            </button>
            <button type="button" className="button" onClick={() => go({ date: today })}>
              Today
            </button>
            <button type="button" className="button" onClick={() => go({ date: stepDate(view, date, 1) })}>
              Next <span aria-hidden="true">›</span>
            </button>
          </div>
          <h2 className="calendar-title" aria-live="polite">
            {viewTitle(view, date)}
          </h2>
          <div className="calendar-views" role="group" aria-label="Calendar view">
            {(["month", "week"] as const).map((v) => (
              <button
                key={v}
                type="button"
                className="button"
                aria-pressed={view === v}
                onClick={() => go({ view: v })}
              >
                {v === "month" ? "Month" : "Week"}
              </button>
            ))}
          </div>
        </div>
        {tasks.isError && (
          <p role="alert">
            Couldn't load the tasks.{" "}
            <button type="button" className="link-button" onClick={() => void tasks.refetch()}>
              Try again
            </button>
          </p>
        )}
        {tasks.isPending && (
          <p className="muted" role="status">
            Loading tasks…
          </p>
        )}
        <div className="calendar-frame" aria-busy={tasks.isFetching}>
          <FullCalendar
            ref={calendar}
            plugins={PLUGINS}
            initialView={FC_VIEW[view]}
            initialDate={date}
            // Times arrive as the user's wall clock (lib/calendar.ts), so the calendar stays in UTC.
            timeZone="UTC"
            now={now}
            locale={enGb}
            firstDay={FIRST_DAY}
            headerToolbar={false}
            // The month as tall as its weeks; the week's 24 hours scroll, opening at 08:00.
            height={view === "week" ? WEEK_HEIGHT : "auto"}
            fixedWeekCount
            dayMaxEvents={4}
            nowIndicator
            scrollTime="08:00:00"
            eventTimeFormat={HOURS}
            // A due time is a moment: "14:00 Team call", not "14:00 - 14:30".
            displayEventEnd={false}
            slotLabelFormat={HOURS}
            events={events}
            eventStartEditable
            eventDurationEditable={false}
            eventInteractive
            eventDrop={onDrop}
            eventClick={onClick}
            // A day cell is named by its date but holds its tasks too (axe: label-content-name-
            // mismatch); named by its content, it still reads the date first.
            dayCellDidMount={(arg) => arg.el.removeAttribute("aria-labelledby")}
          />
        </div>
        {cut && (
          <p className="muted small count-line">
            Showing the first {CALENDAR_PAGES * 100} tasks due (and starting) in this range.
          </p>
        )}
      </section>
      {openTaskId && (
        <AnyTaskDetail key={openTaskId} taskId={openTaskId} onClose={() => openTask(undefined)} onOpenTask={openTask} />
      )}
    </div>
  );
}
