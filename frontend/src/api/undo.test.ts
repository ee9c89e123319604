import { describe, expect, it } from "vitest";
import { undoChanges, undoMessage } from "./tasks";
import type { Task } from "./types";

const task = (fields: Partial<Task>): Task =>
  ({
    id: 1,
    title: "Pay rent",
    status: "todo",
    project_id: 10,
    section_id: 3,
    parent_id: null,
    due_at: "2026-12-01T22:59:00Z",
    due_all_day: true,
    start_at: null,
    priority: 0,
    version: 2,
    ...fields,
  }) as Task;

describe("undoMessage", () => {
  it("offers an undo for a complete and for a move to another project, section or day", () => {
    const t = task({});
    expect(undoMessage(t, { status: "done" })).toBe("Completed “Pay rent”.");
    expect(undoMessage(t, { project_id: 11 })).toBe("Moved “Pay rent”.");
    expect(undoMessage(t, { section_id: null })).toBe("Moved “Pay rent”.");
    expect(undoMessage(t, { due_at: "2026-12-02T22:59:00Z" })).toBe("Rescheduled “Pay rent”.");
  });

  it("offers none for a reopen, a no-op move or another field", () => {
    expect(undoMessage(task({ status: "done" }), { status: "todo" })).toBeNull();
    expect(undoMessage(task({ status: "done" }), { status: "done" })).toBeNull();
    expect(undoMessage(task({}), { project_id: 10, section_id: 3 })).toBeNull();
    expect(undoMessage(task({}), { status: "in_progress" })).toBeNull();
    expect(undoMessage(task({}), { priority: 4, title: "Pay the rent" })).toBeNull();
  });
});

describe("undoChanges", () => {
  it("puts back every placement field the server changed, not only the ones sent", () => {
    // A move to another project: the server also cleared the section.
    const before = task({});
    const after = task({ project_id: 11, section_id: null, version: 3 });
    expect(undoChanges(before, after)).toEqual({ project_id: 10, section_id: 3 });
  });

  it("reopens a completed task, and brings back the dates a recurring one moved on from", () => {
    expect(undoChanges(task({}), task({ status: "done" }))).toEqual({ status: "todo" });
    const recurring = undoChanges(task({}), task({ due_at: "2026-12-08T22:59:00Z" }));
    expect(recurring).toEqual({ due_at: "2026-12-01T22:59:00Z" });
  });

  it("leaves out what did not change (title, priority…)", () => {
    expect(undoChanges(task({}), task({ title: "Renamed", priority: 4, version: 9 }))).toEqual({});
  });
});
