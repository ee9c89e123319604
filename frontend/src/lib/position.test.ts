import { describe, expect, it } from "vitest";
import { byPosition, compareKeys, positionBetween, positionForDrop } from "./position";

describe("positionBetween", () => {
  it("lands strictly between neighbours", () => {
    const p = positionBetween("a0", "a1");
    expect(compareKeys("a0", p)).toBe(-1);
    expect(compareKeys(p, "a1")).toBe(-1);
  });

  it("goes before the first and after the last", () => {
    expect(compareKeys(positionBetween(undefined, "a5"), "a5")).toBe(-1);
    expect(compareKeys(positionBetween("a5", undefined), "a5")).toBe(1);
    expect(positionBetween(undefined, undefined)).toBe("a0");
  });

  it("makes the same keys as the server's library", () => {
    // Python: generate_key_between(...) of PyPI fractional-indexing 0.1.3.
    expect(positionBetween("a0", "a1")).toBe("a0V");
    expect(positionBetween(undefined, "a0")).toBe("Zz");
    expect(positionBetween("a0", "a0V")).toBe("a0G");
    expect(positionBetween("Zz", "a0")).toBe("ZzV");
    expect(positionBetween("az", undefined)).toBe("b00");
  });

  it("keeps 200 moves into one gap in order (floats lose it after ~50)", () => {
    const low = "a0";
    let high = "a1";
    for (let n = 0; n < 200; n += 1) {
      const key = positionBetween(low, high);
      expect(compareKeys(low, key)).toBe(-1);
      expect(compareKeys(key, high)).toBe(-1);
      high = key;
    }
    expect(high.length).toBeLessThan(60);
  });

  it("goes below a tie instead of failing", () => {
    const key = positionBetween("a1", "a1");
    expect(compareKeys(key, "a1")).toBe(-1);
  });
});

describe("positionForDrop", () => {
  const column = [{ position: "a0" }, { position: "a1" }, { position: "a2" }];

  it("puts a task between the rows it was dropped between", () => {
    const key = positionForDrop(column, 1);
    expect(compareKeys("a0", key)).toBe(-1);
    expect(compareKeys(key, "a1")).toBe(-1);
  });

  it("handles the ends and an empty column", () => {
    expect(compareKeys(positionForDrop(column, 0), "a0")).toBe(-1);
    expect(compareKeys(positionForDrop(column, 3), "a2")).toBe(1);
    expect(compareKeys(positionForDrop(column, 99), "a2")).toBe(1);
    expect(positionForDrop([], 0)).toBe("a0");
  });

  it("skips tied keys below the drop", () => {
    const tied = [{ position: "a0" }, { position: "a1" }, { position: "a1" }];
    const key = positionForDrop(tied, 2);
    expect(compareKeys("a0", key)).toBe(-1);
    expect(compareKeys(key, "a1")).toBe(-1);
  });
});

describe("byPosition", () => {
  it("orders by key code unit by code unit (upper case first), then age", () => {
    const tasks = [
      { id: "b", position: "a0", created_at: "2026-01-01T00:00:00Z" },
      { id: "d", position: "a0a", created_at: "2026-01-01T00:00:00Z" },
      { id: "e", position: "a0B", created_at: "2026-01-01T00:00:00Z" },
      { id: "c", position: "Zz", created_at: "2026-01-02T00:00:00Z" },
      { id: "a", position: "Zz", created_at: "2026-01-01T00:00:00Z" },
    ];
    expect([...tasks].sort(byPosition).map((t) => t.id)).toEqual(["a", "c", "b", "e", "d"]);
  });
});
