// An in-memory stand-in for the TaskFlow API (SPEC §3), installed with page.route,
// so the web app's screens can be walked in a real browser without a server.
// Every response is typed with the generated API schema (src/api/schema.d.ts), so
// `npm run typecheck` fails when the real API changes and the fake falls behind.
// A route the fake does not know answers 404 and is recorded in `unhandled`; the
// specs assert it stays empty, so a new call of the app cannot go unnoticed.
import type { BrowserContext, Route, WebSocketRoute } from "@playwright/test";
import { generateKeyBetween } from "fractional-indexing";
import type { components } from "../src/api/schema";

type S = components["schemas"];
/** A task as stored: TaskPublic without the per-caller and counted fields. */
export type StoredTask = Omit<
  S["TaskPublic"],
  | "labels"
  | "vote_count"
  | "voted_by_me"
  | "comment_count"
  | "attachment_count"
  | "subtask_count"
  | "subtasks_done"
  | "mentions"
  | "watching"
> & { label_ids: number[] };
type StoredProject = Omit<S["ProjectPublic"], "role">;
type StoredActivity = S["ActivityPublic"] & { project_id: number };

let counter = 0;
// Integer ids like the API; the prefix only documents what the id is for.
const id = (_prefix: string) => ++counter;
const now = () => new Date().toISOString();
/** Passwords the fake refuses as the real API's zxcvbn check would. */
const COMMON_PASSWORDS = ["password123", "qwertyuiop"];

export class FakeApi {
  users: S["UserPublic"][] = [];
  /** What GET /auth/providers says: "log" when the server has no mail server. */
  emailDelivery: "smtp" | "log" = "smtp";
  passwords = new Map<number, string>();
  projects: StoredProject[] = [];
  members: { project_id: number; user_id: number; role: S["Role"]; created_at: string }[] = [];
  labels: S["LabelPublic"][] = [];
  tasks: StoredTask[] = [];
  comments: S["CommentPublic"][] = [];
  votes = new Set<string>();
  /** "userId:taskId" of who watches what (the creator, assignee and commenters do). */
  watchers = new Set<string>();
  activity: StoredActivity[] = [];
  notificationSettings: S["NotificationSettingsPublic"] = {
    email: { assigned: true, mentioned: true, commented: true, reminder: true, member_added: true },
    digest: "off",
  };
  /** "METHOD /path" of each request the fake had no route for (it answered 404). */
  unhandled: string[] = [];
  sessions = new Map<string, { userId: number; sid: number }>(); // access token -> user
  refresh = new Map<string, { userId: number; sid: number }>(); // refresh cookie -> user
  sockets = new Map<WebSocketRoute, number>(); // socket -> user id
  /** Set to make the next PATCH /tasks/{id} answer 412 (stale version). */
  failNextPatchWith412 = false;
  /** Set to make the next PATCH /tasks/{id} fail with this status (e.g. 500). */
  failNextPatchWith: number | null = null;

  async install(context: BrowserContext): Promise<void> {
    await context.route("**/api/v1/**", (route) => this.handle(route));
    await context.routeWebSocket(/\/api\/v1\/ws$/, (ws) => this.socket(ws));
  }

  // ---- helpers -------------------------------------------------------------

  /** Answers with `body`, which must be the named schema of the real API. */
  private send<K extends keyof S>(route: Route, status: number, _schema: K, body: S[K], headers: Record<string, string> = {}) {
    return this.json(route, status, body, headers);
  }

  private error(route: Route, status: number, detail: string, headers: Record<string, string> = {}) {
    return this.json(route, status, { detail } satisfies S["ErrorBody"], headers);
  }

  private json(route: Route, status: number, body?: unknown, headers: Record<string, string> = {}) {
    return route.fulfill({
      status,
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? "" : JSON.stringify(body),
    });
  }

  private page<T>(items: T[], url: URL): { items: T[]; total: number; limit: number; offset: number } {
    const limit = Number(url.searchParams.get("limit") ?? 20);
    const offset = Number(url.searchParams.get("offset") ?? 0);
    return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
  }

