// The signed-in frame: top bar, projects sidebar, the current page, live status, shortcuts help.
import { useEffect, useState } from "react";
import { useProjects } from "../api/projects";
import { parseId } from "../api/types";
import { useAuth } from "../auth/AuthProvider";
import { useLiveUpdates } from "../live/useLiveUpdates";
import { Link, matchPath, navigate, useLocation } from "../lib/router";
import { useShortcuts } from "../lib/shortcuts";
import { useTheme } from "../lib/theme";
import { AccountPage } from "./AccountPage";
import { HelpDialog } from "./HelpDialog";
import { InvitePage } from "./InvitePage";
import { MyTasksPage } from "./MyTasksPage";
import { NotificationBell } from "./NotificationBell";
import { ProjectPage } from "./ProjectPage";
import { ProjectSettings } from "./ProjectSettings";
import { Sidebar } from "./Sidebar";
import { VerifyBanner } from "./VerifyBanner";
import "./AppShell.css";

function HomeRedirect() {
  const projects = useProjects();
  const inbox = projects.data?.find((p) => p.is_inbox) ?? projects.data?.[0];
  useEffect(() => {
    if (inbox) navigate(`/projects/${inbox.id}`, { replace: true });
  }, [inbox]);
  if (projects.isError) return <p className="pad">Couldn't load your projects. Reload to try again.</p>;
  if (projects.data && !inbox) return <p className="pad">You have no projects yet. Create one in the sidebar.</p>;
  return (
    <p className="pad muted" role="status">
      Loading…
    </p>
  );
}

const THEME_LABEL = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" } as const;
const THEME_ICON = { system: "◐", light: "☀", dark: "☾" } as const;

export function AppShell() {
  const { user, signOut } = useAuth();
  const location = useLocation();
  const [theme, nextTheme] = useTheme();
  const [menuOpen, setMenuOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const live = useLiveUpdates(true);
  useShortcuts({ "?": () => setHelpOpen(true) });

  const settings = matchPath("/projects/:id/settings", location.path);
  const board = matchPath("/projects/:id/board", location.path);
  const list = matchPath("/projects/:id", location.path);
  const projectId = parseId((settings ?? board ?? list)?.id);

  let page;
  if (location.path === "/") page = <HomeRedirect />;
  else if (location.path === "/account") page = <AccountPage />;
  else if (location.path === "/invite") page = <InvitePage />;
  else if (location.path === "/my-tasks") page = <MyTasksPage />;
  else if (projectId && settings) page = <ProjectSettings key={projectId} projectId={projectId} />;
  else if (projectId && board) page = <ProjectPage key={projectId} projectId={projectId} view="board" />;
  else if (projectId && list) page = <ProjectPage key={projectId} projectId={projectId} view="list" />;
  else
    page = (
      <div className="pad">
        <h1>Not found</h1>
        <p>
          Nothing lives at this address. <Link href="/">Go to your Inbox</Link>
        </p>
      </div>
    );

  return (
    <div className={`shell${menuOpen ? " menu-open" : ""}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="icon-button menu-button"
          aria-label="Projects menu"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuOpen((o) => !o)}
        >
          ☰
        </button>
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ✓
          </span>
          TaskFlow
        </Link>
        <span className={`live live-${live}`} role="status" title={`Live updates: ${live}`}>
          <span className="visually-hidden">Live updates: </span>
          {live === "live" ? "Live" : live === "connecting" ? "Connecting…" : "Offline — reconnecting"}
        </span>
        <div className="topbar-actions">
          <NotificationBell />
          <button
            type="button"
            className="icon-button"
            aria-label="Keyboard shortcuts"
            onClick={() => setHelpOpen(true)}
          >
            ?
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={`${THEME_LABEL[theme]} (change)`}
            title={THEME_LABEL[theme]}
            onClick={nextTheme}
          >
            {THEME_ICON[theme]}
          </button>
          <Link
            href="/account"
            className="account-link"
            aria-current={location.path === "/account" ? "page" : undefined}
          >
            {user?.username}
          </Link>
          <button type="button" className="button small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {user && <VerifyBanner user={user} />}
      <div className="body">
        <div id="sidebar" className="sidebar-wrap">
          <Sidebar
            activeProjectId={projectId}
            myTasks={location.path === "/my-tasks"}
            onNavigate={() => setMenuOpen(false)}
          />
        </div>
        {menuOpen && <div className="scrim" aria-hidden="true" onClick={() => setMenuOpen(false)} />}
        <main id="main" className="main" tabIndex={-1}>
          {page}
        </main>
      </div>
      <HelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}
