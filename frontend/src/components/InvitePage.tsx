// /invite?token=…: accept an invitation (signed in; a signed-out visitor comes back here
// after signing in or signing up, the link carried in `next`).
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { acceptInvitation } from "../api/notifications";
import { queryKeys } from "../api/queryKeys";
import { resubscribeLive } from "../live/useLiveUpdates";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { useToast } from "../lib/toast";

export function InvitePage() {
  const { token } = useSearch({ from: "/app/invite" });
  const navigate = useNavigate();
  const qc = useQueryClient();
  const toast = useToast();
  const [error, setError] = useState<string | null>(token ? null : "This invitation link is incomplete.");
  const started = useRef(false);

  useEffect(() => {
    if (!token || started.current) return;
    started.current = true;
    acceptInvitation(token).then(
      async (project) => {
        // Right after sign-up the sidebar's first list of projects can still be on its way,
        // asked before the join. A refetch would be merged into that request (TanStack Query
        // does not cancel a first fetch that has no data yet), and the new project would be
        // missing from the sidebar: cancel it, then fetch again.
        await qc.cancelQueries({ queryKey: queryKeys.projects });
        await qc.invalidateQueries({ queryKey: queryKeys.projects });
        resubscribeLive();
        toast(`You joined “${project.name}” as ${project.role}.`);
        void navigate({ to: "/projects/$projectId", params: { projectId: String(project.id) }, replace: true });
      },
      (e: Error) => setError(e.message),
    );
  }, [token, qc, toast, navigate]);

  return (
    <div className="pad">
      <h1>Invitation</h1>
      {error ? (
        <p role="alert">
          {error} <Link to="/">Go to your Inbox</Link>
        </p>
      ) : (
        <p className="muted" role="status">
          Joining the project…
        </p>
      )}
    </div>
  );
}
