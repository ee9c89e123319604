// Ordering on the board: a moved task gets a position between its new neighbours.

export const POSITION_STEP = 1024;

/** A position strictly between `before` and `after` (either may be missing). */
export function positionBetween(before: number | undefined, after: number | undefined): number {
  if (before === undefined && after === undefined) return POSITION_STEP;
  if (before === undefined) return after! - POSITION_STEP;
  if (after === undefined) return before + POSITION_STEP;
  return (before + after) / 2;
}

/** Where a task dropped at `index` of `column` (the column without the task) goes. */
export function positionForDrop(column: { position: number }[], index: number): number {
  const clamped = Math.max(0, Math.min(column.length, index));
  return positionBetween(column[clamped - 1]?.position, column[clamped]?.position);
}

/** Tasks in board order: by position, then creation time for ties. */
export function byPosition<T extends { position: number; created_at: string }>(a: T, b: T): number {
  return a.position - b.position || a.created_at.localeCompare(b.created_at);
}
