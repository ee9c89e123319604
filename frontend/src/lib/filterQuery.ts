// The filter box's language in the browser (the grammar is the server's, in
// src/taskflow/tasks/filter_language.py): what the user is typing at the caret, what to offer
// for it (the grammar's terms, projects after #, labels after @, people after + or
// `assigned to:`), and where the server's 422 says the expression went wrong.

/** A term of the grammar as the box offers it: `insert` is what goes into the text. */
export type Keyword = { insert: string; hint: string };

export const KEYWORDS: readonly Keyword[] = [
  { insert: "today", hint: "due today" },
  { insert: "tomorrow", hint: "due tomorrow" },
  { insert: "overdue", hint: "due before today, not done" },
  { insert: "no date", hint: "no due date" },
  { insert: "next 7 days", hint: "due within N days" },
  { insert: "due before: ", hint: "YYYY-MM-DD" },
  { insert: "due after: ", hint: "YYYY-MM-DD" },
  { insert: "p1", hint: "priority urgent" },
  { insert: "p2", hint: "priority high" },
  { insert: "p3", hint: "priority medium" },
  { insert: "p4", hint: "no priority" },
  { insert: "assigned to: ", hint: "me or a username" },
  { insert: "assigned", hint: "has an assignee" },
  { insert: "unassigned", hint: "no assignee" },
  { insert: "created by: ", hint: "me or a username" },
  { insert: "status: ", hint: "todo, in progress, done" },
  { insert: "recurring", hint: "repeats" },
  { insert: "subtask", hint: "is a subtask" },
  { insert: "search: ", hint: "words in title or description" },
  { insert: "section: ", hint: "a section's name" },
];

const STATUS_VALUES = ["todo", "in progress", "done"];

export type FilterTrigger = {
  kind: "keyword" | "project" | "label" | "person" | "status" | "section";
  /** What is typed so far (without the sigil or the `term:`). */
  query: string;
  /** The range of the text a suggestion replaces (UTF-16 indexes). */
  start: number;
  end: number;
  /** `+name` becomes `assigned to: name`; `assigned to: na` keeps its prefix. */
  viaPlus?: boolean;
};

export type Suggestion = { label: string; insert: string; hint?: string };

export type Names = {
  projects: readonly string[];
  labels: readonly string[];
  /** Usernames; "me" is always offered. */
  people: readonly string[];
  sections?: readonly string[];
};

const OPERATORS = /[&|!()]/;

