// Quick add's text in the browser: the server's spans (Unicode code points) as pieces of the
// string to highlight, and the `#project` / `@label` word under the caret for autocompletion.

export type SpanKind = "date" | "recurrence" | "priority" | "project" | "label" | "assignee";
export type Span = { start: number; end: number; kind: SpanKind };
export type Segment = { text: string; kind?: SpanKind };

/** UTF-16 index of each code point offset (JavaScript strings count UTF-16 units). */
function utf16Offsets(text: string): number[] {
  const offsets = [0];
  let index = 0;
  for (const char of text) {
    index += char.length;
    offsets.push(index);
  }
  return offsets;
}

/** The text cut into plain and recognised pieces, in order; spans that overlap, run past the
 * end or are stale (the text changed since) are skipped. */
export function segments(text: string, spans: readonly Span[]): Segment[] {
  const offsets = utf16Offsets(text);
  const pieces: Segment[] = [];
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < 0 || span.end >= offsets.length || span.start >= span.end) continue;
    const start = offsets[span.start];
    const end = offsets[span.end];
    if (start < at) continue;
    if (start > at) pieces.push({ text: text.slice(at, start) });
    pieces.push({ text: text.slice(start, end), kind: span.kind });
    at = end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}

export type Trigger = { kind: "project" | "label"; query: string; start: number; end: number };

/** The `#…` or `@…` word the caret is in (or just after), if any. */
export function tokenAt(text: string, caret: number): Trigger | null {
  const before = text.slice(0, caret);
  const match = /(?:^|\s)([#@])("[^"]*|[^\s#@"]*)$/.exec(before);
  if (!match) return null;
  const quoted = match[2].startsWith('"');
  // The rest of the word after the caret goes too: up to the closing quote, or a space.
  const rest = (quoted ? /^[^"]*"?/ : /^\S*/).exec(text.slice(caret))?.[0] ?? "";
  return {
    kind: match[1] === "#" ? "project" : "label",
    query: match[2].replace(/^"/, ""),
    start: caret - match[2].length - 1,
    end: caret + rest.length,
  };
}

/** The text with the word replaced by the chosen name (quoted when it has spaces), and where
 * the caret goes: after it and a space. */
export function complete(text: string, token: Trigger, name: string): { text: string; caret: number } {
  const sigil = token.kind === "project" ? "#" : "@";
  const word = /\s|"/.test(name) ? `${sigil}"${name.replace(/"/g, "")}"` : `${sigil}${name}`;
  const after = text.slice(token.end).replace(/^ /, "");
  const next = `${text.slice(0, token.start)}${word} ${after}`;
  return { text: next, caret: token.start + word.length + 1 };
}

/** The names that start with (then contain) what is typed, any case, at most `limit`. */
export function suggestions(names: readonly string[], query: string, limit = 8): string[] {
  const q = query.toLowerCase();
  const starts = names.filter((n) => n.toLowerCase().startsWith(q));
  const contains = names.filter((n) => !n.toLowerCase().startsWith(q) && n.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, limit);
}
