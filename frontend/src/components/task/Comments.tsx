// A task's comments: read, post, edit your own, delete (yours, or any as an admin).
import { useState, type FormEvent } from "react";
import { useAddComment, useComments, useDeleteComment, useEditComment } from "../../api/comments";
import type { Id, Task } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import { timeAgo } from "../../lib/dates";
import { useToast } from "../../lib/toast";
import { Markdown } from "../Markdown";
import "./Comments.css";

export function Comments({ task, isAdmin }: { task: Task; isAdmin: boolean }) {
  const { user } = useAuth();
  const comments = useComments(task.id);
  const add = useAddComment(task.id);
  const remove = useDeleteComment(task.id);
  const change = useEditComment(task.id);
  const toast = useToast();
  const [body, setBody] = useState("");
  const [editing, setEditing] = useState<{ id: Id; body: string } | null>(null);

  function saveEdit(event: FormEvent) {
    event.preventDefault();
    if (!editing || !editing.body.trim()) return;
    change.mutate(
      { commentId: editing.id, body: editing.body.trim() },
      { onSuccess: () => setEditing(null), onError: (e) => toast(`Couldn't save the comment: ${e.message}`, "error") },
    );
  }

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
          <li key={c.id} className="comment">
            <div className="comment-head">
              <strong>{c.author.username}</strong> <span className="muted small">{timeAgo(c.created_at)}</span>
              {c.author.id === user?.id && editing?.id !== c.id && (
                <button
                  type="button"
                  className="link-button small"
                  aria-label={`Edit your comment from ${timeAgo(c.created_at)}`}
                  onClick={() => setEditing({ id: c.id, body: c.body })}
                >
                  Edit
                </button>
              )}
              {(c.author.id === user?.id || isAdmin) && (
                <button
                  type="button"
                  className="link-button small"
                  aria-label={`Delete comment by ${c.author.username}`}
                  onClick={() =>
                    remove.mutate(c.id, { onError: (e) => toast(`Couldn't delete: ${e.message}`, "error") })
                  }
                >
                  Delete
                </button>
              )}
            </div>
            {editing?.id === c.id ? (
              <form className="stack" onSubmit={saveEdit}>
                <label htmlFor={`edit-comment-${c.id}`} className="visually-hidden">
                  Edit comment
                </label>
                <textarea
                  id={`edit-comment-${c.id}`}
                  rows={3}
                  maxLength={10000}
                  value={editing.body}
                  autoFocus
                  onChange={(e) => setEditing({ id: c.id, body: e.target.value })}
                />
                <div className="row">
                  <button type="submit" className="button small primary" disabled={change.isPending}>
                    Save
                  </button>
                  <button type="button" className="button small" onClick={() => setEditing(null)}>
                    Cancel
                  </button>
                </div>
              </form>
            ) : (
              <Markdown source={c.body} />
            )}
            {Date.parse(c.updated_at) - Date.parse(c.created_at) > 1000 && editing?.id !== c.id && (
              <span className="muted small">(edited)</span>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={submit} className="stack">
        <label htmlFor="new-comment" className="visually-hidden">
          Write a comment
        </label>
        <textarea
          id="new-comment"
          rows={2}
          value={body}
          maxLength={10000}
          placeholder="Write a comment (Markdown)…"
          onChange={(e) => setBody(e.target.value)}
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
