import { describe, expect, it } from "vitest";
import { describeTasks, movesBack, restoreRoots } from "./bulk";
import type { Task } from "./types";

const task = (id: number, fields: Partial<Task> = {}): Task =>
  ({ id, title: `Task ${id}`, status: "todo", project_id: 10, section_id: null, parent_id: null, ...fields }) as Task;

describe("movesBack (the undo of a bulk move)", () => {
  it("sends one move per project and section the tasks came from", () => {
    const tasks = [
      task(1, { project_id: 10, section_id: 3 }),
      task(2, { project_id: 10, section_id: null }),
      task(3, { project_id: 10, section_id: 3 }),
      task(4, { project_id: 11 }),
    ];
    expect(movesBack(tasks, 20, null)).toEqual([
      { project_id: 10, section_id: 3, ids: [1, 3] },
      { project_id: 10, section_id: null, ids: [2] },
      { project_id: 11, section_id: null, ids: [4] },
    ]);
  });

  it("leaves out the tasks that were already where they were moved to", () => {
    const tasks = [task(1, { project_id: 20, section_id: 5 }), task(2, { project_id: 20, section_id: null })];
    expect(movesBack(tasks, 20, 5)).toEqual([{ project_id: 20, section_id: null, ids: [2] }]);
  });
});

describe("restoreRoots (the undo of a bulk delete)", () => {
  it("restores a parent and not its subtasks deleted with it, but a subtask deleted alone", () => {
    const tasks = [task(1), task(2, { parent_id: 1 }), task(3, { parent_id: 9 })];
    expect(restoreRoots(tasks).map((t) => t.id)).toEqual([1, 3]);
  });
});

describe("describeTasks", () => {
  it("names one task and counts several", () => {
    expect(describeTasks([task(1)])).toBe("“Task 1”");
    expect(describeTasks([task(1), task(2)])).toBe("2 tasks");
  });
});
