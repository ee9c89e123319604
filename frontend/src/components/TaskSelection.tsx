// The list's multi-select state, shared with its rows through a context (a row reads whether
// it is selected and reports modified clicks): ctrl/⌘-click toggles, shift-click takes a range.
// The pure steps are in lib/selection.ts.
import { createContext, useContext, useMemo, useState, type MouseEvent } from "react";
import type { Id, Task } from "../api/types";
import { EMPTY_SELECTION, inOrder, keepVisible, selectRange, toggleId, type Selection } from "../lib/selection";

export type TaskSelection = {
  /** The selected tasks, in the list's order. */
  tasks: Task[];
  has: (id: Id) => boolean;
  toggle: (id: Id) => void;
  /** A click with ctrl/⌘ or shift selects instead of opening the task: true when it did. */
  click: (id: Id, event: MouseEvent) => boolean;
  clear: () => void;
};

export const SelectionContext = createContext<TaskSelection | null>(null);

export function useRowSelection(): TaskSelection | null {
  return useContext(SelectionContext);
}

/** `items`: the tasks shown, in order; one that leaves them leaves the selection too. */
export function useTaskSelection(items: readonly Task[]): TaskSelection {
  const [raw, setRaw] = useState<Selection>(EMPTY_SELECTION);
  const order = useMemo(() => items.map((t) => t.id), [items]);
  // Rows removed from the view (a live update, a filter, a page change) drop out at once.
  const [seen, setSeen] = useState(order);
  let selection = raw;
  if (seen !== order) {
    selection = keepVisible(raw, order);
    setSeen(order);
    if (selection !== raw) setRaw(selection);
  }
  return useMemo(() => {
    const ids = new Set(selection.ids);
    return {
      tasks: inOrder(selection, items),
      has: (id: Id) => ids.has(id),
      toggle: (id: Id) => setRaw((s) => toggleId(s, id)),
      click: (id: Id, event: MouseEvent) => {
        if (event.shiftKey) setRaw((s) => selectRange(s, order, id));
        else if (event.ctrlKey || event.metaKey) setRaw((s) => toggleId(s, id));
        else return false;
        event.preventDefault();
        return true;
      },
      clear: () => setRaw(EMPTY_SELECTION),
    };
  }, [selection, items, order]);
}
