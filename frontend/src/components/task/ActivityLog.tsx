// A task's history, folded away until asked for: who did what, and for edits the old and new
// value of each field (a word diff for descriptions), so a bad edit can be seen and undone.
import { useState } from "react";
import { useTaskActivity } from "../../api/tasks";
import type { Id } from "../../api/types";
import { timeAgo } from "../../lib/dates";
import { changeRows, fieldLabel, formatFieldValue, textDiff, type FieldContext } from "../../lib/fieldValues";
import "./ActivityLog.css";

function describeActivity(verb: string, changedFields: number): string {
  const what = verb
    .replace(/^task\./, "")
    .replace(/^comment\./, "comment ")
    .replace(/_/g, " ");
  return changedFields && verb === "task.updated" ? "changed" : what;
}

/** A word diff of two texts: removed words struck through, added ones marked. */
export function TextChange({ from, to, label = "changes to the text" }: { from: string; to: string; label?: string }) {
  return (
    <p className="activity-diff" aria-label={label}>
      {textDiff(from, to).map((piece, i) =>
        piece.kind === "added" ? (
          <ins key={i}>{piece.text}</ins>
        ) : piece.kind === "removed" ? (
          <del key={i}>{piece.text}</del>
        ) : (
          <span key={i}>{piece.text}</span>
        ),
      )}
    </p>
  );
}

function ChangeList({ changes, ctx }: { changes: ReturnType<typeof changeRows>; ctx: FieldContext }) {
  return (
    <ul className="activity-changes">
      {changes.map(({ field, from, to }) =>
        field === "description" ? (
          <li key={field}>
            <span className="activity-field">{fieldLabel(field)}</span>
            <TextChange from={typeof from === "string" ? from : ""} to={typeof to === "string" ? to : ""} />
          </li>
        ) : (
          <li key={field}>
            <span className="activity-field">{fieldLabel(field)}</span>{" "}
            <del className="activity-old">{formatFieldValue(field, from, ctx)}</del> →{" "}
            <ins className="activity-new">{formatFieldValue(field, to, ctx)}</ins>
          </li>
        ),
      )}
    </ul>
  );
}

export function ActivityLog({ taskId, ...ctx }: { taskId: Id } & FieldContext) {
  const activity = useTaskActivity(taskId);
  const [open, setOpen] = useState(false);
  return (
    <section className="detail-section" aria-labelledby="activity-heading">
      <div className="section-head">
        <h3 id="activity-heading">Activity</h3>
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          aria-label={open ? "Hide activity" : "Show activity"}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? "Hide" : "Show"}
        </button>
      </div>
      {open && (
        <ul className="activity">
          {activity.isPending && <li className="muted">Loading…</li>}
          {activity.data?.length === 0 && <li className="muted">Nothing yet.</li>}
          {activity.data?.map((a) => {
            const changes = changeRows(a.changes);
            return (
              <li key={a.id}>
                <strong>{a.actor?.username ?? "someone"}</strong> {describeActivity(a.verb, changes.length)}{" "}
                <span className="muted small">{timeAgo(a.created_at)}</span>
                {changes.length > 0 && <ChangeList changes={changes} ctx={ctx} />}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
