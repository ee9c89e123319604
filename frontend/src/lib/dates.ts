// Due dates: the API speaks ISO 8601 instants; people pick calendar days in their own time zone.

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** `YYYY-MM-DD` of an instant in the local time zone (for `<input type="date">`). */
export function toDateInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A picked day as the instant the API stores: the end of that day, local time, in UTC. */
export function fromDateInput(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const d = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 0);
  return d.toISOString();
}

/** The end of the local day `days` from today, as the API stores a due date. */
export function dueInDays(days: number, now: Date = new Date()): string {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, 23, 59, 59, 0).toISOString();
}

export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

export function endOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate(), 23, 59, 59, 999);
}

function addDays(d: Date, days: number): Date {
  return new Date(
    d.getFullYear(),
    d.getMonth(),
    d.getDate() + days,
    d.getHours(),
    d.getMinutes(),
    d.getSeconds(),
    d.getMilliseconds(),
  );
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole calendar days from today to the due day (negative when past). */
export function daysUntil(iso: string, now: Date = new Date()): number {
  return Math.round((startOfDay(new Date(iso)).getTime() - startOfDay(now).getTime()) / DAY_MS);
}

export type DueLabel = { text: string; tone: "overdue" | "today" | "soon" | "later" };

/** "Today", "Tomorrow", "Yesterday", weekday within a week, else "24 Nov" (with year if not this year). */
export function formatDue(iso: string, now: Date = new Date()): DueLabel {
  const due = new Date(iso);
  const days = daysUntil(iso, now);
  const tone: DueLabel["tone"] = days < 0 ? "overdue" : days === 0 ? "today" : days <= 7 ? "soon" : "later";
  if (days === 0) return { text: "Today", tone };
  if (days === 1) return { text: "Tomorrow", tone };
  if (days === -1) return { text: "Yesterday", tone };
  if (days > 1 && days < 7) {
    return { text: due.toLocaleDateString("en-GB", { weekday: "long" }), tone };
  }
  const sameYear = due.getFullYear() === now.getFullYear();
  const text = due.toLocaleDateString(
    "en-GB",
    sameYear ? { day: "numeric", month: "short" } : { day: "numeric", month: "short", year: "numeric" },
  );
  return { text, tone };
}

export type DueFilter = "" | "overdue" | "today" | "week" | "later";

/** The `due_after`/`due_before` pair (inclusive, ISO) for a due-date filter choice. */
export function dueRange(filter: DueFilter, now: Date = new Date()): { dueAfter?: string; dueBefore?: string } {
  switch (filter) {
    case "overdue":
      return { dueBefore: new Date(now.getTime() - 1).toISOString() };
    case "today":
      return { dueAfter: startOfDay(now).toISOString(), dueBefore: endOfDay(now).toISOString() };
    case "week":
      return { dueAfter: startOfDay(now).toISOString(), dueBefore: endOfDay(addDays(now, 6)).toISOString() };
    case "later":
      return { dueAfter: startOfDay(addDays(now, 7)).toISOString() };
    default:
      return {};
  }
}

/** "3 minutes ago", "2 days ago", for activity and comments. */
export function timeAgo(iso: string, now: Date = new Date()): string {
  const seconds = Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return "just now";
  const units: [number, string][] = [
    [60, "minute"],
    [60 * 60, "hour"],
    [60 * 60 * 24, "day"],
    [60 * 60 * 24 * 30, "month"],
    [60 * 60 * 24 * 365, "year"],
  ];
  let chosen = units[0];
  for (const unit of units) if (seconds >= unit[0] * 0.75) chosen = unit;
  const n = Math.max(1, Math.round(seconds / chosen[0]));
  return `${n} ${chosen[1]}${n === 1 ? "" : "s"} ago`;
}
