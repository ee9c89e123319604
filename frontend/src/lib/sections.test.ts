import { describe, expect, it } from "vitest";
import { nestSubtasks } from "./nest";
import { groupRows, NO_SECTION, sectionColumns, sectionIdOf } from "./sections";

const sections = [
  { id: 20, name: "Later", position: 2 },
  { id: 10, name: "Doing", position: 1 },
  { id: 30, name: "Empty", position: 3 },
];
let clock = 0;
function task(id: number, section_id: number | null, position = id, parent_id: number | null = null) {
  clock += 1;
  // Keys a1…a9 (one digit) for positions 1…9.
  return { id, section_id, position: `a${position}`, parent_id, created_at: `2026-01-01T00:00:${String(clock).padStart(2, "0")}Z` };
}

describe("groupRows", () => {
  it("groups the list by section in their order, no section first, a subtask with its parent", () => {
    const rows = nestSubtasks([task(1, 20), task(2, null), task(3, 10), task(4, null, 4, 1), task(5, 99)]);
    const groups = groupRows(rows, sections);
    expect(groups.map((g) => [g.key, g.section?.name ?? null, g.items.map((r) => r.task.id)])).toEqual([
      [NO_SECTION, null, [2, 5]], // 5's section is unknown: no section
      ["10", "Doing", [3]],
      ["20", "Later", [1, 4]], // 4 is in no section but shows under its parent
      ["30", "Empty", []],
    ]);
  });

  it("leaves out an empty no-section group", () => {
    expect(groupRows(nestSubtasks([task(1, 10)]), sections).map((g) => g.key)).toEqual(["10", "20", "30"]);
  });
});

describe("sectionColumns", () => {
  it("makes a column per section, no section first and always, each by position", () => {
    const columns = sectionColumns([task(1, 10, 5), task(2, 10, 1), task(3, null)], sections);
    expect(columns.map((c) => [c.key, c.items.map((t) => t.id)])).toEqual([
      [NO_SECTION, [3]],
      ["10", [2, 1]],
      ["20", []],
      ["30", []],
    ]);
  });

  it("reads a column key back as a section id", () => {
    expect(sectionIdOf(NO_SECTION)).toBeNull();
    expect(sectionIdOf("10")).toBe(10);
  });
});
