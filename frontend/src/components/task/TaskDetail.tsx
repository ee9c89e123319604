// The detail panel: every field of one task, its subtasks, comments, votes and history.
import { useEffect, useRef, type ClipboardEvent } from "react";
import { useWatch } from "../../api/notifications";
import { MentionChips } from "./MentionInput";
import { useDeleteTask, useTask, useVote } from "../../api/tasks";
import { useTrashedToast } from "../../api/trash";
import { roleAtLeast, type Id, type Label, type Member, type Project, type Task } from "../../api/types";
import { timeAgo } from "../../lib/dates";
import { useConfirm } from "../../lib/confirm";
import { useToast } from "../../lib/toast";
import { ActivityLog } from "./ActivityLog";
import { Attachments, pastedImages, useFileDrop, useUploads } from "./Attachments";
import { Comments } from "./Comments";
import { Subtasks } from "./Subtasks";
import { TaskDescription } from "./TaskDescription";
import { TaskHistory } from "./TaskHistory";
import { TaskProperties } from "./TaskProperties";
import { TaskTitle } from "./TaskTitle";
import "./TaskDetail.css";

type Props = {
  taskId: Id;
  project: Project | undefined;
  labels: Label[];
  members: Member[];
  onClose: () => void;
  onOpenTask: (taskId: Id) => void;
};

export function TaskDetail({ taskId, project, labels, members, onClose, onOpenTask }: Props) {
  const task = useTask(taskId);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    closeRef.current?.focus({ preventScroll: true });
  }, [taskId]);

  return (
    <aside className="detail" aria-labelledby="detail-heading">
      <div className="detail-head">
        <h2 id="detail-heading" className="visually-hidden">
          Task details
        </h2>
        <button ref={closeRef} type="button" className="button small" onClick={onClose}>
          ← Close
        </button>
      </div>
      {task.isPending && (
        <p className="pad muted" role="status">
          Loading task…
        </p>
      )}
      {task.isError && (
        <p className="pad" role="alert">
          This task is gone or you can't see it any more.
        </p>
      )}
      {task.data && (
        <TaskFields
          key={task.data.id}
          task={task.data}
          project={project}
          labels={labels}
          members={members}
          onClose={onClose}
          onOpenTask={onOpenTask}
        />
      )}
    </aside>
  );
}

function TaskFields({ task, project, labels, members, onClose, onOpenTask }: { task: Task } & Omit<Props, "taskId">) {
  const toast = useToast();
  const confirm = useConfirm();
  const remove = useDeleteTask();
  const trashed = useTrashedToast();
  const vote = useVote();
  const watch = useWatch(task.id);
  const canEdit = roleAtLeast(project?.role, "editor");
  const isAdmin = roleAtLeast(project?.role, "admin");
  const files = useUploads(task.id);
  const drop = useFileDrop(canEdit && !project?.archived, (dropped) => void files.upload(dropped));
  // A pasted screenshot becomes an attachment (the text field keeps any text pasted with it).
  const onPaste = (event: ClipboardEvent) => {
    const images = canEdit ? pastedImages(event) : [];
    if (images.length === 0) return;
    event.preventDefault();
    void files.upload(images);
  };

  async function deleteTask() {
    const ok = await confirm({
      title: `Delete “${task.title}”?`,
      body: "It goes to the trash with its subtasks and comments; Undo or the Trash page brings it back.",
      confirmLabel: "Delete",
      danger: true,
    });
    if (!ok) return;
    try {
      await remove.mutateAsync(task.id);
      trashed("task", task.id, task.title);
      onClose();
    } catch (e) {
      toast(`Couldn't delete: ${(e as Error).message}`, "error");
    }
  }

  return (
    <div className="detail-body" {...drop.handlers}>
      {task.parent_id && (
        <button type="button" className="link-button" onClick={() => onOpenTask(task.parent_id!)}>
          ↑ Parent task
        </button>
      )}
      <TaskTitle task={task} canEdit={canEdit} />
      <TaskProperties
        task={task}
        canEdit={canEdit}
        isAdmin={isAdmin}
        labels={labels}
        members={members}
        onMoved={onClose}
      />

      <div className="row">
        <button
          type="button"
          className={`button small${task.voted_by_me ? " pressed" : ""}`}
          aria-pressed={task.voted_by_me}
          onClick={() => vote.mutate(task)}
        >
          ▲ {task.voted_by_me ? "Voted" : "Vote"} · {task.vote_count}
        </button>
        <button
          type="button"
          className={`button small${task.watching ? " pressed" : ""}`}
          aria-pressed={task.watching}
          title="Watchers are notified of comments and completion"
          disabled={watch.isPending}
          onClick={() => watch.mutate(!task.watching)}
        >
          {task.watching ? "👁 Watching" : "👁 Watch"}
        </button>
        {canEdit && (
          <button type="button" className="button small danger" onClick={deleteTask}>
            Delete task
          </button>
        )}
      </div>

      <TaskDescription task={task} canEdit={canEdit} onPaste={onPaste} />
      <MentionChips mentions={task.mentions} />
      {!task.parent_id && <Subtasks task={task} canEdit={canEdit} onOpenTask={onOpenTask} />}
      <Attachments
        task={task}
        canEdit={canEdit && !project?.archived}
        isAdmin={isAdmin}
        dragging={drop.dragging}
        uploads={files.uploads}
        onFiles={(picked) => void files.upload(picked)}
      />
      <Comments task={task} isAdmin={isAdmin} onPaste={onPaste} />
      <ActivityLog taskId={task.id} members={members} labels={labels} />
      <TaskHistory task={task} canEdit={canEdit && !project?.archived} members={members} labels={labels} />
      <p className="muted small">
        Created {timeAgo(task.created_at)}
        {task.completed_at && ` · completed ${timeAgo(task.completed_at)}`}
      </p>
    </div>
  );
}
