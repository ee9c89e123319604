import { Link } from "@tanstack/react-router";

/** A project view whose project is gone, or no longer the caller's. */
export function ProjectNotFound() {
  return (
    <div className="pad">
      <h1>Project not found</h1>
      <p>
        It may have been deleted, or you are no longer a member. <Link to="/">Go to your Inbox</Link>
      </p>
    </div>
  );
}
