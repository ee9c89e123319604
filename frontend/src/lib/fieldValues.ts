// How a task field's stored value reads to a person: the activity panel's "old → new" and the
// history view both show values through here, so a date, a label list or an assignee reads the
// same way in both. Ids are resolved against the project's members and labels when known.
import { diffWords } from "diff";

export type FieldContext = {
  members: { user: { id: number; username: string } }[];
  labels: { id: number; name: string }[];
  sections?: { id: number; name: string }[];
};

const LABELS: Record<string, string> = {
  title: "title",
  description: "description",
  status: "status",
  priority: "priority",
  due_at: "due",
  due_all_day: "all day",
  start_at: "start",
  recurrence: "repeat",
  recurrence_basis: "repeat from",
  assignee_id: "assignee",
  label_ids: "labels",
  section_id: "section",
  project_id: "project",
  parent_id: "parent task",
};

const PRIORITIES = ["none", "low", "medium", "high", "urgent"];

/** A field's name as people say it ("due" for due_at). */
export function fieldLabel(field: string): string {
  return LABELS[field] ?? field.replace(/_/g, " ");
}

function formatInstant(iso: string, allDay: boolean): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return allDay
    ? date.toLocaleDateString(undefined, { dateStyle: "medium", timeZone: "UTC" })
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** One value as text; `null`/empty reads "none". */
export function formatFieldValue(field: string, value: unknown, ctx: FieldContext, allDay = false): string {
  if (value === null || value === undefined || value === "") return "none";
  switch (field) {
    case "status":
      return String(value).replace(/_/g, " ");
    case "priority":
      return typeof value === "number" ? (PRIORITIES[value] ?? String(value)) : String(value);
    case "due_at":
    case "start_at":
      return typeof value === "string" ? formatInstant(value, allDay && field === "due_at") : String(value);
    case "due_all_day":
      return value ? "yes" : "no";
    case "assignee_id": {
      const member = ctx.members.find((m) => m.user.id === value);
      return member ? member.user.username : `user #${String(value)}`;
    }
    case "section_id": {
      const section = ctx.sections?.find((s) => s.id === value);
      return section ? section.name : `section #${String(value)}`;
    }
    case "label_ids": {
      if (!Array.isArray(value) || value.length === 0) return "none";
      return value
        .map((id) => ctx.labels.find((l) => l.id === id)?.name ?? `label #${String(id)}`)
        .join(", ");
    }
    default:
      return typeof value === "object" ? JSON.stringify(value) : String(value);
  }
}

export type TextPiece = { text: string; kind: "same" | "added" | "removed" };

/** A word diff of two texts (descriptions), for <ins>/<del> rendering. */
export function textDiff(before: string, after: string): TextPiece[] {
  return diffWords(before, after).map((part) => ({
    text: part.value,
    kind: part.added ? "added" : part.removed ? "removed" : "same",
  }));
}

/** Activity `changes` ({field: {from, to}}) as rows, bookkeeping fields left out. */
export function changeRows(changes: Record<string, unknown> | null): { field: string; from: unknown; to: unknown }[] {
  if (!changes) return [];
  return Object.entries(changes)
    .filter(([field]) => field !== "version" && field !== "updated_at")
    .flatMap(([field, change]) =>
      change !== null && typeof change === "object" && "from" in change && "to" in change
        ? [{ field, from: (change as { from: unknown }).from, to: (change as { to: unknown }).to }]
        : [],
    );
}

/** The editable fields a version snapshot holds (SPEC §10), in the order the panel shows them. */
export const VERSIONED_FIELDS = [
  "title",
  "description",
  "status",
  "priority",
  "due_at",
  "due_all_day",
  "start_at",
  "recurrence",
  "recurrence_basis",
  "assignee_id",
  "label_ids",
  "section_id",
] as const;
export type VersionedField = (typeof VERSIONED_FIELDS)[number];

/** A task's current values in the shape of a version snapshot (labels as sorted ids). */
export function snapshotOf(task: {
  labels: { id: number }[];
  [field: string]: unknown;
}): Record<VersionedField, unknown> {
  const out = {} as Record<VersionedField, unknown>;
  for (const field of VERSIONED_FIELDS) {
    out[field] = field === "label_ids" ? task.labels.map((l) => l.id).sort((a, b) => a - b) : task[field];
  }
  return out;
}

/** Whether two stored values differ: instants by time (formats vary), id lists as sets. */
export function sameValue(field: string, a: unknown, b: unknown): boolean {
  if ((a === null || a === undefined || a === "") && (b === null || b === undefined || b === "")) return true;
  if ((field === "due_at" || field === "start_at") && typeof a === "string" && typeof b === "string") {
    return new Date(a).getTime() === new Date(b).getTime();
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const sa = [...a].map(Number).sort((x, y) => x - y);
    const sb = [...b].map(Number).sort((x, y) => x - y);
    return sa.length === sb.length && sa.every((v, i) => v === sb[i]);
  }
  return a === b;
}
