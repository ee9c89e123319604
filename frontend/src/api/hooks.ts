// Server state: every query and mutation the screens use, on top of the typed client.
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap } from "./client";
import { queryKeys, toTaskQuery, type TaskFilters } from "./queryKeys";
import type { Id, Label, Page, Project, Role, Task, TaskCreate, TaskUpdate } from "./types";
import { useToast } from "../lib/toast";
import { resubscribeLive } from "../live/useLiveUpdates";
import { latestVersion } from "./versions";

const ALL = 100; // the API's largest page: enough for projects, members and labels

// ---- queries -------------------------------------------------------------

export function useProjects(enabled = true) {
  return useQuery({
    queryKey: queryKeys.projects,
    enabled,
    queryFn: async () => {
      const page = unwrap(await api.GET("/api/v1/projects", { params: { query: { limit: ALL } } }));
      return sortProjects(page.items);
    },
  });
}

/** Inbox first, then by name. */
export function sortProjects(projects: Project[]): Project[] {
  return [...projects].sort((a, b) =>
    a.is_inbox !== b.is_inbox
      ? a.is_inbox
        ? -1
        : 1
      : a.name.localeCompare(b.name, undefined, { sensitivity: "base" }),
  );
}

export function useProject(projectId: Id | undefined) {
  return useQuery({
    queryKey: queryKeys.project(projectId ?? 0),
    enabled: !!projectId,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/projects/{project_id}", { params: { path: { project_id: projectId! } } })),
  });
}

export function useMembers(projectId: Id | undefined) {
  return useQuery({
    queryKey: queryKeys.members(projectId ?? 0),
    enabled: !!projectId,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/projects/{project_id}/members", {
          params: { path: { project_id: projectId! }, query: { limit: ALL } },
        }),
      ).items,
  });
}

export function useLabels(projectId: Id | undefined) {
  return useQuery({
    queryKey: queryKeys.labels(projectId ?? 0),
    enabled: !!projectId,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/projects/{project_id}/labels", {
          params: { path: { project_id: projectId! }, query: { limit: ALL } },
        }),
      ).items,
  });
}

export function useTasks(filters: TaskFilters, enabled = true) {
  return useQuery({
    queryKey: queryKeys.taskList(filters),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<Page<Task>> =>
      unwrap(await api.GET("/api/v1/tasks", { params: { query: toTaskQuery(filters) } })),
  });
}

export function useTask(taskId: Id | undefined) {
  return useQuery({
    queryKey: queryKeys.task(taskId ?? 0),
    enabled: !!taskId,
    queryFn: async () => unwrap(await api.GET("/api/v1/tasks/{task_id}", { params: { path: { task_id: taskId! } } })),
  });
}

export function useComments(taskId: Id) {
  return useQuery({
    queryKey: queryKeys.comments(taskId),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/tasks/{task_id}/comments", {
          params: { path: { task_id: taskId }, query: { limit: ALL } },
        }),
      ).items,
  });
}

export function useTaskActivity(taskId: Id) {
  return useQuery({
    queryKey: queryKeys.taskActivity(taskId),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/tasks/{task_id}/activity", {
          params: { path: { task_id: taskId }, query: { limit: 50 } },
        }),
      ).items,
  });
}

export function useSessions() {
  return useQuery({
    queryKey: queryKeys.sessions,
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/sessions")).items,
  });
}

// ---- task mutations --------------------------------------------------------

type Snapshot = [readonly unknown[], unknown][];

function snapshotTasks(qc: QueryClient): Snapshot {
  return qc.getQueriesData({ queryKey: queryKeys.tasks });
}

function restore(qc: QueryClient, snapshot: Snapshot): void {
  for (const [key, data] of snapshot) qc.setQueryData(key, data);
}

