// Multi-select in the task lists, as pure steps on a set of ids: ctrl/⌘-click and `s` toggle
// one, shift-click takes the range from the last clicked row, and rows that leave the view
// (completed, moved, deleted, filtered out by a live update) drop out of the selection.
import type { Id } from "../api/types";

export type Selection = {
  /** In the order they were added (the bar acts on them in the list's order, see `inOrder`). */
  ids: readonly Id[];
  /** Where a shift-click's range starts: the row clicked or toggled last. */
  anchor: Id | null;
};

export const EMPTY_SELECTION: Selection = { ids: [], anchor: null };

/** Add `id`, or take it out if it is in; it becomes the anchor either way. */
export function toggleId(selection: Selection, id: Id): Selection {
  const has = selection.ids.includes(id);
  return { ids: has ? selection.ids.filter((x) => x !== id) : [...selection.ids, id], anchor: id };
}

/**
 * Shift-click: every row from the anchor to `id` (inclusive, in the list's `order`) joins the
 * selection; what was selected before stays. Without an anchor in view, only `id`.
 * The anchor stays put, so a second shift-click re-draws from the same row.
 */
export function selectRange(selection: Selection, order: readonly Id[], id: Id): Selection {
  const to = order.indexOf(id);
  if (to < 0) return selection;
  const from = selection.anchor === null ? -1 : order.indexOf(selection.anchor);
  if (from < 0) return toggleId({ ids: selection.ids.filter((x) => x !== id), anchor: null }, id);
  const range = order.slice(Math.min(from, to), Math.max(from, to) + 1);
  const ids = [...selection.ids, ...range.filter((x) => !selection.ids.includes(x))];
  return { ids, anchor: selection.anchor };
}

/** Keep only the ids still shown (same object back when nothing left, so no re-render). */
export function keepVisible(selection: Selection, visible: readonly Id[]): Selection {
  const shown = new Set(visible);
  const ids = selection.ids.filter((id) => shown.has(id));
  const anchor = selection.anchor !== null && shown.has(selection.anchor) ? selection.anchor : null;
  if (ids.length === selection.ids.length && anchor === selection.anchor) return selection;
  return { ids, anchor };
}

/** The selected items in the list's order. */
export function inOrder<T extends { id: Id }>(selection: Selection, items: readonly T[]): T[] {
  const chosen = new Set(selection.ids);
  return items.filter((item) => chosen.has(item.id));
}
