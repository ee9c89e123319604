// The task's time fields in the properties grid: due date and time (or all day), start
// date, and the recurrence picker with the rule in words. Days are the user's local days.
import { useState } from "react";
import type { Task, TaskUpdate } from "../../api/types";
import { useZone } from "../../auth/useZone";
import {
  DAY_SHORT,
  PRESETS,
  WEEKDAYS,
  describeRule,
  parseRule,
  presetOf,
  ruleFor,
  weeklyRule,
  type Preset,
  type Weekday,
} from "../../lib/recurrence";
import { addDays, dayKey, endOfDayInstant, startOfDayInstant, timeKey, todayKey, zonedInstant } from "../../lib/zoned";

type Props = { task: Task; canEdit: boolean; save: (changes: TaskUpdate) => void };

export function TaskSchedule({ task, canEdit, save }: Props) {
  const zone = useZone();
  const day = task.due_at ? dayKey(task.due_at, zone) : "";
  const time = task.due_at && !task.due_all_day ? timeKey(task.due_at, zone) : "";

  /** A due day (and time, if any) as the fields the API takes. */
  const due = (newDay: string, newTime: string): TaskUpdate => {
    if (!newDay) return task.recurrence ? { due_at: null, recurrence: null } : { due_at: null };
    return newTime
      ? { due_at: zonedInstant(newDay, newTime, zone).toISOString(), due_all_day: false }
      : { due_at: endOfDayInstant(newDay, zone).toISOString(), due_all_day: true };
  };
  const today = todayKey(zone);

  return (
    <>
      <label htmlFor="detail-due">Due date</label>
      <div className="row">
        <input
          id="detail-due"
          type="date"
          value={day}
          disabled={!canEdit}
          onChange={(e) => save(due(e.target.value, time))}
        />
        <label className="visually-hidden" htmlFor="detail-due-time">
          Due time
        </label>
        <input
          id="detail-due-time"
          type="time"
          value={time}
          disabled={!canEdit || !day}
          onChange={(e) => save(due(day, e.target.value))}
        />
        <label className="row small">
          <input
            type="checkbox"
            checked={!!task.due_at && task.due_all_day}
            disabled={!canEdit || !day}
            onChange={(e) => save(due(day, e.target.checked ? "" : "09:00"))}
          />
          All day
        </label>
        {canEdit && !task.due_at && (
          <>
            <button type="button" className="link-button" onClick={() => save(due(today, ""))}>
              Today
            </button>
            <button type="button" className="link-button" onClick={() => save(due(addDays(today, 1), ""))}>
              Tomorrow
            </button>
          </>
        )}
        {task.due_at && canEdit && (
          <button type="button" className="link-button" onClick={() => save(due("", ""))}>
            Clear
          </button>
        )}
      </div>

      <label htmlFor="detail-start">Start date</label>
      <div className="row">
        <input
          id="detail-start"
          type="date"
          value={task.start_at ? dayKey(task.start_at, zone) : ""}
          max={day || undefined}
          disabled={!canEdit}
          onChange={(e) =>
            save({ start_at: e.target.value ? startOfDayInstant(e.target.value, zone).toISOString() : null })
          }
        />
        {task.start_at && canEdit && (
          <button type="button" className="link-button" onClick={() => save({ start_at: null })}>
            Clear
          </button>
        )}
      </div>

      <Recurrence task={task} canEdit={canEdit} dueDay={day} save={save} />
    </>
  );
}

function Recurrence({ task, canEdit, dueDay, save }: Props & { dueDay: string }) {
  const current = presetOf(task.recurrence);
  const [customOpen, setCustomOpen] = useState(false);
  const [draft, setDraft] = useState(task.recurrence ?? "");
  const preset: Preset = customOpen ? "custom" : current;
  const rule = parseRule(task.recurrence);
  const weekly = current === "weekly" && rule !== null && !customOpen;
  const days = (rule?.BYDAY?.split(",") ?? []) as Weekday[];
  const interval = Number(rule?.INTERVAL ?? "1");
  const enabled = canEdit && !!task.due_at;

  function choose(next: Preset) {
    if (next === "custom") {
      setDraft(task.recurrence ?? "");
      setCustomOpen(true);
      return;
    }
    setCustomOpen(false);
    save(next === "none" ? { recurrence: null } : { recurrence: ruleFor(next, dueDay) });
  }

  return (
    <>
      <label htmlFor="detail-repeat">Repeat</label>
      <div className="stack repeat">
        <select
          id="detail-repeat"
          value={preset}
          disabled={!enabled}
          aria-describedby="detail-repeat-words"
          onChange={(e) => choose(e.target.value as Preset)}
        >
          {PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
        <span id="detail-repeat-words" className="muted small">
          {task.due_at ? describeRule(task.recurrence) : "Set a due date to make the task repeat."}
        </span>
        {weekly && enabled && (
          <div className="row wrap" role="group" aria-label="Repeat on">
            {WEEKDAYS.map((d) => {
              const on = days.includes(d);
              return (
                <button
                  key={d}
                  type="button"
                  className={`button small${on ? " pressed" : ""}`}
                  aria-pressed={on}
                  onClick={() => {
                    const next = on ? days.filter((x) => x !== d) : [...days, d];
                    if (next.length > 0) save({ recurrence: weeklyRule(next, interval) });
                  }}
                >
                  {DAY_SHORT[d]}
                </button>
              );
            })}
            <label className="row small">
              every
              <input
                type="number"
                min={1}
                max={52}
                value={interval}
                aria-label="Every how many weeks"
                style={{ width: "4rem" }}
                onChange={(e) => {
                  const n = Number(e.target.value);
                  if (Number.isInteger(n) && n >= 1 && n <= 52) save({ recurrence: weeklyRule(days, n) });
                }}
              />
              week(s)
            </label>
          </div>
        )}
        {customOpen && enabled && (
          <form
            className="row wrap"
            onSubmit={(e) => {
              e.preventDefault();
              const body = draft.trim().replace(/^RRULE:/i, "");
              if (!body) return;
              save({ recurrence: body });
              setCustomOpen(false);
            }}
          >
            <label className="visually-hidden" htmlFor="detail-rrule">
              Custom rule (RRULE)
            </label>
            <input
              id="detail-rrule"
              className="grow"
              value={draft}
              placeholder="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR"
              spellCheck={false}
              onChange={(e) => setDraft(e.target.value)}
            />
            <button type="submit" className="button small">
              Apply
            </button>
            <button type="button" className="link-button" onClick={() => setCustomOpen(false)}>
              Cancel
            </button>
            <span className="muted small" aria-live="polite">
              {draft.trim() ? describeRule(draft.trim()) : ""}
            </span>
          </form>
        )}
        {task.recurrence && (
          <label className="row small">
            Next from
            <select
              value={task.recurrence_basis}
              disabled={!canEdit}
              aria-label="Next occurrence counted from"
              onChange={(e) => save({ recurrence_basis: e.target.value as Task["recurrence_basis"] })}
            >
              <option value="due">the due date</option>
              <option value="completion">when it is completed</option>
            </select>
          </label>
        )}
      </div>
    </>
  );
}
