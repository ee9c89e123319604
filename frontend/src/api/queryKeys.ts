// Query keys in one place, and which of them a live event makes stale.
import type { paths } from "./schema";
import type { Id, TaskStatus } from "./types";

export type TaskFilters = {
  projectId?: Id;
  status?: TaskStatus[];
  priority?: number;
  labelId?: Id;
  assigneeId?: string;
  dueBefore?: string;
  dueAfter?: string;
  parentId?: Id;
  search?: string;
  /** A filter-language expression (`GET /tasks?q=`). */
  q?: string;
  sort?: TaskSort;
  limit?: number;
  offset?: number;
};

/** Drop empty values and order statuses so equal filters make equal keys. */
export function normalizeFilters(filters: TaskFilters): TaskFilters {
  const out: TaskFilters = {};
  for (const [key, value] of Object.entries(filters) as [keyof TaskFilters, unknown][]) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      (out as Record<string, unknown>)[key] = [...value].sort();
      continue;
    }
    if ((key === "search" || key === "q") && typeof value === "string") {
      const trimmed = value.trim();
      if (trimmed) out[key] = trimmed;
      continue;
    }
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** The GET /tasks query string for a set of filters. */
export type TaskQuery = NonNullable<paths["/api/v1/tasks"]["get"]["parameters"]["query"]>;
export type TaskSort = NonNullable<TaskQuery["sort"]>;

export function toTaskQuery(filters: TaskFilters): TaskQuery {
  const f = normalizeFilters(filters);
  return {
    project_id: f.projectId,
    status: f.status,
    priority: f.priority,
    label_id: f.labelId,
    assignee_id: f.assigneeId,
    due_before: f.dueBefore,
    due_after: f.dueAfter,
    parent_id: f.parentId,
    search: f.search,
    q: f.q,
    sort: f.sort,
    limit: f.limit,
    offset: f.offset,
  };
}

export const queryKeys = {
  me: ["me"] as const,
  sessions: ["sessions"] as const,
  authProviders: ["auth", "providers"] as const,
  projects: ["projects"] as const,
  project: (projectId: Id) => ["projects", projectId] as const,
  members: (projectId: Id) => ["projects", projectId, "members"] as const,
  labels: (projectId: Id) => ["projects", projectId, "labels"] as const,
  sections: (projectId: Id) => ["projects", projectId, "sections"] as const,
  savedFilters: ["filters"] as const,
  filterCheck: (q: string) => ["filter-check", q] as const,
  projectActivity: (projectId: Id) => ["projects", projectId, "activity"] as const,
  tasks: ["tasks"] as const,
  taskLists: ["tasks", "list"] as const,
  taskList: (filters: TaskFilters) => ["tasks", "list", normalizeFilters(filters)] as const,
  /** The calendar's tasks between two instants (under `taskLists`, so task edits patch it). */
  calendarTasks: (from: string, to: string) => ["tasks", "list", "calendar", from, to] as const,
  task: (taskId: Id) => ["tasks", "detail", taskId] as const,
  comments: (taskId: Id) => ["tasks", "detail", taskId, "comments"] as const,
  taskActivity: (taskId: Id) => ["tasks", "detail", taskId, "activity"] as const,
  notifications: ["notifications"] as const,
  notificationList: (unread: boolean) => ["notifications", "list", unread] as const,
  unreadCount: ["notifications", "unread-count"] as const,
  notificationSettings: ["notification-settings"] as const,
  invitations: (projectId: Id) => ["projects", projectId, "invitations"] as const,
  attachments: (taskId: Id) => ["tasks", "detail", taskId, "attachments"] as const,
  trash: ["trash"] as const,
  taskVersions: (taskId: Id) => ["tasks", "detail", taskId, "versions"] as const,
  quickPreview: (projectId: Id, text: string) => ["quick-add", projectId, text] as const,
};

export type LiveEvent = {
  type: string;
  project_id?: Id | null;
  task_id?: Id | null;
  actor_id?: Id | null;
  data?: unknown;
};

/** The queries a live event from the server makes stale (prefix keys). */
export function keysForEvent(event: LiveEvent): readonly (readonly unknown[])[] {
  const [domain] = event.type.split(".");
  const keys: (readonly unknown[])[] = [];
  const project = event.project_id ?? undefined;
  const task = event.task_id ?? undefined;
  switch (domain) {
    case "task":
    case "vote":
      // A saved filter's count may change with any task.
      keys.push(queryKeys.taskLists, queryKeys.savedFilters);
      if (task) keys.push(queryKeys.task(task));
      break;
    case "comment":
    case "attachment":
      if (task) keys.push(queryKeys.task(task));
      keys.push(queryKeys.taskLists);
      break;
    case "label":
      if (project) keys.push(queryKeys.labels(project));
      keys.push(queryKeys.tasks);
      break;
    case "member":
      if (project) keys.push(queryKeys.members(project));
      keys.push(queryKeys.projects);
      break;
    case "project":
      keys.push(queryKeys.projects);
      break;
    case "section":
      // Deleting a section moves its tasks to no section; a renamed one changes `section:` filters.
      if (project) keys.push(queryKeys.sections(project));
      keys.push(queryKeys.taskLists, queryKeys.savedFilters);
      break;
    case "notification":
      keys.push(queryKeys.notifications);
      break;
    case "invitation":
      if (project) keys.push(queryKeys.invitations(project));
      break;
    default:
      // An event we do not know yet: be safe and refetch what is on screen.
      keys.push(queryKeys.projects, queryKeys.tasks);
  }
  // Every change in a project is a row of its activity feed (the Activity tab).
  if (project && domain !== "notification" && !keys.some((key) => key === queryKeys.projects)) {
    keys.push(queryKeys.projectActivity(project));
  }
  // Whatever is deleted, restored or purged changes what the trash shows.
  if (/\.(deleted|restored|purged)$/.test(event.type)) keys.push(queryKeys.trash);
  return keys;
}
