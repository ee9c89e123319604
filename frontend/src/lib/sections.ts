// Sections in the list and on the board: a project's tasks grouped by section, the tasks in
// no section first, then each section in its order (empty ones too, so they can be dropped on).
import type { Nested } from "./nest";
import { byPosition } from "./position";

export type SectionLike = { id: number; name: string; position: number };
type TaskLike = { id: number; section_id?: number | null; position: string; created_at: string };

/** The group of the tasks in no section. */
export const NO_SECTION = "none";

export type Group<S, R> = { key: string; section: S | null; items: R[] };

function ordered<S extends SectionLike>(sections: readonly S[]): S[] {
  return [...sections].sort((a, b) => a.position - b.position || a.id - b.id);
}

/** List rows (subtasks under their parents) by section: a subtask stays with its parent. The
 * no-section group is left out when it is empty; a task of a section not (yet) known counts
 * as in no section. */
export function groupRows<T extends TaskLike, S extends SectionLike>(
  rows: readonly Nested<T>[],
  sections: readonly S[],
): Group<S, Nested<T>>[] {
  const known = new Set(sections.map((s) => s.id));
  const groups = new Map<string, Nested<T>[]>([[NO_SECTION, []]]);
  for (const section of ordered(sections)) groups.set(String(section.id), []);
  let current = NO_SECTION;
  for (const row of rows) {
    if (row.depth === 0) {
      const id = row.task.section_id;
      current = id != null && known.has(id) ? String(id) : NO_SECTION;
    }
    groups.get(current)!.push(row);
  }
  const byId = new Map(sections.map((s) => [String(s.id), s] as const));
  return [...groups.entries()]
    .filter(([key, items]) => key !== NO_SECTION || items.length > 0)
    .map(([key, items]) => ({ key, section: byId.get(key) ?? null, items }));
}

/** Board columns by section (no section first, always shown), each in board order. */
export function sectionColumns<T extends TaskLike, S extends SectionLike>(
  tasks: readonly T[],
  sections: readonly S[],
): Group<S, T>[] {
  const known = new Set(sections.map((s) => s.id));
  const columns: Group<S, T>[] = [
    { key: NO_SECTION, section: null, items: [] },
    ...ordered(sections).map((s) => ({ key: String(s.id), section: s, items: [] as T[] })),
  ];
  const byKey = new Map(columns.map((c) => [c.key, c] as const));
  for (const task of tasks) {
    const id = task.section_id;
    byKey.get(id != null && known.has(id) ? String(id) : NO_SECTION)!.items.push(task);
  }
  for (const column of columns) column.items.sort(byPosition);
  return columns;
}

/** The section id a column key stands for (null: no section). */
export function sectionIdOf(key: string): number | null {
  return key === NO_SECTION ? null : Number(key);
}
