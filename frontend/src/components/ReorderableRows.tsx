// The list's drag to reorder, loaded on demand: dnd-kit stays out of the initial bundle.
import { lazy } from "react";
import type { Task } from "../api/types";
import type { Nested } from "../lib/nest";
import type { ReorderGroup } from "./SortableTasks";

const load = () => import("./SortableTasks");
export const SortableTasks = lazy(() => load().then((m) => ({ default: m.SortableTasks })));
export const SortableGroup = lazy(() => load().then((m) => ({ default: m.SortableGroup })));
export const SortableTaskRow = lazy(() => load().then((m) => ({ default: m.SortableTaskRow })));

/** What the list can reorder: a drop's PATCH, and whether the page holds the list's ends. */
export type Reorder = { onMove: (task: Task, position: string) => void; atStart: boolean; atEnd: boolean };

/** A group's top-level tasks, the ones that move (subtasks follow their parents). */
export function reorderGroup(key: string, rows: Nested<Task>[]): ReorderGroup {
  return { key, tasks: rows.filter((r) => r.depth === 0).map((r) => r.task) };
}
