import { describe, expect, it } from "vitest";
import { EMPTY_SELECTION, inOrder, keepVisible, selectRange, toggleId } from "./selection";

const order = [1, 2, 3, 4, 5, 6];

describe("toggleId (ctrl/⌘-click, s)", () => {
  it("adds a row, takes it out on a second toggle, and moves the anchor", () => {
    const one = toggleId(EMPTY_SELECTION, 3);
    expect(one).toEqual({ ids: [3], anchor: 3 });
    const two = toggleId(one, 5);
    expect(two).toEqual({ ids: [3, 5], anchor: 5 });
    expect(toggleId(two, 3)).toEqual({ ids: [5], anchor: 3 });
  });
});

describe("selectRange (shift-click)", () => {
  it("takes every row between the anchor and the clicked one, either direction", () => {
    expect(selectRange(toggleId(EMPTY_SELECTION, 2), order, 4).ids).toEqual([2, 3, 4]);
    expect([...selectRange(toggleId(EMPTY_SELECTION, 5), order, 3).ids].sort()).toEqual([3, 4, 5]);
  });

  it("keeps what was selected outside the range, without duplicates", () => {
    const picked = toggleId(toggleId(EMPTY_SELECTION, 6), 1);
    const ranged = selectRange(picked, order, 3);
    expect([...ranged.ids].sort()).toEqual([1, 2, 3, 6]);
    expect(ranged.anchor).toBe(1);
  });

  it("without an anchor (or one no longer shown) selects only the clicked row", () => {
    expect(selectRange(EMPTY_SELECTION, order, 4)).toEqual({ ids: [4], anchor: 4 });
    expect(selectRange({ ids: [9], anchor: 9 }, order, 4).ids).toEqual([9, 4]);
  });

  it("ignores a row that is not in the list", () => {
    const s = toggleId(EMPTY_SELECTION, 2);
    expect(selectRange(s, order, 42)).toBe(s);
  });
});

describe("keepVisible (live updates)", () => {
  it("drops rows that left the view and the anchor with them", () => {
    const s = { ids: [2, 3, 5], anchor: 5 };
    expect(keepVisible(s, [1, 2, 4, 6])).toEqual({ ids: [2], anchor: null });
  });

  it("returns the same selection when every row is still shown", () => {
    const s = { ids: [2, 3], anchor: 3 };
    expect(keepVisible(s, [3, 2, 1])).toBe(s);
  });
});

describe("inOrder", () => {
  it("gives the selected items in the list's order, not the order they were picked", () => {
    const items = order.map((id) => ({ id }));
    expect(inOrder({ ids: [5, 1, 3], anchor: 3 }, items).map((t) => t.id)).toEqual([1, 3, 5]);
  });
});
