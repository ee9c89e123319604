// Rescheduling by day or time, and the calendar's pure mapping (SPEC §13): its URL state, the
// days a month or week shows, a task as calendar events and a drop as the change to PATCH.
// The calendar component is told every time in "wall-clock as UTC": it runs with
// `timeZone: "UTC"`, and each instant is first turned into the user's local day and time
// (lib/zoned.ts), so what it draws is the user's zone, not the browser's; a drop is turned
// back into a UTC instant the same way. No calendar code is imported here.
import type { Task, TaskUpdate } from "../api/types";
import {
  addDays,
  dayKey,
  daysBetween,
  endOfDayInstant,
  isDayKey,
  moveToDay,
  timeKey,
  zonedInstant,
  type DayKey,
} from "./zoned";

// ---- rescheduling ------------------------------------------------------------

/** A due date without a time of its own: all-day, or an old date-only one (23:59 local). */
export function isDateOnly(task: Pick<Task, "due_at" | "due_all_day">, zone: string): boolean {
  return !!task.due_at && (task.due_all_day || timeKey(task.due_at, zone) === "23:59");
}

/** The change that moves a task to `day`, keeping its time of day (and its start the same
 * number of days before). */
export function rescheduleChange(task: Task, day: DayKey, zone: string): TaskUpdate {
  if (!task.due_at) return { due_at: endOfDayInstant(day, zone).toISOString(), due_all_day: true };
  const change: TaskUpdate = {
    due_at: isDateOnly(task, zone) ? endOfDayInstant(day, zone).toISOString() : moveToDay(task.due_at, day, zone),
  };
  if (task.start_at) {
    const shift = daysBetween(dayKey(task.due_at, zone), day);
    change.start_at = moveToDay(task.start_at, addDays(dayKey(task.start_at, zone), shift), zone);
  }
  return change;
}

/** Where a task was dropped: a local day, and a local `HH:MM[:SS]` when it was a time slot
 * (the week's grid, or a timed task moved by days in the month); null for a whole day. */
export type DropTarget = { day: DayKey; time: string | null };

/**
 * The PATCH for a task dropped on the calendar. A whole-day target keeps an all-day task
 * all-day (a timed one dropped on the week's all-day row becomes all-day); a time slot sets
 * that wall-clock time in the user's zone (a time a DST change skips lands just after it).
 * The start moves by the same number of days, and never ends up after the due date.
 */
export function dropChange(task: Task, target: DropTarget, zone: string): TaskUpdate {
  if (target.time === null) {
    if (!task.due_at || isDateOnly(task, zone)) return rescheduleChange(task, target.day, zone);
    return {
      ...rescheduleChange(task, target.day, zone),
      due_at: endOfDayInstant(target.day, zone).toISOString(),
      due_all_day: true,
    };
  }
  const due = zonedInstant(target.day, target.time, zone);
  const change: TaskUpdate = { due_at: due.toISOString(), due_all_day: false };
  if (task.start_at && task.due_at) {
    const shift = daysBetween(dayKey(task.due_at, zone), target.day);
    const start = moveToDay(task.start_at, addDays(dayKey(task.start_at, zone), shift), zone);
    change.start_at = new Date(start).getTime() > due.getTime() ? due.toISOString() : start;
  }
  return change;
}

// ---- the calendar's URL state and range ----------------------------------------

export type CalendarView = "month" | "week";
export type CalendarSearch = { view?: CalendarView; date?: DayKey; task?: number };