  /** Adds a task as the API would store it; the Part II fields get their defaults. */
  addTask(fields: Pick<StoredTask, "project_id" | "title"> & Partial<StoredTask>): StoredTask {
    const task: StoredTask = {
      id: id("tsk"),
      parent_id: null,
      section_id: null,
      description: "",
      status: "todo",
      priority: 0,
      due_at: null,
      due_all_day: false,
      start_at: null,
      recurrence: null,
      recurrence_basis: "due",
      completed_at: null,
      assignee_id: null,
      label_ids: [],
      // After the last key, as the server appends (tasks/positions.py).
      position: generateKeyBetween(this.tasks.map((t) => t.position).sort().at(-1) ?? null, null),
      created_by: null,
      created_at: now(),
      updated_at: now(),
      version: 1,
      ...fields,
    };
    this.tasks.push(task);
    if (task.created_by !== null) this.watchers.add(`${task.created_by}:${task.id}`);
    return task;
  }

  /** `@username` mentions of the project's members in `text`. */
  private mentions(text: string, projectId: number): S["MentionPublic"][] {
    const names = new Set([...text.matchAll(/@([A-Za-z0-9_.-]+)/g)].map((x) => x[1].toLowerCase()));
    return this.members
      .filter((x) => x.project_id === projectId)
      .map((x) => this.users.find((u) => u.id === x.user_id)!)
      .filter((u) => names.has(u.username.toLowerCase()))
      .map((u) => ({ id: u.id, username: u.username }));
  }

  private issue(userId: number, sid = id("sid")) {
    const access = `access-${id("access")}`;
    const refresh = `refresh-${id("refresh")}`;
    this.sessions.set(access, { userId, sid });
    this.refresh.set(refresh, { userId, sid });
    return { access, refresh };
  }

  private async cookie(route: Route): Promise<string | undefined> {
    const header = (await route.request().allHeaders())["cookie"] ?? "";
    return /taskflow_refresh=([^;]+)/.exec(header)?.[1];
  }

  private setCookie(value: string) {
    return `taskflow_refresh=${value}; HttpOnly; SameSite=Strict; Path=/api/v1/auth`;
  }

  private projectFor(userId: number, p: StoredProject): S["ProjectPublic"] | null {
    const m = this.members.find((x) => x.project_id === p.id && x.user_id === userId);
    return m ? { ...p, role: m.role } : null;
  }

  private taskPublic(t: StoredTask, userId: number): S["TaskPublic"] {
    const { label_ids, ...rest } = t;
    return {
      ...rest,
      labels: this.labels
        .filter((l) => label_ids.includes(l.id))
        .map(({ id, name, color }) => ({ id, name, color })),
      vote_count: [...this.votes].filter((v) => v.endsWith(`:${t.id}`)).length,
      voted_by_me: this.votes.has(`${userId}:${t.id}`),
      comment_count: this.comments.filter((c) => c.task_id === t.id).length,
      attachment_count: 0,
      subtask_count: this.tasks.filter((s) => s.parent_id === t.id).length,
      subtasks_done: this.tasks.filter((s) => s.parent_id === t.id && s.status === "done").length,
      mentions: this.mentions(t.description, t.project_id),
      watching: this.watchers.has(`${userId}:${t.id}`),
    };
  }

  private emit(verb: string, projectId: number, taskId: number | null, actorId: number) {
    this.activity.unshift({
      id: id("act"),
      actor: this.actor(actorId),
      verb,
      task_id: taskId,
      project_id: projectId,
      changes: {},
      created_at: now(),
    });
    for (const [ws, userId] of this.sockets) {
      if (this.members.some((m) => m.project_id === projectId && m.user_id === userId)) {
        ws.send(JSON.stringify({ type: verb, project_id: projectId, task_id: taskId, actor_id: actorId, data: {} }));
      }
    }
  }

  private projectOfTask(taskId: number): number {
    return Number(this.tasks.find((t) => t.id === taskId)?.project_id);
  }

  private actor(userId: number): S["ActorPublic"] {
    const u = this.users.find((x) => x.id === userId)!;
    return { id: u.id, username: u.username };
  }

  createUser(email: string, username: string, password: string, verified = false): S["UserPublic"] {
    const user: S["UserPublic"] = {
      id: id("usr"),
      email,
      username,
      full_name: "",
      is_active: true,
      is_verified: verified,
      is_superuser: false,
      two_factor_enabled: false,
      timezone: "UTC",
      created_at: now(),
    };
    this.users.push(user);
    this.passwords.set(user.id, password);
    const inbox: StoredProject = {
      id: id("prj"),
      name: "Inbox",
      description: "",
      color: "#808080",
      is_inbox: true,
      archived: false,
      created_at: now(),
    };
    this.projects.push(inbox);
    this.members.push({ project_id: inbox.id, user_id: user.id, role: "owner", created_at: now() });
    return user;
  }

