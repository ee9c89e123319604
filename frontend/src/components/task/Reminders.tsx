// The caller's reminders on a task (personal): add one at a time or before the due date,
// snooze or delete it. Times are shown and picked in the user's time zone.
import { useState, type FormEvent } from "react";
import { MAX_REMINDERS, useReminderActions, useReminders, type Reminder } from "../../api/reminders";
import type { Task } from "../../api/types";
import { useZone } from "../../auth/useZone";
import { useToast } from "../../lib/toast";
import { addDays, formatInstant, todayKey, zonedInstant } from "../../lib/zoned";

const BEFORE: { minutes: number; label: string }[] = [
  { minutes: 0, label: "At the due time" },
  { minutes: 5, label: "5 minutes before" },
  { minutes: 15, label: "15 minutes before" },
  { minutes: 30, label: "30 minutes before" },
  { minutes: 60, label: "1 hour before" },
  { minutes: 120, label: "2 hours before" },
  { minutes: 1440, label: "1 day before" },
  { minutes: 2880, label: "2 days before" },
  { minutes: 10080, label: "1 week before" },
];

const SNOOZE: { minutes: number; label: string }[] = [
  { minutes: 10, label: "10 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 1440, label: "1 day" },
];

function beforeLabel(minutes: number): string {
  return BEFORE.find((b) => b.minutes === minutes)?.label ?? `${minutes} minutes before`;
}

function describeReminder(r: Reminder, zone: string): string {
  const when = r.before_due_minutes !== null ? `${beforeLabel(r.before_due_minutes)} due` : "";
  const at = r.remind_at ? formatInstant(r.remind_at, zone) : "";
  if (r.before_due_minutes !== null) return at ? `${when} (${at})` : when;
  return at;
}

export function Reminders({ task }: { task: Task }) {
  const zone = useZone();
  const toast = useToast();
  const reminders = useReminders(task.id);
  const { add, snooze, remove } = useReminderActions(task.id);
  const [kind, setKind] = useState<"before" | "at">(task.due_at ? "before" : "at");
  const [before, setBefore] = useState("30");
  const tomorrow = addDays(todayKey(zone), 1);
  const [atDay, setAtDay] = useState(tomorrow);
  const [atTime, setAtTime] = useState("09:00");
  const list = reminders.data ?? [];
  const full = list.length >= MAX_REMINDERS;
  const relative = kind === "before" && !!task.due_at;

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await add.mutateAsync(
        relative
          ? { before_due_minutes: Number(before) }
          : { remind_at: zonedInstant(atDay, atTime, zone).toISOString() },
      );
    } catch (error) {
      toast(`Couldn't add the reminder: ${(error as Error).message}`, "error");
    }
  }

  const act = (promise: Promise<unknown>, what: string) =>
    promise.catch((error: Error) => toast(`Couldn't ${what} the reminder: ${error.message}`, "error"));

  return (
    <section className="detail-section reminders" aria-labelledby="reminders-heading">
      <h3 id="reminders-heading">Reminders</h3>
      {reminders.isError && (
        <p className="muted small" role="alert">
          Couldn't load your reminders.
        </p>
      )}
      {list.length === 0 && reminders.isSuccess && <p className="muted small">No reminders. Only you see yours.</p>}
      <ul className="reminder-list">
        {list.map((r) => (
          <li key={r.id} className="row wrap">
            <span className="grow">
              🔔 {describeReminder(r, zone)}
              {r.sent_at && <span className="muted small"> · sent {formatInstant(r.sent_at, zone)}</span>}
              {r.snoozed_until && !r.sent_at && (
                <span className="muted small"> · snoozed until {formatInstant(r.snoozed_until, zone)}</span>
              )}
            </span>
            <select
              aria-label={`Snooze reminder ${describeReminder(r, zone)}`}
              value=""
              disabled={snooze.isPending}
              onChange={(e) =>
                e.target.value && void act(snooze.mutateAsync({ id: r.id, minutes: Number(e.target.value) }), "snooze")
              }
            >
              <option value="">Snooze…</option>
              {SNOOZE.map((s) => (
                <option key={s.minutes} value={s.minutes}>
                  {s.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="icon-button"
              aria-label={`Delete reminder ${describeReminder(r, zone)}`}
              onClick={() => void act(remove.mutateAsync(r.id), "delete")}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {full ? (
        <p className="muted small">That is {MAX_REMINDERS} reminders, the most a task can have.</p>
      ) : (
        <form className="row wrap" onSubmit={submit} aria-label="Add a reminder">
          <select aria-label="Reminder kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            <option value="before" disabled={!task.due_at}>
              Before the due time
            </option>
            <option value="at">At a date and time</option>
          </select>
          {relative ? (
            <select aria-label="How long before" value={before} onChange={(e) => setBefore(e.target.value)}>
              {BEFORE.map((b) => (
                <option key={b.minutes} value={b.minutes}>
                  {b.label}
                </option>
              ))}
            </select>
          ) : (
            <>
              <input
                type="date"
                aria-label="Reminder date"
                value={atDay}
                required
                onChange={(e) => setAtDay(e.target.value)}
              />
              <input
                type="time"
                aria-label="Reminder time"
                value={atTime}
                required
                onChange={(e) => setAtTime(e.target.value)}
              />
            </>
          )}
          <button type="submit" className="button small" disabled={add.isPending}>
            Add reminder
          </button>
        </form>
      )}
    </section>
  );
}