/** Apply a change to a task wherever it is cached: lists and its detail. */
export function patchCachedTask(qc: QueryClient, taskId: Id, change: Partial<Task>): void {
  qc.setQueriesData<Page<Task>>({ queryKey: queryKeys.taskLists }, (page) =>
    page && Array.isArray(page.items)
      ? { ...page, items: page.items.map((t) => (t.id === taskId ? { ...t, ...change } : t)) }
      : page,
  );
  qc.setQueryData<Task>(queryKeys.task(taskId), (task) => (task ? { ...task, ...change } : task));
}

function optimisticChange(changes: TaskUpdate, labels?: Label[]): Partial<Task> {
  const { label_ids, ...rest } = changes;
  const change: Partial<Task> = { ...(rest as Partial<Task>) };
  if (changes.status === "done") change.completed_at = new Date().toISOString();
  else if (changes.status) change.completed_at = null;
  if (label_ids && labels) change.labels = labels.filter((l) => label_ids.includes(l.id));
  return change;
}

export type TaskPatch = {
  task: Task;
  changes: TaskUpdate;
  /** Send `If-Match` with the version we saw, so someone else's edit is not overwritten. */
  guard?: boolean;
  labels?: Label[];
};

export function useUpdateTask() {
  const qc = useQueryClient();
  const toast = useToast();
  return useMutation({
    // This tab's task edits run one after another, so each If-Match carries the version the
    // previous edit produced: a quick second edit never gets a 412 against our own first one.
    scope: { id: "task-updates" },
    mutationFn: async ({ task, changes, guard }: TaskPatch) =>
      unwrap(
        await api.PATCH("/api/v1/tasks/{task_id}", {
          params: {
            path: { task_id: task.id },
            header: guard ? { "if-match": `"${latestVersion(qc, task)}"` } : undefined,
          },
          body: changes,
        }),
      ),
    onMutate: async ({ task, changes, labels }) => {
      // Show the change at once (a checkbox must not flicker back), then again after
      // cancelling in-flight fetches, which may roll their query back to older data.
      const snapshot = snapshotTasks(qc);
      const change = optimisticChange(changes, labels);
      patchCachedTask(qc, task.id, change);
      await qc.cancelQueries({ queryKey: queryKeys.tasks });
      patchCachedTask(qc, task.id, change);
      return { snapshot };
    },
    onError: (error, { task }, context) => {
      if (context) restore(qc, context.snapshot);
      if (error instanceof ApiError && error.status === 412) {
        toast(`“${task.title}” was changed by someone else. It has been reloaded — please try again.`, "error");
      } else {
        toast(`Couldn't save “${task.title}”: ${error.message}`, "error");
      }
      void qc.invalidateQueries({ queryKey: queryKeys.task(task.id) });
    },
    onSuccess: (updated) => {
      qc.setQueryData(queryKeys.task(updated.id), updated);
      patchCachedTask(qc, updated.id, updated);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.taskLists }),
  });
}

export function useCreateTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: TaskCreate) => unwrap(await api.POST("/api/v1/tasks", { body })),
    onSuccess: (task) => {
      qc.setQueryData(queryKeys.task(task.id), task);
      return qc.invalidateQueries({ queryKey: queryKeys.taskLists });
    },
  });
}

export function useDeleteTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (taskId: Id) =>
      unwrap(await api.DELETE("/api/v1/tasks/{task_id}", { params: { path: { task_id: taskId } } })),
    onSuccess: (_data, taskId) => {
      qc.removeQueries({ queryKey: queryKeys.task(taskId) });
      return qc.invalidateQueries({ queryKey: queryKeys.taskLists });
    },
  });
}

export function useVote() {
  const qc = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: async (task: Task) => {
      const params = { params: { path: { task_id: task.id } } };
      return unwrap(
        task.voted_by_me
          ? await api.DELETE("/api/v1/tasks/{task_id}/vote", params)
          : await api.PUT("/api/v1/tasks/{task_id}/vote", params),
      );
    },
    onMutate: async (task) => {
      const snapshot = snapshotTasks(qc);
      const change = { voted_by_me: !task.voted_by_me, vote_count: task.vote_count + (task.voted_by_me ? -1 : 1) };
      patchCachedTask(qc, task.id, change);
      await qc.cancelQueries({ queryKey: queryKeys.tasks });
      patchCachedTask(qc, task.id, change);
      return { snapshot };
    },
    onError: (error, _task, context) => {
      if (context) restore(qc, context.snapshot);
      toast(`Couldn't record your vote: ${error.message}`, "error");
    },
    onSettled: (_d, _e, task) => qc.invalidateQueries({ queryKey: queryKeys.task(task.id) }),
  });
}

