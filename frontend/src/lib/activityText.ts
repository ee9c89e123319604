// A project's activity row (SPEC Part I: `{actor, verb, task_id, changes, created_at}`) as a
// sentence for the Activity tab: "ada completed “Pay rent”", "bob added carol as editor".
// The task's title is a link, so it is returned apart: `before` + title + `after`.
import type { Activity } from "../api/types";
import { changeRows, fieldLabel } from "./fieldValues";

export type ActivitySentence = {
  /** The words after the actor's name, up to the task (or the whole sentence if there is none). */
  before: string;
  /** The task the row is about: its title is shown as a link between `before` and `after`. */
  task?: { id: number; title: string };
  after: string;
  /** A line under the sentence: the fields that changed, a comment's excerpt. */
  detail?: string;
};

type Changes = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const quoted = (value: unknown, fallback: string): string => {
  const s = text(value);
  return s ? `“${s}”` : fallback;
};
const ROLE_WORDS: Record<string, string> = { owner: "owner", admin: "admin", editor: "editor", viewer: "viewer" };
const role = (value: unknown): string => ROLE_WORDS[String(value)] ?? String(value);

/** "title, due date and priority": the fields an edit changed. */
export function changedFields(changes: Changes): string | undefined {
  const names = changeRows(changes).map((row) => fieldLabel(row.field).toLowerCase());
  if (names.length === 0) return undefined;
  if (names.length === 1) return names[0];
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** The words for each verb about a task: [before the title, after it]. */
const TASK_VERBS: Record<string, [string, string]> = {
  "task.created": ["created", ""],
  "task.updated": ["edited", ""],
  "task.completed": ["completed", ""],
  "task.reopened": ["reopened", ""],
  "task.deleted": ["moved", "to the trash"],
  "task.restored": ["restored", "from the trash"],
  "task.moved": ["moved", "to another project"],
  "task.recurred": ["scheduled the next", ""],
  "task.reverted": ["restored an earlier version of", ""],
  "task.voted": ["voted for", ""],
  "task.unvoted": ["took back a vote for", ""],
  "task.imported": ["imported", ""],
  "comment.created": ["commented on", ""],
  "comment.updated": ["edited a comment on", ""],
  "comment.deleted": ["deleted a comment on", ""],
  "comment.restored": ["restored a comment on", ""],
  "attachment.added": ["attached a file to", ""],
  "attachment.deleted": ["removed a file from", ""],
};

/**
 * The sentence for one row. `titleOf` finds a task's title (the task lists this tab has seen,
 * and the rows that carry one); a task it does not know reads "a task".
 */
export function describeActivity(
  activity: Pick<Activity, "verb" | "task_id" | "changes">,
  titleOf: (taskId: number) => string | undefined = () => undefined,
): ActivitySentence {
  const c = activity.changes as Changes;
  const taskWords = TASK_VERBS[activity.verb];
  if (taskWords) {
    const [before, after] = taskWords;
    const id = activity.task_id;
    const title = text(c.title) ?? (id ? titleOf(id) : undefined);
    const sentence: ActivitySentence = id
      ? { before, task: { id, title: title ? `“${title}”` : "a task" }, after }
      : { before: `${before} ${title ? `“${title}”` : "a task"}`, after };
    if (activity.verb === "task.updated" || activity.verb === "task.reverted" || activity.verb === "task.recurred") {
      const fields = changedFields(c);
      if (fields) sentence.detail = `Changed ${fields}.`;
    } else if (activity.verb.startsWith("comment.") && activity.verb !== "comment.deleted") {
      const body = text(c.body);
      if (body) sentence.detail = body;
    } else if (activity.verb.startsWith("attachment.")) {
      const file = text(c.filename);
      if (file) sentence.detail = file;
    }
    return sentence;
  }
  const say = (before: string, detail?: string): ActivitySentence => ({ before, after: "", detail });
  switch (activity.verb) {
    case "member.added":
      return say(`added ${text(c.username) ?? "someone"} as ${role(c.role)}`);
    case "member.updated": {
      const to = (c.role as { to?: unknown } | undefined)?.to ?? c.role;
      return say(`made ${text(c.username) ?? "a member"} ${role(to)}`);
    }
    case "member.removed":
      return say(`removed ${text(c.username) ?? "a member"} from the project`);
    case "member.left":
      return say("left the project");
    case "invitation.created":
      return say(`invited ${text(c.email) ?? "someone"} as ${role(c.role)}`);
    case "invitation.revoked":
      return say("withdrew an invitation");
    case "label.created":
      return say(`created the label ${quoted(c.name, "")}`.trim());
    case "label.updated":
      return say("changed a label", changedFields(c) && `Changed ${changedFields(c)}.`);
    case "label.deleted":
      return say(`deleted the label ${quoted(c.name, "")}`.trim());
    case "section.created":
      return say(`added the section ${quoted(c.name, "")}`.trim());
    case "section.updated": {
      const name = c.name as { from?: unknown; to?: unknown } | undefined;
      return name && text(name.from) && text(name.to)
        ? say(`renamed the section ${quoted(name.from, "")} to ${quoted(name.to, "")}`)
        : say("changed a section");
    }
    case "section.deleted":
      return say(`deleted the section ${quoted(c.name, "")}`.trim());
    case "project.created":
      return say("created the project");
    case "project.updated":
      return say("changed the project", changedFields(c) && `Changed ${changedFields(c)}.`);
    case "project.deleted":
      return say("moved the project to the trash");
    case "project.restored":
      return say("restored the project from the trash");
    case "project.imported":
      return say("imported tasks into the project");
    default: {
      // A verb this build does not know yet: "thing.done" reads "done (thing)".
      const [noun, action] = activity.verb.split(".");
      return say(action ? `${action.replace(/_/g, " ")} (${noun})` : activity.verb);
    }
  }
}

/** Titles the rows themselves carry (created, deleted, restored, renamed), newest first. */
export function titlesFromRows(rows: Pick<Activity, "task_id" | "changes">[]): Map<number, string> {
  const titles = new Map<number, string>();
  for (const row of rows) {
    if (!row.task_id || titles.has(row.task_id)) continue;
    const c = row.changes as Changes;
    const title = text(c.title) ?? text((c.title as { to?: unknown } | undefined)?.to);
    if (title) titles.set(row.task_id, title);
  }
  return titles;
}
