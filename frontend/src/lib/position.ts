// A task's place in its project: a fractional-index key (npm `fractional-indexing`, the
// scheme the server's PyPI port uses), compared code unit by code unit like the server's
// byte order. A moved task gets a key between its new neighbours'; nothing is renumbered.
import { generateKeyBetween } from "fractional-indexing";

/** Byte order for the keys (ASCII): never `localeCompare`, which ignores case. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A key strictly between `before` and `after` (either may be missing). Equal neighbours (two
 * tasks appended at once can share a key) have nothing between them: the key goes just
 * before `after`, below the tie.
 */
export function positionBetween(before: string | undefined, after: string | undefined): string {
  if (before !== undefined && after !== undefined && compareKeys(before, after) >= 0) before = undefined;
  return generateKeyBetween(before ?? null, after ?? null);
}

/** Where a task dropped at `index` of `column` (in order, without the task) goes. */
export function positionForDrop(column: { position: string }[], index: number): string {
  const clamped = Math.max(0, Math.min(column.length, index));
  const after = column[clamped]?.position;
  // The nearest key below `after` (ties skipped), else none: the list's start.
  let below = clamped - 1;
  while (below >= 0 && after !== undefined && compareKeys(column[below].position, after) >= 0) below -= 1;
  return positionBetween(below >= 0 ? column[below].position : undefined, after);
}

/** Tasks in list and board order: by position, then creation time for ties. */
export function byPosition<T extends { position: string; created_at: string }>(a: T, b: T): number {
  return compareKeys(a.position, b.position) || a.created_at.localeCompare(b.created_at);
}
