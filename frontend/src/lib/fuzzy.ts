// Fuzzy matching for the command palette: the query's characters in order, anywhere in the
// text, scored so that what a person means comes first — a whole prefix, then word starts
// ("ma" → "Monthly accounts"), then runs of consecutive letters, then scattered letters.

/** A match's score (higher is better), or null when `query` is not a subsequence of `text`. */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.trim().toLowerCase();
  const t = text.toLowerCase();
  if (q === "") return 0;
  if (t.startsWith(q)) return 1000 - t.length;
  const at = t.indexOf(q);
  if (at >= 0) return (isWordStart(t, at) ? 800 : 600) - at - t.length / 100;
  let score = 0;
  let from = 0;
  let previous = -2;
  for (const ch of q) {
    if (ch === " ") continue;
    const i = t.indexOf(ch, from);
    if (i < 0) return null;
    if (i === previous + 1) score += 15;
    else if (isWordStart(t, i)) score += 10;
    else score -= Math.min(i - from, 10);
    previous = i;
    from = i + 1;
  }
  return score - t.length / 100;
}

function isWordStart(text: string, index: number): boolean {
  return index === 0 || /[\s\-_/#@.:]/.test(text[index - 1]!);
}

/** The items that match, best first; ties keep their given order. */
export function fuzzyRank<T>(query: string, items: readonly T[], text: (item: T) => string): T[] {
  const scored: { item: T; score: number; index: number }[] = [];
  items.forEach((item, index) => {
    const score = fuzzyScore(query, text(item));
    if (score !== null) scored.push({ item, score, index });
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.map((s) => s.item);
}
