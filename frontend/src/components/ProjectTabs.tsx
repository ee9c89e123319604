// A project's views: List, Board, Activity, Settings (the project page and the Activity tab).
import { Link } from "@tanstack/react-router";
import type { Id } from "../api/types";

const TAB_ACTIVE = { exact: true, includeSearch: false } as const;

export function ProjectTabs({ projectId }: { projectId: Id }) {
  const params = { projectId: String(projectId) };
  return (
    <nav className="tabs" aria-label="Project views">
      <Link to="/projects/$projectId" params={params} search={(prev) => prev} className="tab" activeOptions={TAB_ACTIVE}>
        List
      </Link>
      <Link
        to="/projects/$projectId/board"
        params={params}
        search={(prev) => prev}
        className="tab"
        activeOptions={TAB_ACTIVE}
      >
        Board
      </Link>
      <Link to="/projects/$projectId/activity" params={params} className="tab" activeOptions={TAB_ACTIVE}>
        Activity
      </Link>
      <Link to="/projects/$projectId/settings" params={params} className="tab" activeOptions={TAB_ACTIVE}>
        Settings
      </Link>
    </nav>
  );
}
