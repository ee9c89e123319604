// A task's comments: read, post, edit your own, delete (yours, or any as an admin).
import { useState, type ClipboardEvent, type FormEvent } from "react";
import { useAddComment, useComments, useCommitComment, useDeleteComment } from "../../api/comments";
import { useTrashedToast } from "../../api/trash";
import type { Comment, Task } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import { timeAgo } from "../../lib/dates";
import { useTextDraft } from "../../lib/textDraft";
import { useToast } from "../../lib/toast";
import { Markdown } from "../Markdown";
import { EditConflict, EditNotice } from "./EditConflict";
import { MentionChips, MentionInput } from "./MentionInput";
import "./Comments.css";

type Props = { task: Task; isAdmin: boolean; onPaste?: (event: ClipboardEvent) => void };

export function Comments({ task, isAdmin, onPaste }: Props) {
  const comments = useComments(task.id);
  const add = useAddComment(task.id);
  const toast = useToast();
  const [body, setBody] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = body.trim();
    if (!text) return;
    add.mutate(text, {
      onSuccess: () => setBody(""),
      onError: (e) => toast(`Couldn't post the comment: ${e.message}`, "error"),
    });
  }

  return (
    <section className="detail-section" aria-labelledby="comments-heading">
      <h3 id="comments-heading">
        Comments {task.comment_count > 0 && <span className="muted">{task.comment_count}</span>}
      </h3>
      {comments.isPending && <p className="muted">Loading comments…</p>}
      <ul className="comments">
        {comments.data?.map((c) => (
          <CommentItem key={c.id} comment={c} taskId={task.id} isAdmin={isAdmin} />
        ))}
      </ul>
      <form onSubmit={submit} className="stack">
        <label htmlFor="new-comment" className="visually-hidden">
          Write a comment
        </label>
        <MentionInput
          id="new-comment"
          projectId={task.project_id}
          rows={2}
          value={body}
          maxLength={10000}
          placeholder="Write a comment (Markdown, @ to mention)…"
          onValueChange={setBody}
          onPaste={onPaste}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit(e);
          }}
        />
        <div className="row">
          <button type="submit" className="button small" disabled={!body.trim() || add.isPending}>
            Comment
          </button>
        </div>
      </form>
    </section>
  );
}

function CommentItem({ comment: c, taskId, isAdmin }: { comment: Comment; taskId: number; isAdmin: boolean }) {
  const { user } = useAuth();
  const toast = useToast();
  const remove = useDeleteComment(taskId);
  const trashed = useTrashedToast();
  const commit = useCommitComment(taskId, c.id);
  // Comments have no version in the API: the edit's base is the text it started from.
  const draft = useTextDraft({ text: c.body, version: null }, commit, (e) =>
    toast(`Couldn't save the comment: ${e.message}`, "error"),
  );
  const mine = c.author.id === user?.id;

  function save(event: FormEvent) {
    event.preventDefault();
    const text = draft.text.trim();
    if (text) void draft.save(text);
  }

  return (
    <li className="comment">
      <div className="comment-head">
        <strong>{c.author.username}</strong> <span className="muted small">{timeAgo(c.created_at)}</span>
        {mine && !draft.editing && (
          <button
            type="button"
            className="link-button small"
            aria-label={`Edit your comment from ${timeAgo(c.created_at)}`}
            onClick={draft.begin}
          >
            Edit
          </button>
        )}
        {(mine || isAdmin) && (
          <button
            type="button"
            className="link-button small"
            aria-label={`Delete comment by ${c.author.username}`}
            onClick={() =>
              remove.mutate(c.id, {
                onSuccess: () => trashed("comment", c.id, `comment by ${c.author.username}`),
                onError: (e) => toast(`Couldn't delete: ${e.message}`, "error"),
              })
            }
          >
            Delete
          </button>
        )}
      </div>
      {draft.editing ? (
        <form className="stack" onSubmit={save}>
          <EditConflict draft={draft} what="comment" by="elsewhere" />
          <EditNotice draft={draft} what="comment" />
          <label htmlFor={`edit-comment-${c.id}`} className="visually-hidden">
            Edit comment
          </label>
          <textarea
            id={`edit-comment-${c.id}`}
            rows={3}
            maxLength={10000}
            value={draft.text}
            autoFocus
            onChange={(e) => draft.change(e.target.value)}
          />
          {!draft.conflict && (
            <div className="row">
              <button type="submit" className="button small primary" disabled={draft.busy}>
                Save
              </button>
              <button type="button" className="button small" onClick={draft.cancel}>
                Cancel
              </button>
            </div>
          )}
        </form>
      ) : (
        <>
          <Markdown source={c.body} />
          <MentionChips mentions={c.mentions} />
        </>
      )}
      {Date.parse(c.updated_at) - Date.parse(c.created_at) > 1000 && !draft.editing && (
        <span className="muted small">(edited)</span>
      )}
    </li>
  );
}