  // ---- WebSocket -------------------------------------------------------------

  private socket(ws: WebSocketRoute) {
    ws.onMessage((message) => {
      const data = JSON.parse(String(message)) as { type: string; token?: string };
      if (data.type !== "auth") return;
      const session = data.token ? this.sessions.get(data.token) : undefined;
      if (!session) {
        void ws.close({ code: 4401, reason: "unauthorized" });
        return;
      }
      this.sockets.set(ws, session.userId);
      ws.send(JSON.stringify({ type: "ready" }));
    });
    ws.onClose(() => this.sockets.delete(ws));
  }

  // ---- HTTP ------------------------------------------------------------------

  private async handle(route: Route) {
    const request = route.request();
    const url = new URL(request.url());
    const path = url.pathname.replace(/^\/api\/v1/, "");
    const method = request.method();
    const body = (() => {
      try {
        return (request.postDataJSON() ?? {}) as Record<string, unknown>;
      } catch {
        return {} as Record<string, unknown>;
      }
    })();

    // -- unauthenticated auth routes
    if (method === "GET" && path === "/auth/providers") {
      return this.send(route, 200, "ProvidersPublic", {
        password: true,
        oidc: null,
        email_delivery: this.emailDelivery,
      });
    }
    if (method === "POST" && path === "/auth/register") {
      if (COMMON_PASSWORDS.includes(String(body.password)))
        return this.json(route, 422, {
          detail: [
            {
              type: "value_error",
              loc: ["body", "password"],
              msg: "Value error, This password is too common; choose a less guessable one",
            },
          ],
        });
      if (this.users.some((u) => u.username === body.username))
        return this.json(route, 409, { detail: "Username is taken" });
      if (this.users.some((u) => u.email === body.email)) return this.json(route, 409, { detail: "Email is taken" });
      const user = this.createUser(String(body.email), String(body.username), String(body.password));
      return this.send(route, 201, "UserPublic", user);
    }
    if (method === "POST" && path === "/auth/token") {
      if (!request.headers()["content-type"]?.startsWith("application/x-www-form-urlencoded")) {
        return this.json(route, 422, { detail: [{ loc: ["body", "username"], msg: "Field required" }] });
      }
      const form = new URLSearchParams(request.postData() ?? "");
      const login = (form.get("username") ?? "").toLowerCase();
      const user = this.users.find(
        (u) => String(u.username).toLowerCase() === login || String(u.email).toLowerCase() === login,
      );
      if (!user || this.passwords.get(user.id) !== form.get("password"))
        return this.json(route, 401, { detail: "Incorrect username or password" });
      const { access, refresh } = this.issue(user.id);
      return this.json(
        route,
        200,
        { access_token: access, refresh_token: refresh, token_type: "bearer", expires_in: 900 } satisfies S["TokenPublic"],
        { "set-cookie": this.setCookie(refresh) },
      );
    }
    if (method === "POST" && path === "/auth/refresh") {
      const token = request.headers()["x-requested-with"] === "taskflow" ? await this.cookie(route) : undefined;
      const session = token ? this.refresh.get(token) : undefined;
      if (!token || !session) return this.json(route, 401, { detail: "Invalid refresh token" });
      this.refresh.delete(token);
      const { access, refresh } = this.issue(session.userId, session.sid);
      return this.json(
        route,
        200,
        { access_token: access, refresh_token: refresh, token_type: "bearer", expires_in: 900 } satisfies S["TokenPublic"],
        { "set-cookie": this.setCookie(refresh) },
      );
    }
    if (method === "POST" && path === "/auth/logout") {
      const token = await this.cookie(route);
      if (token) this.refresh.delete(token);
      return route.fulfill({
        status: 204,
        headers: { "set-cookie": "taskflow_refresh=; Max-Age=0; Path=/api/v1/auth" },
      });
    }
    if (method === "POST" && path === "/auth/password-reset/request") return route.fulfill({ status: 202 });
    if (method === "POST" && path === "/auth/password-reset/confirm") {
      const user = this.users.find((u) => `reset-${u.id}` === body.token);
      if (!user) return this.json(route, 400, { detail: "Invalid token" });
      this.passwords.set(user.id, String(body.new_password));
      return route.fulfill({ status: 204 });
    }
    if (method === "POST" && path === "/auth/verify/confirm") {
      const user = this.users.find((u) => `verify-${u.id}` === body.token);
      if (!user) return this.json(route, 400, { detail: "Invalid token" });
      user.is_verified = true;
      return this.send(route, 200, "UserPublic", user);
    }

    // -- everything else needs a bearer token
    const auth = request.headers()["authorization"] ?? "";
    const session = this.sessions.get(auth.replace(/^Bearer /, ""));
    if (!session) return this.json(route, 401, { detail: "Not authenticated" }, { "www-authenticate": "Bearer" });
    const me = this.users.find((u) => u.id === session.userId);
    if (!me) return this.error(route, 401, "Not authenticated", { "www-authenticate": "Bearer" });
    const myProjectIds = this.members.filter((m) => m.user_id === me.id).map((m) => m.project_id);
    let m: RegExpExecArray | null;

    if (path === "/users/me" && method === "GET") return this.send(route, 200, "UserPublic", me);
    if (path === "/users/me" && method === "PATCH") {
      Object.assign(me, body);
      return this.send(route, 200, "UserPublic", me);
    }
    if (path === "/users/me/notification-settings") {
      if (method === "PATCH") {
        const update = body as S["NotificationSettingsUpdate"];
        Object.assign(this.notificationSettings.email, update.email ?? {});
        if (update.digest) this.notificationSettings.digest = update.digest;
      }
      return this.send(route, 200, "NotificationSettingsPublic", this.notificationSettings);
    }
    // Nobody notifies anybody in the fake: the bell stays empty.
    if (path === "/notifications/unread-count" && method === "GET")
      return this.send(route, 200, "UnreadCount", { count: 0 });
    if (path === "/notifications" && method === "GET")
      return this.json(route, 200, this.page<S["NotificationPublic"]>([], url));
    if (path === "/notifications/read" && method === "POST") return route.fulfill({ status: 204 });
    if (path === "/auth/verify/request" && method === "POST") return route.fulfill({ status: 202 });
    if (path === "/users/me/password" && method === "POST") {
      if (this.passwords.get(me.id) !== body.current_password)
        return this.json(route, 400, { detail: "Current password is wrong" });
      this.passwords.set(me.id, String(body.new_password));
      const { access, refresh } = this.issue(me.id);
      return this.json(
        route,
        200,
        { access_token: access, refresh_token: refresh, token_type: "bearer", expires_in: 900 } satisfies S["TokenPublic"],
        { "set-cookie": this.setCookie(refresh) },
      );
    }
    if (path === "/users/me" && method === "DELETE") {
      if (this.passwords.get(me.id) !== body.password) return this.json(route, 400, { detail: "Wrong password" });
      this.users = this.users.filter((u) => u !== me);
      return route.fulfill({ status: 204 });
    }
    if ((m = /^\/auth\/sessions\/([^/]+)$/.exec(path)) && method === "DELETE") return route.fulfill({ status: 204 });
    if (path === "/auth/logout-all" && method === "POST") return route.fulfill({ status: 204 });
    // Personal tokens, invitations and webhooks are walked against the real server
    // (server.spec.ts, integrations.spec.ts): the fake lists none.
    if (path === "/auth/api-tokens" && method === "GET")
      return this.send(route, 200, "Page_ApiTokenPublic_", this.page([], url));
    if (/^\/projects\/[^/]+\/invitations$/.test(path) && method === "GET")
      return this.send(route, 200, "Page_InvitationPublic_", this.page([], url));
    if (/^\/projects\/[^/]+\/webhooks$/.test(path) && method === "GET")
      return this.send(route, 200, "Page_WebhookPublic_", this.page([], url));
    // Saved filters and sections are walked against the real server (filters-sections.spec.ts):
    // the fake lists none.
    if (path === "/filters" && method === "GET") return this.send(route, 200, "Page_FilterPublic_", this.page([], url));
    if (/^\/projects\/[^/]+\/sections$/.test(path) && method === "GET")
      return this.send(route, 200, "Page_SectionPublic_", this.page([], url));
    if ((m = /^\/labels\/([^/]+)$/.exec(path))) {
      const label = this.labels.find((l) => l.id === Number(m![1]));
      if (!label) return this.json(route, 404, { detail: "Label not found" });
      if (method === "DELETE") {
        this.labels = this.labels.filter((l) => l !== label);
        return route.fulfill({ status: 204 });
      }
      Object.assign(label, body);
      return this.send(route, 200, "LabelPublic", label);
    }
    if (path === "/auth/sessions" && method === "GET") {
      const current: S["SessionPublic"] = {
        id: session.sid,
        created_at: now(),
        last_used_at: now(),
        user_agent: "Chromium",
        ip: "127.0.0.1",
        current: true,
        signed_in_with: null,
      };
      return this.send(route, 200, "SessionPage", this.page([current], url));
    }
    if (path === "/export" && method === "GET")
      return this.send(route, 200, "ExportDocument", { version: 1, exported_at: now(), projects: [] });

    if (path === "/projects" && method === "GET") {
      const items = this.projects.flatMap((p) => this.projectFor(me.id, p) ?? []);
      return this.json(route, 200, this.page(items, url));
    }
    if (path === "/projects" && method === "POST") {
      const p: StoredProject = {
        id: id("prj"),
        name: String(body.name),
        description: String(body.description ?? ""),
        color: String(body.color ?? "#808080"),
        is_inbox: false,
        archived: false,
        created_at: now(),
      };
      this.projects.push(p);
      this.members.push({ project_id: p.id, user_id: me.id, role: "owner", created_at: now() });
      return this.send(route, 201, "ProjectPublic", { ...p, role: "owner" });
    }
    if ((m = /^\/projects\/([^/]+)$/.exec(path))) {
      const p = this.projects.find((x) => x.id === Number(m![1]) && myProjectIds.includes(x.id));
      if (!p) return this.json(route, 404, { detail: "Project not found" });
      if (method === "PATCH") Object.assign(p, body);
      if (method === "DELETE") {
        this.projects = this.projects.filter((x) => x !== p);
        return route.fulfill({ status: 204 });
      }
      return this.send(route, 200, "ProjectPublic", this.projectFor(me.id, p)!);
    }
    if ((m = /^\/projects\/([^/]+)\/members$/.exec(path))) {
      const pid = Number(m[1]);
      if (method === "POST") {
        const user = this.users.find((u) => u.username === body.user || u.email === body.user);
        if (!user) return this.json(route, 404, { detail: "No such user" });
        this.members.push({ project_id: pid, user_id: user.id, role: body.role as S["Role"], created_at: now() });
        this.emit("member.added", pid, null, me.id);
      }
      const items = this.members
        .filter((x) => x.project_id === pid)
        .map((x): S["MemberPublic"] => {
          const u = this.users.find((y) => y.id === x.user_id)!;
          return {
            user: { id: u.id, username: u.username, email: u.email, full_name: u.full_name },
            role: x.role,
            created_at: x.created_at,
          };
        });
      return method === "POST"
        ? this.json(route, 201, items[items.length - 1])
        : this.json(route, 200, this.page(items, url));
    }
    if ((m = /^\/projects\/([^/]+)\/labels$/.exec(path))) {
      const pid = Number(m[1]);
      if (method === "POST") {
        const label: S["LabelPublic"] = {
          id: id("lbl"),
          project_id: pid,
          name: String(body.name),
          color: (body.color as string) ?? "#808080",
          created_at: now(),
        };
        this.labels.push(label);
        return this.send(route, 201, "LabelPublic", label);
      }
      return this.json(
        route,
        200,
        this.page(
          this.labels.filter((l) => l.project_id === pid),
          url,
        ),
      );
    }

    if (path === "/tasks" && method === "GET") {
      let items = this.tasks.filter((t) => myProjectIds.includes(Number(t.project_id)));
      const q = url.searchParams;
      if (q.get("project_id")) items = items.filter((t) => t.project_id === Number(q.get("project_id")));
      if (q.get("section_id")) items = items.filter((t) => t.section_id === Number(q.get("section_id")));
      if (q.get("parent_id")) items = items.filter((t) => t.parent_id === Number(q.get("parent_id")));
      const statuses = q.getAll("status");
      if (statuses.length) items = items.filter((t) => statuses.includes(String(t.status)));
      if (q.get("assignee_id")) {
        const who = q.get("assignee_id") === "me" ? me.id : Number(q.get("assignee_id"));
        items = items.filter((t) => t.assignee_id === who);
      }
      if (q.get("priority")) items = items.filter((t) => t.priority === Number(q.get("priority")));
      if (q.get("label_id")) items = items.filter((t) => t.label_ids.includes(Number(q.get("label_id"))));
      if (q.get("search")) {
        const words = q.get("search")!.toLowerCase().split(/\s+/);
        items = items.filter((t) => words.every((w) => `${t.title} ${t.description ?? ""}`.toLowerCase().includes(w)));
      }
      const sort = q.get("sort") ?? "position";
      const key = sort.replace(/^-/, "");
      items = [...items].sort((a, b) => {
        const field = (t: StoredTask) => (key === "votes" ? 0 : ((t as Record<string, unknown>)[key] as number | string));
        const av = field(a);
        const bv = field(b);
        return (av < bv ? -1 : av > bv ? 1 : 0) * (sort.startsWith("-") ? -1 : 1);
      });
      return this.json(
        route,
        200,
        this.page(
          items.map((t) => this.taskPublic(t, me.id)),
          url,
        ),
      );
    }
    if (path === "/tasks/quick" && method === "POST") {
      // No parsing here (the real server's is tested against it): one task per line, titled
      // as typed, in the given project or the Inbox.
      const lines = String(body.text ?? "")
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean);
      if (lines.length === 0) return this.json(route, 422, { detail: "text: there is no task in it" });
      const projectId = Number(
        (body.project_id as number) ?? this.projects.find((p) => p.is_inbox && myProjectIds.includes(p.id))!.id,
      );
      if (url.searchParams.get("dry_run") === "true") {
        const items = lines.map((title) => ({
          title, project_id: projectId, due_at: null, due_all_day: false, recurrence: null,
          recurrence_basis: "due", priority: 0, label_ids: [], label_names: [], assignee_id: null, spans: [],
        }));
        return this.json(route, 200, { items });
      }
      const created = lines.map((title) => {
        const t = this.addTask({ project_id: projectId, title, created_by: me.id });
        this.emit("task.created", projectId, t.id, me.id);
        return this.taskPublic(t, me.id);
      });
      return this.json(route, 201, { items: created });
    }
    if (path === "/tasks" && method === "POST") {
      const parent = body.parent_id ? this.tasks.find((t) => t.id === Number(body.parent_id)) : undefined;
      const projectId = Number(
        (body.project_id as number) ??
          parent?.project_id ??
          this.projects.find((p) => p.is_inbox && myProjectIds.includes(p.id))!.id,
      );
      const create = body as S["TaskCreate"];
      const { project_id: _project, ...fields } = create;
      const t = this.addTask({ ...fields, project_id: projectId, created_by: me.id } as StoredTask);
      if (t.assignee_id !== null) this.watchers.add(`${t.assignee_id}:${t.id}`);
      this.emit("task.created", projectId, t.id, me.id);
      return this.send(route, 201, "TaskPublic", this.taskPublic(t, me.id), { etag: '"1"' });
    }
    if (path === "/tasks/bulk" && method === "POST") {
      const ids = (body.ids as number[]) ?? [];
      const found = ids.map((i) => this.tasks.find((t) => t.id === i && myProjectIds.includes(Number(t.project_id))));
      if (found.some((t) => !t)) return this.json(route, 404, { detail: "Task not found" });
      for (const t of found as StoredTask[]) {
        const completing = body.action === "complete";
        if ((t.status === "done") === completing) continue;
        t.status = completing ? "done" : "todo";
        t.completed_at = completing ? now() : null;
        t.version += 1;
        t.updated_at = now();
        this.emit(completing ? "task.completed" : "task.reopened", t.project_id, t.id, me.id);
      }
      return this.send(route, 200, "BulkResult", { updated: ids.length });
    }
    if ((m = /^\/tasks\/([^/]+)$/.exec(path))) {
      const t = this.tasks.find((x) => x.id === Number(m![1]) && myProjectIds.includes(Number(x.project_id)));
      if (!t) return this.json(route, 404, { detail: "Task not found" });
      if (method === "PATCH" && this.failNextPatchWith !== null) {
        const status = this.failNextPatchWith;
        this.failNextPatchWith = null;
        return this.json(route, status, { detail: "The database is having a moment" });
      }
      if (method === "PATCH") {
        const ifMatch = request.headers()["if-match"];
        if (this.failNextPatchWith412 || (ifMatch && ifMatch !== `"${t.version}"`)) {
          this.failNextPatchWith412 = false;
          return this.json(route, 412, { detail: "The task was changed by someone else" });
        }
        const moving = body.project_id !== undefined && body.project_id !== t.project_id;
        if (moving && t.parent_id !== null && body.parent_id === undefined) t.parent_id = null;
        Object.assign(t, body as S["TaskUpdate"]);
        if (t.assignee_id !== null) this.watchers.add(`${t.assignee_id}:${t.id}`);
        if (moving) for (const sub of this.tasks.filter((x) => x.parent_id === t.id)) sub.project_id = t.project_id;
        if (body.status) t.completed_at = body.status === "done" ? now() : null;
        t.version += 1;
        t.updated_at = now();
        this.emit(body.status === "done" ? "task.completed" : "task.updated", t.project_id, t.id, me.id);
      }
      if (method === "DELETE") {
        this.tasks = this.tasks.filter((x) => x !== t);
        this.emit("task.deleted", t.project_id, t.id, me.id);
        return route.fulfill({ status: 204 });
      }
      return this.send(route, 200, "TaskPublic", this.taskPublic(t, me.id), { etag: `"${t.version}"` });
    }
    if ((m = /^\/tasks\/([^/]+)\/vote$/.exec(path))) {
      if (method === "PUT") this.votes.add(`${me.id}:${m[1]}`);
      else this.votes.delete(`${me.id}:${m[1]}`);
      return route.fulfill({ status: 204 });
    }
    if ((m = /^\/tasks\/([^/]+)\/watch$/.exec(path))) {
      if (method === "PUT") this.watchers.add(`${me.id}:${m[1]}`);
      else this.watchers.delete(`${me.id}:${m[1]}`);
      return route.fulfill({ status: 204 });
    }
    if ((m = /^\/tasks\/([^/]+)\/comments$/.exec(path))) {
      if (method === "POST") {
        const taskId = Number(m[1]);
        const text = String(body.body);
        const c: S["CommentPublic"] = {
          id: id("cmt"),
          task_id: taskId,
          author: this.actor(me.id),
          body: text,
          created_at: now(),
          updated_at: now(),
          mentions: this.mentions(text, this.projectOfTask(taskId)),
        };
        this.comments.push(c);
        this.watchers.add(`${me.id}:${taskId}`);
        this.emit("comment.created", this.projectOfTask(c.task_id), c.task_id, me.id);
        return this.send(route, 201, "CommentPublic", c);
      }
      return this.json(
        route,
        200,
        this.page(
          this.comments.filter((c) => c.task_id === Number(m![1])),
          url,
        ),
      );
    }
    if ((m = /^\/comments\/([^/]+)$/.exec(path))) {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) return this.json(route, 404, { detail: "Comment not found" });
      if (method === "DELETE") {
        this.comments = this.comments.filter((x) => x !== c);
        this.emit("comment.deleted", this.projectOfTask(c.task_id), c.task_id, me.id);
        return route.fulfill({ status: 204 });
      }
      c.body = String(body.body);
      c.mentions = this.mentions(c.body, this.projectOfTask(c.task_id));
      c.updated_at = new Date(Date.now() + 5000).toISOString();
      this.emit("comment.updated", this.projectOfTask(c.task_id), c.task_id, me.id);
      return this.send(route, 200, "CommentPublic", c);
    }
    // Attachments are walked against the real server (attachments.spec.ts): none here.
    if (/^\/tasks\/[^/]+\/attachments$/.test(path) && method === "GET") {
      return this.json(route, 200, this.page<S["AttachmentPublic"]>([], url));
    }
    // Reminders are walked against the real server (time.spec.ts): none here.
    if (/^\/tasks\/[^/]+\/reminders$/.test(path) && method === "GET") {
      return this.json(route, 200, this.page([], url));
    }
    if ((m = /^\/tasks\/([^/]+)\/activity$/.exec(path))) {
      return this.json(
        route,
        200,
        this.page<S["ActivityPublic"]>(
          this.activity.filter((a) => a.task_id === Number(m![1])).map(({ project_id: _p, ...a }) => a),
          url,
        ),
      );
    }
    this.unhandled.push(`${method} ${path}`);
    return this.error(route, 404, `fake API has no ${method} ${path}`);
  }
}
