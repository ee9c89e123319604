// A task's files: drop or pick to upload (with progress), image previews, download, delete.
import { useEffect, useRef, useState, type ClipboardEvent, type DragEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import {
  downloadAttachment,
  fetchBlob,
  uploadAttachment,
  useAttachments,
  useDeleteAttachment,
} from "../../api/attachments";
import { queryKeys } from "../../api/queryKeys";
import type { Attachment, Id, Task } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import { timeAgo } from "../../lib/dates";
import { useToast } from "../../lib/toast";
import "./Attachments.css";

type Upload = { key: number; name: string; progress: number };

/** Upload files to a task: progress for each, a toast for a failure, the lists refreshed. */
export function useUploads(taskId: Id) {
  const qc = useQueryClient();
  const toast = useToast();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const next = useRef(0);

  async function upload(files: Iterable<File>) {
    await Promise.all(
      [...files].map(async (file) => {
        const key = next.current++;
        setUploads((all) => [...all, { key, name: file.name, progress: 0 }]);
        try {
          await uploadAttachment(taskId, file, (progress) =>
            setUploads((all) => all.map((u) => (u.key === key ? { ...u, progress } : u))),
          );
        } catch (e) {
          toast(`Couldn't attach ${file.name}: ${(e as Error).message}`, "error");
        } finally {
          setUploads((all) => all.filter((u) => u.key !== key));
        }
      }),
    );
    await qc.invalidateQueries({ queryKey: queryKeys.task(taskId) });
  }

  return { uploads, upload };
}

/** The images (screenshots) pasted into a text field, to attach to the task. */
export function pastedImages(event: ClipboardEvent): File[] {
  return [...event.clipboardData.files].filter((file) => file.type.startsWith("image/"));
}

/** Drag and drop of files onto an element (the task panel): its handlers and state. */
export function useFileDrop(enabled: boolean, onFiles: (files: File[]) => void) {
  const [dragging, setDragging] = useState(false);
  const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes("Files");
  return {
    dragging,
    handlers: {
      onDragOver: (e: DragEvent) => {
        if (!enabled || !hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        setDragging(true);
      },
      onDragLeave: (e: DragEvent) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      },
      onDrop: (e: DragEvent) => {
        if (!enabled || !e.dataTransfer.files.length) return;
        e.preventDefault();
        setDragging(false);
        onFiles([...e.dataTransfer.files]);
      },
    },
  };
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

type Props = {
  task: Task;
  canEdit: boolean;
  isAdmin: boolean;
  dragging: boolean;
  uploads: Upload[];
  onFiles: (files: File[]) => void;
};

export function Attachments({ task, canEdit, isAdmin, dragging, uploads, onFiles }: Props) {
  const attachments = useAttachments(task.id);
  const input = useRef<HTMLInputElement>(null);

  return (
    <section
      className={`detail-section attachments${dragging ? " dragging" : ""}`}
      aria-labelledby="attachments-heading"
    >
      <h3 id="attachments-heading">
        Attachments {task.attachment_count > 0 && <span className="muted">{task.attachment_count}</span>}
      </h3>
      <ul className="attachment-list">
        {attachments.data?.map((a) => (
          <AttachmentItem key={a.id} attachment={a} taskId={task.id} canDelete={isAdmin} />
        ))}
      </ul>
      {uploads.map((u) => (
        <div key={u.key} className="upload-progress">
          <span>{u.name}</span>
          <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />
        </div>
      ))}
      {canEdit && (
        <div className="row">
          <input
            ref={input}
            type="file"
            multiple
            className="visually-hidden"
            aria-label="Attach files"
            onChange={(e) => {
              if (e.target.files?.length) onFiles([...e.target.files]);
              e.target.value = "";
            }}
          />
          <button type="button" className="button small" onClick={() => input.current?.click()}>
            Attach files
          </button>
          <span className="muted small">
            {dragging ? "Drop to attach" : "or drop files on the task, or paste an image into its description or a comment"}
          </span>
        </div>
      )}
    </section>
  );
}

function AttachmentItem({ attachment: a, taskId, canDelete }: { attachment: Attachment; taskId: Id; canDelete: boolean }) {
  const { user } = useAuth();
  const toast = useToast();
  const remove = useDeleteAttachment(taskId);
  const preview = usePreview(a);
  const mine = a.created_by === user?.id;

  function download() {
    downloadAttachment(a).catch((e: Error) => toast(`Couldn't download: ${e.message}`, "error"));
  }

  return (
    <li className="attachment">
      {preview ? (
        <img className="attachment-preview" src={preview} alt={`Preview of ${a.filename}`} />
      ) : (
        <span className="attachment-icon" aria-hidden="true">
          📄
        </span>
      )}
      <div className="attachment-info">
        <button type="button" className="link-button" onClick={download} title={`Download ${a.filename}`}>
          {a.filename}
        </button>
        <span className="muted small">
          {formatSize(a.size)} · {a.uploader?.username ?? "deleted user"} · {timeAgo(a.created_at)}
        </span>
      </div>
      {(mine || canDelete) && (
        <button
          type="button"
          className="button small danger"
          aria-label={`Delete ${a.filename}`}
          disabled={remove.isPending}
          onClick={() =>
            remove.mutate(a.id, { onError: (e) => toast(`Couldn't delete: ${e.message}`, "error") })
          }
        >
          Delete
        </button>
      )}
    </li>
  );
}

const PREVIEWED = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif"]);

/** An object URL for an image's thumbnail (or the image, while the thumbnail is being made). */
function usePreview(a: Attachment): string | null {
  const [url, setUrl] = useState<string | null>(null);
  const source = a.thumbnail_url ?? (PREVIEWED.has(a.content_type) && a.size < 5 * 1024 * 1024 ? a.url : null);
  useEffect(() => {
    if (!source) return;
    let objectUrl: string | null = null;
    let live = true;
    fetchBlob(source)
      .then((blob) => {
        if (!live) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [source]);
  return url;
}
