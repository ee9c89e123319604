// A task's history, folded away until asked for.
import { useState } from "react";
import { useTaskActivity } from "../../api/tasks";
import type { Id } from "../../api/types";
import { timeAgo } from "../../lib/dates";
import "./ActivityLog.css";

function describeActivity(verb: string, changes: Record<string, unknown> | null): string {
  const what = verb
    .replace(/^task\./, "")
    .replace(/^comment\./, "comment ")
    .replace(/_/g, " ");
  const fields = changes ? Object.keys(changes).filter((k) => k !== "version" && k !== "updated_at") : [];
  return fields.length && verb === "task.updated" ? `changed ${fields.join(", ")}` : what;
}

export function ActivityLog({ taskId }: { taskId: Id }) {
  const activity = useTaskActivity(taskId);
  const [open, setOpen] = useState(false);
  return (
    <section className="detail-section" aria-labelledby="activity-heading">
      <div className="section-head">
        <h3 id="activity-heading">Activity</h3>
        <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? "Hide" : "Show"}
        </button>
      </div>
      {open && (
        <ul className="activity">
          {activity.isPending && <li className="muted">Loading…</li>}
          {activity.data?.length === 0 && <li className="muted">Nothing yet.</li>}
          {activity.data?.map((a) => (
            <li key={a.id}>
              <strong>{a.actor?.username ?? "someone"}</strong> {describeActivity(a.verb, a.changes)}{" "}
              <span className="muted small">{timeAgo(a.created_at)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
