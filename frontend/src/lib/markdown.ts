// Helpers around react-markdown (components/Markdown.tsx): which link targets are kept, and
// ticking a GFM task-list item in the source text.

/** Only these link targets are kept; anything else (javascript:, data:, //host, …) is dropped. */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  if (/^(https?:|mailto:)/i.test(trimmed)) return trimmed;
  if (/^(\/(?!\/)|#)/.test(trimmed)) return trimmed;
  return null;
}

// A list item's marker and its task box, at the start of the item: `- [ ] `, `2. [x] `.
const TASK_ITEM = /^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[([ xX])\]/;

/**
 * The source with the task-list item that starts at `offset` (the list item's position in
 * the Markdown source) ticked or unticked; null when no task item starts there.
 */
export function toggleTaskItem(source: string, offset: number): string | null {
  const match = TASK_ITEM.exec(source.slice(offset));
  if (!match) return null;
  const at = offset + match[1].length + 1;
  return source.slice(0, at) + (match[2] === " " ? "x" : " ") + source.slice(at + 1);
}