/** `?view=month|week&date=YYYY-MM-DD&task=` typed; anything else dropped (month, today). */
export function calendarSearchValidator(raw: Record<string, unknown>): CalendarSearch {
  const out: CalendarSearch = {};
  if (raw.view === "week" || raw.view === "month") out.view = raw.view;
  const date = typeof raw.date === "string" ? raw.date : undefined;
  if (date && isDayKey(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    const [y, m, d] = date.split("-").map(Number);
    const real = new Date(Date.UTC(y, m - 1, d));
    if (real.getUTCMonth() === m - 1 && real.getUTCDate() === d) out.date = date;
  }
  const task = typeof raw.task === "number" ? raw.task : typeof raw.task === "string" ? Number(raw.task) : NaN;
  if (Number.isInteger(task) && task > 0) out.task = task;
  return out;
}

/** Weeks start on Monday (ISO 8601, as the app's en-GB dates); the app has no setting for it. */
export const FIRST_DAY = 1;

/** 0 = Sunday … 6 = Saturday. */
function weekday(day: DayKey): number {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function startOfWeek(day: DayKey): DayKey {
  return addDays(day, -((weekday(day) - FIRST_DAY + 7) % 7));
}

/** The first and last day a view shows: a week, or the six whole weeks around a month. */
export function visibleDays(view: CalendarView, date: DayKey): { first: DayKey; last: DayKey } {
  if (view === "week") {
    const first = startOfWeek(date);
    return { first, last: addDays(first, 6) };
  }
  const first = startOfWeek(`${date.slice(0, 7)}-01`);
  return { first, last: addDays(first, 41) };
}

/** The day the previous / next button goes to. */
export function stepDate(view: CalendarView, date: DayKey, step: 1 | -1): DayKey {
  if (view === "week") return addDays(date, 7 * step);
  const [y, m] = date.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1 + step, 1));
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

/** "December 2026" or "30 Nov – 6 Dec 2026". */
export function viewTitle(view: CalendarView, date: DayKey): string {
  const utc = (day: DayKey) => new Date(`${day}T12:00:00Z`);
  if (view === "month") {
    return utc(date).toLocaleDateString("en-GB", { timeZone: "UTC", month: "long", year: "numeric" });
  }
  const { first, last } = visibleDays("week", date);
  const short = (day: DayKey, year: boolean) =>
    utc(day).toLocaleDateString("en-GB", {
      timeZone: "UTC",
      day: "numeric",
      month: "short",
      ...(year ? { year: "numeric" } : {}),
    });
  return `${short(first, first.slice(0, 4) !== last.slice(0, 4))} – ${short(last, true)}`;
}

// ---- tasks as events -----------------------------------------------------------

/** What the calendar component takes (a subset of FullCalendar's EventInput). */
export type TaskEvent = {
  id: string;
  title: string;
  /** Wall-clock in the user's zone, written as UTC for a calendar in `timeZone: "UTC"`. */
  start: string;
  end?: string;
  allDay: boolean;
  editable: boolean;
  classNames: string[];
  extendedProps: { taskId: number; kind: "due" | "start" };
};

/** A timed task is a point in time; it is drawn as half an hour from it. */
const TIMED_MINUTES = 30;

function wallClock(instant: string, zone: string): string {
  const date = new Date(instant);
  const seconds = String(date.getUTCSeconds()).padStart(2, "0");
  return `${dayKey(date, zone)}T${timeKey(date, zone)}:${seconds}`;
}

function plusMinutes(wall: string, minutes: number): string {
  return new Date(Date.parse(`${wall}Z`) + minutes * 60_000).toISOString().slice(0, 19);
}

/**
 * A task's events: its due date (all-day on its local day, or timed at its local time), and,
 * when it has a start on another day, a start marker on that day. Done tasks are marked (a
 * class and a tick); only the due date of a task the user may edit can be dragged.
 */
export function taskEvents(task: Task, zone: string, canEdit: boolean): TaskEvent[] {
  const done = task.status === "done";
  const classes = ["cal-task", done ? "is-done" : "is-open", `priority-${task.priority}`];
  const title = done ? `✓ ${task.title}` : task.title;
  const events: TaskEvent[] = [];
  if (task.due_at) {
    const allDay = isDateOnly(task, zone);
    const start = allDay ? dayKey(task.due_at, zone) : wallClock(task.due_at, zone);
    events.push({
      id: `due-${task.id}`,
      title,
      start,
      ...(allDay ? {} : { end: plusMinutes(start, TIMED_MINUTES) }),
      allDay,
      editable: canEdit,
      classNames: classes,
      extendedProps: { taskId: task.id, kind: "due" },
    });
  }
  if (task.start_at && (!task.due_at || dayKey(task.start_at, zone) !== dayKey(task.due_at, zone))) {
    events.push({
      id: `start-${task.id}`,
      title: `Starts: ${task.title}`,
      start: dayKey(task.start_at, zone),
      allDay: true,
      editable: false,
      classNames: [...classes, "cal-start"],
      extendedProps: { taskId: task.id, kind: "start" },
    });
  }
  return events;
}

/** Where a drop landed, from the event's new start (wall-clock as UTC) and whether it is all-day. */
export function dropTarget(start: Date, allDay: boolean): DropTarget {
  const iso = start.toISOString();
  return { day: iso.slice(0, 10), time: allDay ? null : iso.slice(11, 19) };
}

/** The user's "now" as the calendar (in `timeZone: "UTC"`) must see it. */
export function wallNow(zone: string, now: Date = new Date()): string {
  return wallClock(now.toISOString(), zone);
}
