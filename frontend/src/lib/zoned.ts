// Calendar days and wall-clock times in the user's time zone (SPEC §6: "today" is the
// user's local day, whatever zone the browser is in). Intl does the zone arithmetic.

/** `YYYY-MM-DD`, a calendar day. */
export type DayKey = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone if the browser knows it, else UTC (an old browser, a zone renamed since). */
export function safeZone(zone: string | null | undefined): string {
  if (!zone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

/** This device's own zone (to offer in the account settings). */
export function deviceZone(): string {
  return safeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

type Wall = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function wall(date: Date, zone: string): Wall {
  const out: Record<string, number> = {};
  for (const part of formatter(safeZone(zone)).formatToParts(date)) {
    if (part.type !== "literal") out[part.type] = Number(part.value);
  }
  return {
    year: out.year,
    month: out.month,
    day: out.day,
    hour: out.hour % 24,
    minute: out.minute,
    second: out.second,
  };
}

/** How far the zone's wall clock is ahead of UTC at `date`, in ms. */
function offsetAt(date: Date, zone: string): number {
  const w = wall(date, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The local day of an instant in `zone`. */
export function dayKey(instant: string | Date, zone: string): DayKey {
  const w = wall(typeof instant === "string" ? new Date(instant) : instant, zone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** The local `HH:MM` of an instant in `zone`. */
export function timeKey(instant: string | Date, zone: string): string {
  const w = wall(typeof instant === "string" ? new Date(instant) : instant, zone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

export function todayKey(zone: string, now: Date = new Date()): DayKey {
  return dayKey(now, zone);
}

function parseDay(day: DayKey): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new Error(`not a day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function isDayKey(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value);
}

export function addDays(day: DayKey, days: number): DayKey {
  const [y, m, d] = parseDay(day);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Whole days from `a` to `b`. */
export function daysBetween(a: DayKey, b: DayKey): number {
  const [y1, m1, d1] = parseDay(a);
  const [y2, m2, d2] = parseDay(b);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}

/** The instant of a wall-clock time on a local day in `zone` (a time skipped by a DST
 * change lands just after it, as a clock would show it). */
export function zonedInstant(day: DayKey, time: string, zone: string): Date {
  const [y, m, d] = parseDay(day);
  const [hh, mm, ss] = time.split(":").map(Number);
  const asUtc = Date.UTC(y, m - 1, d, hh || 0, mm || 0, ss || 0);
  const first = asUtc - offsetAt(new Date(asUtc), zone);
  const second = asUtc - offsetAt(new Date(first), zone);
  // In a gap (02:30 on a spring-forward day) neither guess shows the asked time; the later
  // one is the time as the clock shows it after the jump (03:30).
  const w = wall(new Date(second), zone);
  const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return new Date(shown === asUtc ? second : Math.max(first, second));
}

/** The instant an all-day (or date-only) due date is stored as: the end of that local day. */
export function endOfDayInstant(day: DayKey, zone: string): Date {
  return new Date(zonedInstant(addDays(day, 1), "00:00", zone).getTime() - 1000);
}

export function startOfDayInstant(day: DayKey, zone: string): Date {
  return zonedInstant(day, "00:00", zone);
}

/** The same wall-clock time moved to another local day (drag to reschedule). */
export function moveToDay(instant: string, day: DayKey, zone: string): string {
  return zonedInstant(
    day,
    `${timeKey(instant, zone)}:${pad(wall(new Date(instant), zone).second)}`,
    zone,
  ).toISOString();
}

/** "Monday 7 December" (with the year when it is not this one's). */
export function dayTitle(day: DayKey, today: DayKey): string {
  const [y, m, d] = parseDay(day);
  const date = new Date(Date.UTC(y, m - 1, d, 12));
  const offset = daysBetween(today, day);
  const long = date.toLocaleDateString("en-GB", {
    timeZone: "UTC",
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(y === parseDay(today)[0] ? {} : { year: "numeric" }),
  });
  if (offset === 0) return `Today · ${long}`;
  if (offset === 1) return `Tomorrow · ${long}`;
  return long;
}

/** "7 Dec 09:30" or "7 Dec" of an instant in `zone`. */
export function formatInstant(instant: string, zone: string, withTime = true): string {
  const date = new Date(instant);
  const opts: Intl.DateTimeFormatOptions = { timeZone: safeZone(zone), day: "numeric", month: "short" };
  if (withTime) Object.assign(opts, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return date.toLocaleString("en-GB", opts);
}

export type ZonedDue = { text: string; tone: "overdue" | "today" | "soon" | "later"; time: string | null };

/** A due date as a list shows it, in the user's zone: "Today 09:30", "Tomorrow", "Friday",
 * "15 Jan 2030". A date-only due date (all-day, or the old end-of-day ones) has no time. */
export function zonedDue(iso: string, allDay: boolean, zone: string, now: Date = new Date()): ZonedDue {
  const day = dayKey(iso, zone);
  const today = todayKey(zone, now);
  const days = daysBetween(today, day);
  const clock = timeKey(iso, zone);
  const time = allDay || clock === "23:59" ? null : clock;
  const late = days < 0 || (time !== null && new Date(iso).getTime() < now.getTime());
  const tone: ZonedDue["tone"] = late ? "overdue" : days === 0 ? "today" : days <= 7 ? "soon" : "later";
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d, 12));
  let text: string;
  if (days === 0) text = "Today";
  else if (days === 1) text = "Tomorrow";
  else if (days === -1) text = "Yesterday";
  else if (days > 1 && days < 7) text = date.toLocaleDateString("en-GB", { timeZone: "UTC", weekday: "long" });
  else {
    const sameYear = y === Number(today.slice(0, 4));
    text = date.toLocaleDateString("en-GB", {
      timeZone: "UTC",
      day: "numeric",
      month: "short",
      ...(sameYear ? {} : { year: "numeric" }),
    });
  }
  return { text: time ? `${text} ${time}` : text, tone, time };
}