export function useAddComment(taskId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: string) =>
      unwrap(
        await api.POST("/api/v1/tasks/{task_id}/comments", { params: { path: { task_id: taskId } }, body: { body } }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.task(taskId) }),
  });
}

export function useEditComment(taskId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ commentId, body }: { commentId: Id; body: string }) =>
      unwrap(
        await api.PATCH("/api/v1/comments/{comment_id}", {
          params: { path: { comment_id: commentId } },
          body: { body },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.comments(taskId) }),
  });
}

export function useDeleteComment(taskId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (commentId: Id) =>
      unwrap(await api.DELETE("/api/v1/comments/{comment_id}", { params: { path: { comment_id: commentId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.task(taskId) }),
  });
}

// ---- projects, members, labels ----------------------------------------------

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { name: string; color?: string; description?: string }) =>
      unwrap(await api.POST("/api/v1/projects", { body })),
    onSuccess: () => {
      resubscribeLive(); // hear the new project's events on this tab's socket
      return qc.invalidateQueries({ queryKey: queryKeys.projects });
    },
  });
}

export function useUpdateProject(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { name?: string; description?: string; color?: string; archived?: boolean }) =>
      unwrap(await api.PATCH("/api/v1/projects/{project_id}", { params: { path: { project_id: projectId } }, body })),
    onSuccess: (project) => {
      qc.setQueryData(queryKeys.project(projectId), project);
      return qc.invalidateQueries({ queryKey: queryKeys.projects, exact: true });
    },
  });
}

export function useDeleteProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (projectId: Id) =>
      unwrap(await api.DELETE("/api/v1/projects/{project_id}", { params: { path: { project_id: projectId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.projects }),
  });
}

export function useAddMember(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { user: string; role: Exclude<Role, "owner"> }) =>
      unwrap(
        await api.POST("/api/v1/projects/{project_id}/members", { params: { path: { project_id: projectId } }, body }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.members(projectId) }),
  });
}

export function useUpdateMember(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, role }: { userId: Id; role: Role }) =>
      unwrap(
        await api.PATCH("/api/v1/projects/{project_id}/members/{user_id}", {
          params: { path: { project_id: projectId, user_id: userId } },
          body: { role },
        }),
      ),
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: queryKeys.members(projectId) }),
        qc.invalidateQueries({ queryKey: queryKeys.projects }),
      ]),
  });
}

export function useRemoveMember(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (userId: Id) =>
      unwrap(
        await api.DELETE("/api/v1/projects/{project_id}/members/{user_id}", {
          params: { path: { project_id: projectId, user_id: userId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.projects }),
  });
}

export function useCreateLabel(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { name: string; color?: string }) =>
      unwrap(
        await api.POST("/api/v1/projects/{project_id}/labels", { params: { path: { project_id: projectId } }, body }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.labels(projectId) }),
  });
}

export function useUpdateLabel(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ labelId, ...body }: { labelId: Id; name?: string; color?: string }) =>
      unwrap(await api.PATCH("/api/v1/labels/{label_id}", { params: { path: { label_id: labelId } }, body })),
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: queryKeys.labels(projectId) }),
        qc.invalidateQueries({ queryKey: queryKeys.tasks }),
      ]),
  });
}

export function useDeleteLabel(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (labelId: Id) =>
      unwrap(await api.DELETE("/api/v1/labels/{label_id}", { params: { path: { label_id: labelId } } })),
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: queryKeys.labels(projectId) }),
        qc.invalidateQueries({ queryKey: queryKeys.tasks }),
      ]),
  });
}
