import { describe, expect, it } from "vitest";
import type { Task } from "../api/types";
import {
  calendarSearchValidator,
  dropChange,
  dropTarget,
  rescheduleChange,
  stepDate,
  taskEvents,
  viewTitle,
  visibleDays,
  wallNow,
} from "./calendar";

const BERLIN = "Europe/Berlin";
const NY = "America/New_York";

function task(fields: Partial<Task>): Task {
  return {
    id: 7,
    title: "Water the plants",
    status: "todo",
    priority: 1,
    project_id: 1,
    due_at: null,
    due_all_day: false,
    start_at: null,
    ...fields,
  } as Task;
}

describe("the calendar's URL state", () => {
  it("keeps a known view and a real day, drops the rest", () => {
    expect(calendarSearchValidator({ view: "week", date: "2026-12-07", task: "9" })).toEqual({
      view: "week",
      date: "2026-12-07",
      task: 9,
    });
    expect(calendarSearchValidator({ view: "year", date: "2026-02-30", task: "x" })).toEqual({});
    expect(calendarSearchValidator({ date: "7/12/2026" })).toEqual({});
  });
});

describe("the days a view shows", () => {
  it("is six whole weeks from the Monday on or before the 1st for a month", () => {
    // 1 December 2026 is a Tuesday.
    expect(visibleDays("month", "2026-12-15")).toEqual({ first: "2026-11-30", last: "2027-01-10" });
  });
  it("is Monday to Sunday for a week, also across a year", () => {
    expect(visibleDays("week", "2027-01-01")).toEqual({ first: "2026-12-28", last: "2027-01-03" });
    expect(visibleDays("week", "2026-12-07")).toEqual({ first: "2026-12-07", last: "2026-12-13" });
  });
  it("steps by a month (to its 1st) or a week, and names the range", () => {
    expect(stepDate("month", "2026-01-31", 1)).toBe("2026-02-01");
    expect(stepDate("month", "2026-01-31", -1)).toBe("2025-12-01");
    expect(stepDate("week", "2026-12-30", 1)).toBe("2027-01-06");
    expect(viewTitle("month", "2026-12-15")).toBe("December 2026");
    expect(viewTitle("week", "2026-12-30")).toBe("28 Dec 2026 – 3 Jan 2027");
  });
});

describe("a task as calendar events", () => {
  it("draws a timed task at its local time in the user's zone, not the browser's", () => {
    const [due] = taskEvents(task({ due_at: "2026-12-07T23:30:00Z" }), BERLIN, true);
    expect(due).toMatchObject({ start: "2026-12-08T00:30:00", end: "2026-12-08T01:00:00", allDay: false });
    expect(due.editable).toBe(true);
  });
  it("draws an all-day task (and an old date-only one at 23:59) on its local day", () => {
    const allDay = task({ due_at: "2026-12-07T22:59:59Z", due_all_day: true });
    expect(taskEvents(allDay, BERLIN, true)[0]).toMatchObject({ start: "2026-12-07", allDay: true });
    const legacy = task({ due_at: "2026-12-08T04:59:59Z" });
    expect(taskEvents(legacy, NY, true)[0]).toMatchObject({ start: "2026-12-07", allDay: true });
  });
  it("marks done tasks, and a start on another day; a viewer cannot drag", () => {
    const events = taskEvents(
      task({ status: "done", due_at: "2026-12-10T09:00:00Z", start_at: "2026-12-07T09:00:00Z" }),
      "UTC",
      false,
    );
    expect(events).toHaveLength(2);
    expect(events[0].classNames).toContain("is-done");
    expect(events[0].title).toBe("✓ Water the plants");
    expect(events[0].editable).toBe(false);
    expect(events[1]).toMatchObject({ id: "start-7", start: "2026-12-07", allDay: true, editable: false });
    expect(events[1].classNames).toContain("cal-start");
  });
  it("draws no start marker on the due day itself, and nothing for a task with no dates", () => {
    expect(
      taskEvents(task({ due_at: "2026-12-10T15:00:00Z", start_at: "2026-12-10T09:00:00Z" }), "UTC", true),
    ).toHaveLength(1);
    expect(taskEvents(task({}), "UTC", true)).toEqual([]);
  });
});