/** The term the caret is in, if it is one the box can complete. */
export function filterTokenAt(text: string, caret: number): FilterTrigger | null {
  const before = text.slice(0, caret);
  // The term starts after the last operator or parenthesis before the caret.
  let termStart = 0;
  for (let i = before.length - 1; i >= 0; i--) {
    if (OPERATORS.test(before[i])) {
      termStart = i + 1;
      break;
    }
  }
  const lead = before.slice(termStart).length - before.slice(termStart).trimStart().length;
  const start = termStart + lead;
  const term = before.slice(start);
  // The rest of the word after the caret is replaced too.
  const restOfWord = /^[^\s&|!()]*/.exec(text.slice(caret))?.[0] ?? "";
  const end = caret + restOfWord.length;

  let match = /^(assigned\s+to|created\s+by)\s*:\s*(\S*)$/i.exec(term);
  if (match) return { kind: "person", query: match[2], start: caret - match[2].length, end };
  match = /^status\s*:\s*(.*)$/i.exec(term);
  if (match) return { kind: "status", query: match[1], start: caret - match[1].length, end: caret + restOfWord.length };
  match = /^section\s*:\s*(.*)$/i.exec(term);
  if (match) return { kind: "section", query: match[1], start: caret - match[1].length, end };
  match = /^#("[^"]*|[^\s"]*)$/.exec(term);
  if (match)
    return { kind: "project", query: match[1].replace(/^"/, ""), start, end: quotedEnd(text, caret, match[1], end) };
  match = /^@("[^"]*|[^\s"]*)$/.exec(term);
  if (match)
    return { kind: "label", query: match[1].replace(/^"/, ""), start, end: quotedEnd(text, caret, match[1], end) };
  match = /^\+(\S*)$/.exec(term);
  if (match) return { kind: "person", query: match[1], start, end, viaPlus: true };
  if (/^[a-z][a-z0-9 ]*$/i.test(term)) return { kind: "keyword", query: term, start, end };
  return null;
}

/** Inside `#"Two wo|`: the rest up to and including the closing quote is replaced. */
function quotedEnd(text: string, caret: number, typed: string, end: number): number {
  if (!typed.startsWith('"')) return end;
  const rest = /^[^"]*"?/.exec(text.slice(caret))?.[0] ?? "";
  return caret + rest.length;
}

/** A name as the grammar reads it after # or @: quoted when it is not one word. */
export function quoteName(name: string): string {
  return /^[^\s&|!()"#@]+$/.test(name) ? name : `"${name.replace(/"/g, "")}"`;
}

function matching(names: readonly string[], query: string, limit: number): string[] {
  const q = query.toLowerCase().trim();
  const starts = names.filter((n) => n.toLowerCase().startsWith(q));
  const contains = names.filter((n) => !n.toLowerCase().startsWith(q) && n.toLowerCase().includes(q));
  return [...new Set([...starts, ...contains])].slice(0, limit);
}

/** What to offer for the term at the caret, at most `limit`. */
export function filterSuggestions(trigger: FilterTrigger, names: Names, limit = 8): Suggestion[] {
  switch (trigger.kind) {
    case "keyword": {
      const q = trigger.query.toLowerCase();
      const found = KEYWORDS.filter((k) => k.insert.startsWith(q) && k.insert.trim() !== q);
      // A finished term ("today") needs nothing more; "next 3 d" still completes to "next N days".
      const next = /^next\s+(\d{1,4})(\s+d?a?y?s?)?$/i.exec(trigger.query);
      if (next && !/days\s*$/i.test(trigger.query))
        return [{ label: `next ${next[1]} days`, insert: `next ${next[1]} days`, hint: "due within N days" }];
      return found.slice(0, limit).map((k) => ({ label: k.insert.trim(), insert: k.insert, hint: k.hint }));
    }
    case "project":
      return matching(names.projects, trigger.query, limit).map((n) => ({
        label: `#${n}`,
        insert: `#${quoteName(n)}`,
      }));
    case "label":
      return matching(names.labels, trigger.query, limit).map((n) => ({ label: `@${n}`, insert: `@${quoteName(n)}` }));
    case "person": {
      const people = matching(["me", ...names.people.filter((p) => p !== "me")], trigger.query, limit);
      return people.map((n) => ({
        label: trigger.viaPlus ? `assigned to: ${n}` : n,
        insert: trigger.viaPlus ? `assigned to: ${n}` : n,
      }));
    }
    case "status":
      return matching(STATUS_VALUES, trigger.query, limit)
        .filter((s) => s !== trigger.query.trim().toLowerCase())
        .map((s) => ({ label: s, insert: s }));
    case "section":
      return matching(names.sections ?? [], trigger.query, limit)
        .filter((s) => s !== trigger.query.trim())
        .map((s) => ({ label: s, insert: s }));
  }
}

/** The text with the suggestion in place of the term, and where the caret goes. A finished
 * term is followed by a space; `due before: ` and the like already end with one. */
export function applySuggestion(text: string, trigger: FilterTrigger, insert: string): { text: string; caret: number } {
  const after = text.slice(trigger.end);
  const word = insert.endsWith(" ") ? insert : `${insert} `;
  const rest = word.endsWith(" ") ? after.replace(/^ /, "") : after;
  return { text: text.slice(0, trigger.start) + word + rest, caret: trigger.start + word.length };
}

export type FilterError = { position: number; message: string };

/** The position and message of the server's 422 for a malformed expression
 * (`{"detail": "q: position 4: unexpected '&'"}`), or null for any other failure. */
export function filterError(body: unknown): FilterError | null {
  const detail = body && typeof body === "object" && "detail" in body ? (body as { detail: unknown }).detail : null;
  if (typeof detail !== "string") return null;
  const match = /^(?:[a-z_]+: )?position (\d+): (.+)$/s.exec(detail);
  return match ? { position: Number(match[1]), message: match[2] } : null;
}
