import { describe, expect, it } from "vitest";
import { nestSubtasks } from "./nest";

const t = (id: number, parent_id: number | null = null) => ({ id, parent_id });

describe("nestSubtasks", () => {
  it("moves subtasks under their parent, keeping order otherwise", () => {
    const out = nestSubtasks([t(1), t(3, 2), t(2), t(4, 1), t(5)]);
    expect(out.map((n) => [n.task.id, n.depth])).toEqual([
      [1, 0],
      [4, 1],
      [2, 0],
      [3, 1],
      [5, 0],
    ]);
  });

  it("keeps a subtask whose parent is not shown where it is, not indented under the task above", () => {
    expect(nestSubtasks([t(6), t(7, 99), t(8)]).map((n) => [n.task.id, n.depth])).toEqual([
      [6, 0],
      [7, 0],
      [8, 0],
    ]);
  });

  it("loses and duplicates nothing", () => {
    const tasks = [t(1), t(2, 1), t(3, 1), t(4, 2), t(5, 9)];
    expect(
      nestSubtasks(tasks)
        .map((n) => n.task.id)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5]);
  });
});