describe("a drop as the change to PATCH", () => {
  it("reads the day and time from the calendar's wall clock", () => {
    expect(dropTarget(new Date("2026-12-09T14:30:00Z"), false)).toEqual({ day: "2026-12-09", time: "14:30:00" });
    expect(dropTarget(new Date("2026-12-09T00:00:00Z"), true)).toEqual({ day: "2026-12-09", time: null });
  });
  it("keeps an all-day task all-day on its new day", () => {
    const allDay = task({ due_at: "2026-12-07T22:59:59Z", due_all_day: true });
    expect(dropChange(allDay, { day: "2026-12-10", time: null }, BERLIN)).toEqual({
      due_at: "2026-12-10T22:59:59.000Z",
    });
  });
  it("keeps the time of day of a timed task moved to another day in the month", () => {
    const timed = task({ due_at: "2026-12-07T08:15:00Z" }); // 09:15 in Berlin
    const [due] = taskEvents(timed, BERLIN, true);
    const moved = new Date(`2026-12-12T${due.start.slice(11)}Z`); // what the month view hands back
    expect(dropChange(timed, dropTarget(moved, false), BERLIN)).toEqual({
      due_at: "2026-12-12T08:15:00.000Z",
      due_all_day: false,
    });
  });
  it("keeps the wall-clock time across a DST change (Berlin, 29 March 2026)", () => {
    const timed = task({ due_at: "2026-03-27T08:00:00Z" }); // Friday 09:00 CET
    expect(dropChange(timed, { day: "2026-03-30", time: "09:00:00" }, BERLIN).due_at).toBe("2026-03-30T07:00:00.000Z");
    expect(rescheduleChange(timed, "2026-03-30", BERLIN).due_at).toBe("2026-03-30T07:00:00.000Z");
  });
  it("puts a time the spring-forward skips just after the gap (New York, 8 March 2026)", () => {
    expect(
      dropChange(task({ due_at: "2026-03-06T15:00:00Z" }), { day: "2026-03-08", time: "02:30:00" }, NY).due_at,
    ).toBe(
      "2026-03-08T07:30:00.000Z", // 03:30 EDT
    );
  });
  it("sets a time on a task dropped on the week's grid, and makes a timed one dropped on the all-day row all-day", () => {
    const allDay = task({ due_at: "2026-12-07T22:59:59Z", due_all_day: true });
    expect(dropChange(allDay, { day: "2026-12-08", time: "10:00:00" }, BERLIN)).toEqual({
      due_at: "2026-12-08T09:00:00.000Z",
      due_all_day: false,
    });
    const timed = task({ due_at: "2026-12-07T08:15:00Z" });
    expect(dropChange(timed, { day: "2026-12-08", time: null }, BERLIN)).toEqual({
      due_at: "2026-12-08T22:59:59.000Z",
      due_all_day: true,
    });
  });
  it("moves the start by the same days, never after the due date", () => {
    const spanning = task({ due_at: "2026-12-09T15:00:00Z", start_at: "2026-12-07T09:00:00Z" });
    expect(dropChange(spanning, { day: "2026-12-11", time: "15:00:00" }, "UTC")).toEqual({
      due_at: "2026-12-11T15:00:00.000Z",
      due_all_day: false,
      start_at: "2026-12-09T09:00:00.000Z",
    });
    const sameDay = task({ due_at: "2026-12-09T15:00:00Z", start_at: "2026-12-09T12:00:00Z" });
    expect(dropChange(sameDay, { day: "2026-12-09", time: "10:00:00" }, "UTC").start_at).toBe(
      "2026-12-09T10:00:00.000Z",
    );
  });
  it("tells the calendar the user's now, not the browser's", () => {
    expect(wallNow("Asia/Tokyo", new Date("2026-12-07T20:00:05Z"))).toBe("2026-12-08T05:00:05");
  });
});
