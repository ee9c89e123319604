// Every page of the app and its typed URL state (TanStack Router, code-based routes).
// How to add a page: see frontend/README.md, "Adding a page".
import {
  Link,
  Outlet,
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  useNavigate,
  useRouter,
  useRouterState,
} from "@tanstack/react-router";
import { useEffect } from "react";
import { parseId } from "./api/types";
import { useAuth } from "./auth/AuthProvider";
import { ForgotPasswordPage } from "./auth/ForgotPasswordPage";
import { ResetPasswordPage } from "./auth/ResetPasswordPage";
import { SignInPage } from "./auth/SignInPage";
import { SignUpPage } from "./auth/SignUpPage";
import { VerifyEmailPage } from "./auth/VerifyEmailPage";
import { AccountPage } from "./components/AccountPage";
import { AppShell, HomeRedirect } from "./components/AppShell";
import { InvitePage } from "./components/InvitePage";
import { MyTasksPage } from "./components/MyTasksPage";
import { ProjectPage } from "./components/ProjectPage";
import { ProjectSettings } from "./components/ProjectSettings";
import { TrashPage } from "./components/TrashPage";
import { calendarSearchValidator } from "./lib/calendar";
import { filterPageValidator, taskSearchValidator } from "./lib/taskSearch";

/** Pages for a signed-out visitor only; a signed-in one goes on to `next` (or home). */
const SIGNED_OUT_ONLY = ["/login", "/signup", "/forgot-password"];
/** Pages that work either way (the links in emails). */
const EITHER = ["/reset-password", "/verify-email"];

function safeNext(next: unknown): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** The root: sends a signed-out visitor to sign in (and back afterwards), a signed-in one away from it. */
function Gate() {
  const { status } = useAuth();
  const router = useRouter();
  const navigate = useNavigate();
  const path = useRouterState({ select: (s) => s.location.pathname });

  const goSignIn = status === "signedOut" && !SIGNED_OUT_ONLY.includes(path) && !EITHER.includes(path);
  const goHome = status === "signedIn" && SIGNED_OUT_ONLY.includes(path);
  useEffect(() => {
    // Decide on the address as it is now: a page may have navigated since this render.
    const now = router.history.location;
    const url = new URL(now.href, window.location.origin);
    if (status === "signedOut" && !SIGNED_OUT_ONLY.includes(url.pathname) && !EITHER.includes(url.pathname)) {
      const next = url.pathname === "/" ? undefined : url.pathname + url.search;
      void navigate({ to: "/login", search: next ? { next } : {}, replace: true });
    } else if (status === "signedIn" && SIGNED_OUT_ONLY.includes(url.pathname)) {
      void navigate({ href: safeNext(url.searchParams.get("next")), replace: true });
    }
  }, [goSignIn, goHome, status, path, navigate, router]);

  if (EITHER.includes(path)) return <Outlet />;
  if (status === "loading" || goSignIn || goHome) {
    return (
      <div className="splash" role="status" aria-live="polite">
        Loading TaskFlow…
      </div>
    );
  }
  return <Outlet />;
}

export function NotFound() {
  return (
    <div className="pad">
      <h1>Not found</h1>
      <p>
        Nothing lives at this address. <Link to="/">Go to your Inbox</Link>
      </p>
    </div>
  );
}

const str = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

const rootRoute = createRootRoute({ component: Gate, notFoundComponent: NotFound });

// Signed out.
export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/login",
  validateSearch: (raw: Record<string, unknown>): { next?: string; notice?: string; oidc_error?: string } => ({
    next: str(raw.next),
    notice: str(raw.notice),
    oidc_error: str(raw.oidc_error),
  }),
  component: SignInPage,
});
const signUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/signup",
  validateSearch: (raw: Record<string, unknown>): { next?: string } => ({ next: str(raw.next) }),
  component: SignUpPage,
});
const forgotRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/forgot-password",
  component: ForgotPasswordPage,
});
const tokenSearch = (raw: Record<string, unknown>): { token?: string } => ({ token: str(raw.token) });
export const resetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/reset-password",
  validateSearch: tokenSearch,
  component: ResetPasswordPage,
});
export const verifyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/verify-email",
  validateSearch: tokenSearch,
  component: VerifyEmailPage,
});

