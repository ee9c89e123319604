// A task's history (SPEC §10): every version with who made it and when, what differs from the
// task now, and "Restore this version" — whole, or one field at a time.
import { useState } from "react";
import { useRevertTask, useTaskVersions } from "../../api/history";
import { ApiError } from "../../api/client";
import type { Task } from "../../api/types";
import { timeAgo } from "../../lib/dates";
import {
  VERSIONED_FIELDS,
  fieldLabel,
  formatFieldValue,
  sameValue,
  snapshotOf,
  type FieldContext,
  type VersionedField,
} from "../../lib/fieldValues";
import { useToast } from "../../lib/toast";
import { TextChange } from "./ActivityLog";
import "./TaskHistory.css";

const PAGE = 20;

type Version = { version: number; changed_by: { username: string } | null; changed_at: string; fields: Record<string, unknown> };

function Differences({
  version,
  current,
  ctx,
  canEdit,
  busy,
  onRestore,
}: {
  version: Version;
  current: Record<VersionedField, unknown>;
  ctx: FieldContext;
  canEdit: boolean;
  busy: boolean;
  onRestore: (fields?: VersionedField[]) => void;
}) {
  const allDay = Boolean(version.fields.due_all_day);
  const differing = VERSIONED_FIELDS.filter((f) => f in version.fields && !sameValue(f, version.fields[f], current[f]));
  if (differing.length === 0) return <p className="muted small">The task is as it was at this version.</p>;
  return (
    <>
      <p className="muted small">What this version had, against the task now:</p>
      <ul className="history-fields">
        {differing.map((field) => (
          <li key={field}>
            <span className="history-field">{fieldLabel(field)}</span>{" "}
            {field === "description" ? (
              <TextChange
                from={String(current.description ?? "")}
                to={String(version.fields.description ?? "")}
                label="description now, with this version's text"
              />
            ) : (
              <>
                <del>{formatFieldValue(field, current[field], ctx, Boolean(current.due_all_day))}</del> →{" "}
                <ins>{formatFieldValue(field, version.fields[field], ctx, allDay)}</ins>
              </>
            )}
            {canEdit && differing.length > 1 && (
              <button
                type="button"
                className="link-button small"
                disabled={busy}
                aria-label={`Restore the ${fieldLabel(field)} of version ${version.version}`}
                onClick={() => onRestore([field])}
              >
                Restore
              </button>
            )}
          </li>
        ))}
      </ul>
      {canEdit && (
        <button type="button" className="button small" disabled={busy} onClick={() => onRestore()}>
          Restore this version
        </button>
      )}
    </>
  );
}

export function TaskHistory({ task, canEdit, ...ctx }: { task: Task; canEdit: boolean } & FieldContext) {
  const [open, setOpen] = useState(false);
  const [limit, setLimit] = useState(PAGE);
  const [shown, setShown] = useState<number | null>(null);
  const versions = useTaskVersions(task.id, limit, open);
  const revert = useRevertTask(task);
  const toast = useToast();
  const current = snapshotOf(task);

  async function restore(version: number, fields?: VersionedField[]) {
    try {
      const { skipped } = await revert.mutateAsync({ version, fields });
      const what = fields ? `the ${fields.map(fieldLabel).join(", ")} of version ${version}` : `version ${version}`;
      toast(
        skipped.length
          ? `Restored ${what}, except ${skipped.map(fieldLabel).join(", ")}: what it pointed to no longer exists.`
          : `Restored ${what}.`,
      );
    } catch (e) {
      toast(
        e instanceof ApiError && e.status === 412
          ? "Someone changed this task a moment ago. Look at the history again before restoring."
          : `Couldn't restore: ${(e as Error).message}`,
        "error",
      );
    }
  }

  return (
    <section className="detail-section" aria-labelledby="history-heading">
      <div className="section-head">
        <h3 id="history-heading">History</h3>
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          aria-label={open ? "Hide history" : "Show history"}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? "Hide" : "Show"}
        </button>
      </div>
      {open && (
        <ol className="history" aria-label="Versions, newest first">
          {versions.isPending && <li className="muted">Loading…</li>}
          {versions.isError && <li role="alert">Couldn't load the history: {versions.error.message}</li>}
          {versions.data?.items.map((v) => (
            <li key={v.version} className="history-version">
              <button
                type="button"
                className="link-button history-toggle"
                aria-expanded={shown === v.version}
                onClick={() => setShown((s) => (s === v.version ? null : v.version))}
              >
                Version {v.version}
                {v.version === task.version && " (now)"}
              </button>{" "}
              <span className="muted small">
                {v.changed_by?.username ?? "someone"} · {timeAgo(v.changed_at)}
              </span>
              {shown === v.version && (
                <Differences
                  version={v}
                  current={current}
                  ctx={ctx}
                  canEdit={canEdit}
                  busy={revert.isPending}
                  onRestore={(fields) => void restore(v.version, fields)}
                />
              )}
            </li>
          ))}
          {versions.data && versions.data.total > versions.data.items.length && (
            <li>
              <button type="button" className="link-button small" onClick={() => setLimit((l) => l + PAGE)}>
                Show older versions
              </button>
            </li>
          )}
        </ol>
      )}
    </section>
  );
}
