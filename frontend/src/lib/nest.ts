// The list shows each subtask right under its parent when both are on the page; a subtask
// whose parent is not shown (another page, filtered out, done) stays at the top level, since
// an indent would put it under whichever task happens to be above.

export type Nested<T> = { task: T; depth: 0 | 1 };

export function nestSubtasks<T extends { id: number; parent_id: number | null }>(tasks: T[]): Nested<T>[] {
  const onPage = new Set(tasks.map((t) => t.id));
  const children = new Map<number, T[]>();
  for (const task of tasks) {
    if (task.parent_id !== null && onPage.has(task.parent_id)) {
      const list = children.get(task.parent_id) ?? [];
      list.push(task);
      children.set(task.parent_id, list);
    }
  }
  const out: Nested<T>[] = [];
  const emit = (task: T, depth: 0 | 1) => {
    out.push({ task, depth });
    for (const child of children.get(task.id) ?? []) emit(child, 1); // deeper levels show at one indent
  };
  for (const task of tasks) {
    if (task.parent_id !== null && onPage.has(task.parent_id)) continue; // placed under its parent
    emit(task, 0);
  }
  return out;
}
