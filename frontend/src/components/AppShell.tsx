// The signed-in frame: top bar, projects sidebar, the current page, live status, shortcuts help.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { useProjects } from "../api/projects";
import { parseId } from "../api/types";
import { useAuth } from "../auth/AuthProvider";
import { useLiveUpdates } from "../live/useLiveUpdates";
import { Link, Outlet, useNavigate, useParams, useRouterState } from "@tanstack/react-router";
import { useShortcuts } from "../lib/shortcuts";
import { useTheme } from "../lib/theme";
import { HelpDialog } from "./HelpDialog";
import { NotificationBell } from "./NotificationBell";
import { OfflineBanner } from "./OfflineBanner";
import { Sidebar } from "./Sidebar";
import { UpdatePrompt } from "./UpdatePrompt";
import { VerifyBanner } from "./VerifyBanner";
import type { PaletteActions } from "./CommandPalette";
import "./AppShell.css";

// The command palette is a chunk of its own, fetched the first time it opens.
const CommandPalette = lazy(() => import("./CommandPalette").then((m) => ({ default: m.CommandPalette })));

/** Ctrl+K (⌘+K on a Mac) anywhere, even while typing: the command palette. */
function usePaletteKey(open: () => void): void {
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k") {
        event.preventDefault();
        open();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
}

/** `/`: the Inbox (or the first project). */
export function HomeRedirect() {
  const projects = useProjects();
  const navigate = useNavigate();
  const inbox = projects.data?.find((p) => p.is_inbox) ?? projects.data?.[0];
  useEffect(() => {
    if (inbox) void navigate({ to: "/projects/$projectId", params: { projectId: String(inbox.id) }, replace: true });
  }, [inbox, navigate]);
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
  const [theme, nextTheme] = useTheme();
  const [menuOpen, setMenuOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const live = useLiveUpdates(true);
  const [paletteOpen, setPaletteOpen] = useState(false);
  useShortcuts({ "?": () => setHelpOpen(true) });
  const openPalette = useCallback(() => {
    setHelpOpen(false);
    setPaletteOpen(true);
  }, []);
  const closePalette = useCallback(() => setPaletteOpen(false), []);
  usePaletteKey(openPalette);
  const paletteActions = useMemo<PaletteActions>(
    () => ({ toggleTheme: nextTheme, signOut: () => void signOut(), openHelp: () => setHelpOpen(true) }),
    [nextTheme, signOut],
  );

  const path = useRouterState({ select: (state) => state.location.pathname });
  const projectId = parseId(useParams({ strict: false }).projectId);

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
        <Link to="/" className="brand">
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
            className="icon-button palette-button"
            aria-label="Command palette"
            aria-keyshortcuts="Control+K Meta+K"
            title="Command palette (Ctrl+K)"
            onClick={openPalette}
          >
            ⌘
          </button>
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
          <Link to="/account" className="account-link" aria-current={path === "/account" ? "page" : undefined}>
            {user?.username}
          </Link>
          <button type="button" className="button small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <OfflineBanner />
      <UpdatePrompt />
      {user && <VerifyBanner user={user} />}
      <div className="body">
        <div id="sidebar" className="sidebar-wrap">
          <Sidebar activeProjectId={projectId} myTasks={path === "/my-tasks"} onNavigate={() => setMenuOpen(false)} />
        </div>
        {menuOpen && <div className="scrim" aria-hidden="true" onClick={() => setMenuOpen(false)} />}
        <main id="main" className="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
      <HelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} onPalette={openPalette} />
      {paletteOpen && (
        <Suspense fallback={null}>
          <CommandPalette onClose={closePalette} actions={paletteActions} />
        </Suspense>
      )}
    </div>
  );
}
