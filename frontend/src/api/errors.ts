// What the user reads when a request fails: one plain sentence, never the server's raw
// validation text ("password: Value error, …"), a token error, or the browser's "Failed to fetch".

export const OFFLINE = "Can't reach TaskFlow. Check your connection and try again.";
export const SESSION_ENDED = "Your session has ended. Sign in again to continue.";
export const FORBIDDEN = "You don't have permission to do that here.";
export const STALE = "Someone else changed this in the meantime.";
export const EXPIRED_LINK = "This link has expired or was already used. Ask for a new one.";
export const SERVER_TROUBLE = "TaskFlow is having trouble right now. Try again in a moment.";

/** Field names in the API, as a person would say them. */
const FIELD_NAMES: Record<string, string> = {
  username: "Username",
  email: "Email",
  password: "Password",
  new_password: "New password",
  current_password: "Current password",
  full_name: "Full name",
  title: "Title",
  description: "Description",
  body: "Comment",
  name: "Name",
  due_at: "Due date",
  assignee_id: "Assignee",
  label_ids: "Labels",
  parent_id: "Parent task",
  project_id: "Project",
  user: "User",
  token: "Link",
};

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

/** One validation error (`{loc, msg}` from a 422) as a sentence. */
export function validationMessage(loc: unknown[] | undefined, msg: string): string {
  const field = Array.isArray(loc) && loc.length > 0 ? String(loc[loc.length - 1]) : undefined;
  const name = field ? (FIELD_NAMES[field] ?? field.replace(/_/g, " ")) : undefined;
  // The server's own rules speak in whole sentences: show just the sentence.
  if (msg.startsWith("Value error, ")) return sentence(msg.slice("Value error, ".length));
  if (!name) return sentence(msg);
  if (msg === "Field required") return `${sentence(name).slice(0, -1)} is required.`;
  const length = /^(?:String|List|Value) should have (at (?:least|most) \d+ (?:characters?|items?))/.exec(msg);
  if (length) return `${name} should have ${length[1]}.`;
  if (/^String should match pattern/.test(msg)) return `${name} contains characters that aren't allowed.`;
  if (/not a valid email address/.test(msg)) return "That email address doesn't look right.";
  return sentence(`${name}: ${msg.replace(/^Value error, /, "")}`);
}

/** A failed response (status and `{"detail": ...}` body) as a sentence for the user. */
export function humanMessage(status: number, body: unknown, fallback = "Something went wrong."): string {
  const detail =
    body && typeof body === "object" && "detail" in body ? (body as { detail: unknown }).detail : undefined;
  if (status === 0) return OFFLINE;
  if (status === 401) return SESSION_ENDED;
  if (status === 403) return FORBIDDEN;
  if (status === 412) return STALE;
  if (Array.isArray(detail) && detail.length > 0) {
    const first = detail[0] as { msg?: unknown; loc?: unknown[] };
    if (typeof first.msg === "string") return validationMessage(first.loc, first.msg);
  }
  if (detail === "Invalid or expired token") return EXPIRED_LINK;
  if (typeof detail === "string" && detail.trim()) {
    // Details the API writes for people ("Username is taken", "Database unavailable, try again shortly").
    return sentence(detail);
  }
  if (status >= 500) return SERVER_TROUBLE;
  return fallback;
}
