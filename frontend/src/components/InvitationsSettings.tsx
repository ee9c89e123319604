// Project settings: invite people by email (they may have no account yet), and the
// pending invitations, which admins can revoke.
import type { FormEvent } from "react";
import { useInvitations, useInvite, useRevokeInvitation } from "../api/notifications";
import { roleAtLeast, type Project } from "../api/types";
import { timeAgo } from "../lib/dates";
import { useToast } from "../lib/toast";

export function InvitationsSettings({ project }: { project: Project }) {
  const canAdmin = roleAtLeast(project.role, "admin");
  const invitations = useInvitations(project.id, canAdmin && !project.is_inbox);
  const invite = useInvite(project.id);
  const revoke = useRevokeInvitation(project.id);
  const toast = useToast();
  if (!canAdmin || project.is_inbox) return null;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    try {
      const sent = await invite.mutateAsync({
        email: String(data.get("email")).trim(),
        role: String(data.get("role")) as "admin" | "editor" | "viewer",
      });
      form.reset();
      toast(`Invitation sent to ${sent.email}.`);
    } catch (e) {
      toast(`Couldn't invite: ${(e as Error).message}`, "error");
    }
  }

  return (
    <section className="card-section" aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Invitations</h2>
      <form className="row wrap" onSubmit={submit}>
        <div className="field grow">
          <label htmlFor="invitation-email">Invite by email</label>
          <input id="invitation-email" name="email" type="email" required maxLength={254} />
        </div>
        <div className="field">
          <label htmlFor="invitation-role">Role</label>
          <select id="invitation-role" name="role" defaultValue="editor">
            <option value="admin">admin</option>
            <option value="editor">editor</option>
            <option value="viewer">viewer</option>
          </select>
        </div>
        <button type="submit" className="button primary" disabled={invite.isPending}>
          Send invitation
        </button>
      </form>
      <h3 className="small">Pending</h3>
      {invitations.data?.length === 0 && <p className="muted small">No pending invitations.</p>}
      <ul className="member-list" aria-label="Pending invitations">
        {invitations.data?.map((i) => (
          <li key={i.id} className="member">
            <div>
              <strong>{i.email}</strong> <span className="badge">{i.role}</span>
              <div className="muted small">
                invited {timeAgo(i.created_at)}
                {i.invited_by ? ` by @${i.invited_by.username}` : ""} · expires{" "}
                {new Date(i.expires_at).toLocaleDateString()}
              </div>
            </div>
            <button
              type="button"
              className="button small"
              disabled={revoke.isPending}
              onClick={() =>
                revoke.mutate(i.id, {
                  onSuccess: () => toast(`Invitation to ${i.email} revoked.`),
                  onError: (e) => toast(`Couldn't revoke: ${(e as Error).message}`, "error"),
                })
              }
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