// Signed in: the shell (top bar, sidebar) around every page.
const appRoute = createRoute({ getParentRoute: () => rootRoute, id: "app", component: AppShell });
const homeRoute = createRoute({ getParentRoute: () => appRoute, path: "/", component: HomeRedirect });
const accountRoute = createRoute({ getParentRoute: () => appRoute, path: "/account", component: AccountPage });
const trashRoute = createRoute({ getParentRoute: () => appRoute, path: "/trash", component: TrashPage });
// An invitation link (`{PUBLIC_URL}/invite?token=…`); signed out, the gate sends the visitor
// to sign in (or sign up) and back here with the token.
const inviteRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/invite",
  validateSearch: tokenSearch,
  component: InvitePage,
});
export const myTasksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/my-tasks",
  validateSearch: taskSearchValidator("due_at"),
  component: MyTasksPage,
});

// The filter page (SPEC §9, §13): `?q=` an expression of the filter language, `&saved=` the
// saved filter it came from. A chunk of its own.
export const filterRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/filter",
  validateSearch: filterPageValidator,
  component: lazyRouteComponent(() => import("./components/FilterPage"), "FilterPage"),
});

// Today and Upcoming (SPEC §13): `?task=` opens a task beside the days.
const openTaskSearch = (raw: Record<string, unknown>): { task?: number } => {
  const task = typeof raw.task === "number" ? String(raw.task) : str(raw.task);
  return { task: parseId(task) };
};
export const todayRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/today",
  validateSearch: openTaskSearch,
  // A chunk of its own (with dnd-kit), loaded when first opened.
  component: lazyRouteComponent(() => import("./components/SchedulePages"), "TodayPage"),
});
export const upcomingRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/upcoming",
  validateSearch: openTaskSearch,
  component: lazyRouteComponent(() => import("./components/SchedulePages"), "UpcomingPage"),
});

// The calendar (SPEC §13): `?view=month|week&date=YYYY-MM-DD&task=`. A chunk of its own
// (FullCalendar), loaded when first opened.
export const calendarRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/calendar",
  validateSearch: calendarSearchValidator,
  component: lazyRouteComponent(() => import("./components/CalendarPage"), "CalendarPage"),
});

export const projectRoute = createRoute({ getParentRoute: () => appRoute, path: "/projects/$projectId" });

/** A project page's id from the URL, or the not-found page for one that is not an id. */
export function withProjectId(render: (projectId: number) => React.ReactNode) {
  return function ProjectRoute() {
    const projectId = parseId(projectRoute.useParams().projectId);
    return projectId ? render(projectId) : <NotFound />;
  };
}

export const projectListRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: "/",
  validateSearch: taskSearchValidator("position"),
  component: withProjectId((id) => <ProjectPage key={id} projectId={id} view="list" />),
});
export const projectBoardRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: "/board",
  validateSearch: taskSearchValidator("position"),
  component: withProjectId((id) => <ProjectPage key={id} projectId={id} view="board" />),
});
// The project's activity feed (SPEC §13): `?show=` keeps to one kind of change. A chunk of its own.
export const ACTIVITY_KINDS = ["tasks", "comments", "people", "project"] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const projectActivityRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: "/activity",
  validateSearch: (raw: Record<string, unknown>): { show?: ActivityKind } => ({
    show: ACTIVITY_KINDS.find((kind) => kind === raw.show),
  }),
  component: lazyRouteComponent(() => import("./components/ProjectActivity"), "ProjectActivityRoute"),
});
export const projectSettingsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: "/settings",
  component: withProjectId((id) => <ProjectSettings key={id} projectId={id} />),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  signUpRoute,
  forgotRoute,
  resetRoute,
  verifyRoute,
  appRoute.addChildren([
    homeRoute,
    accountRoute,
    trashRoute,
    inviteRoute,
    myTasksRoute,
    filterRoute,
    todayRoute,
    upcomingRoute,
    calendarRoute,
    projectRoute.addChildren([projectListRoute, projectBoardRoute, projectActivityRoute, projectSettingsRoute]),
  ]),
]);

export function makeRouter() {
  return createRouter({ routeTree, defaultNotFoundComponent: NotFound, scrollRestoration: true });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}
