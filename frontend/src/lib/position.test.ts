import { describe, expect, it } from "vitest";
import { byPosition, positionBetween, positionForDrop } from "./position";

describe("positionBetween", () => {
  it("lands strictly between neighbours", () => {
    const p = positionBetween(1, 2);
    expect(p).toBeGreaterThan(1);
    expect(p).toBeLessThan(2);
  });

  it("goes before the first and after the last", () => {
    expect(positionBetween(undefined, 5)).toBeLessThan(5);
    expect(positionBetween(5, undefined)).toBeGreaterThan(5);
    expect(positionBetween(undefined, undefined)).toBeGreaterThan(0);
  });
});

describe("positionForDrop", () => {
  const column = [{ position: 10 }, { position: 20 }, { position: 30 }];

  it("puts a task between the cards it was dropped between", () => {
    expect(positionForDrop(column, 1)).toBe(15);
  });

  it("handles the ends and an empty column", () => {
    expect(positionForDrop(column, 0)).toBeLessThan(10);
    expect(positionForDrop(column, 3)).toBeGreaterThan(30);
    expect(positionForDrop(column, 99)).toBeGreaterThan(30);
    expect(positionForDrop([], 0)).toBeGreaterThan(0);
  });
});

describe("byPosition", () => {
  it("orders by position then age", () => {
    const tasks = [
      { id: "b", position: 2, created_at: "2026-01-01T00:00:00Z" },
      { id: "c", position: 1, created_at: "2026-01-02T00:00:00Z" },
      { id: "a", position: 1, created_at: "2026-01-01T00:00:00Z" },
    ];
    expect([...tasks].sort(byPosition).map((t) => t.id)).toEqual(["a", "c", "b"]);
  });
});
