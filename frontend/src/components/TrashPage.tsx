// The trash (SPEC §10): what the user deleted, or may restore, newest first. Restore brings a
// thing back as it was; "Delete forever" is for project admins (the owner for a project).
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { usePurge, useRestore, useTrash, type TrashType } from "../api/trash";
import { useProjects } from "../api/projects";
import { roleAtLeast, type TrashItem } from "../api/types";
import { timeAgo } from "../lib/dates";
import { useConfirm } from "../lib/confirm";
import { useToast } from "../lib/toast";
import "./TrashPage.css";

const PAGE_SIZE = 50;
const KIND: Record<TrashType, string> = { task: "Task", project: "Project", comment: "Comment" };

function purgeDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
}

function TrashRow({ item, canPurge, projectName }: { item: TrashItem; canPurge: boolean; projectName?: string }) {
  const restore = useRestore();
  const purge = usePurge();
  const confirm = useConfirm();
  const toast = useToast();
  const busy = restore.isPending || purge.isPending;

  async function onRestore() {
    try {
      await restore.mutateAsync({ type: item.type, id: item.id });
      toast(`Restored “${item.title}”.`);
    } catch (e) {
      toast(`Couldn't restore “${item.title}”: ${(e as Error).message}`, "error");
    }
  }

  async function onPurge() {
    const ok = await confirm({
      title: `Delete “${item.title}” forever?`,
      body:
        item.type === "project"
          ? "The project and every task, comment and file in it are gone for good. This cannot be undone."
          : "It is gone for good, with everything under it. This cannot be undone.",
      confirmLabel: "Delete forever",
      danger: true,
    });
    if (!ok) return;
    try {
      await purge.mutateAsync({ type: item.type, id: item.id });
      toast(`Deleted “${item.title}” for good.`);
    } catch (e) {
      toast(`Couldn't delete “${item.title}”: ${(e as Error).message}`, "error");
    }
  }

  return (
    <li className="trash-item">
      <div className="trash-what">
        <span className={`trash-kind trash-kind-${item.type}`}>{KIND[item.type]}</span>
        <span className="trash-title">{item.title}</span>
        <span className="muted small">
          {item.type !== "project" && projectName && <>in {projectName} · </>}
          deleted {timeAgo(item.deleted_at)}
          {item.deleted_by && <> by {item.deleted_by.username}</>} · gone for good on {purgeDate(item.purge_at)}
        </span>
      </div>
      <div className="trash-actions">
        <button type="button" className="button small" disabled={busy} onClick={() => void onRestore()}>
          Restore
        </button>
        {canPurge && (
          <button type="button" className="button small danger" disabled={busy} onClick={() => void onPurge()}>
            Delete forever
          </button>
        )}
      </div>
    </li>
  );
}

export function TrashPage() {
  const [offset, setOffset] = useState(0);
  const trash = useTrash(offset, PAGE_SIZE);
  const projects = useProjects();
  const project = (id: number) => projects.data?.find((p) => p.id === id);
  const total = trash.data?.total ?? 0;

  return (
    <div className="trash pad">
      <h1>Trash</h1>
      <p className="muted">
        Deleted tasks, projects and comments stay here until they are purged, then they are gone for good. Restoring
        brings one back as it was, with its subtasks, comments, votes, labels and files.
      </p>
      {trash.isPending && <p role="status">Loading the trash…</p>}
      {trash.isError && <p role="alert">Couldn't load the trash: {trash.error.message}</p>}
      {trash.data && trash.data.items.length === 0 && offset === 0 && <p className="empty">The trash is empty.</p>}
      {trash.data && trash.data.items.length > 0 && (
        <ul className="trash-list" aria-label="Deleted items">
          {trash.data.items.map((item) => (
            <TrashRow
              key={`${item.type}-${item.id}`}
              item={item}
              projectName={project(item.project_id)?.name}
              canPurge={item.type === "project" || roleAtLeast(project(item.project_id)?.role, "admin")}
            />
          ))}
        </ul>
      )}
      {total > PAGE_SIZE && (
        <div className="row pager">
          <button
            type="button"
            className="button small"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
          >
            Newer
          </button>
          <span className="muted small">
            {offset + 1}–{Math.min(offset + PAGE_SIZE, total)} of {total}
          </span>
          <button
            type="button"
            className="button small"
            disabled={offset + PAGE_SIZE >= total}
            onClick={() => setOffset(offset + PAGE_SIZE)}
          >
            Older
          </button>
        </div>
      )}
      <p className="muted small">
        <Link to="/">Back to your Inbox</Link>
      </p>
    </div>
  );
}
