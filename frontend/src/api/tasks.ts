// Server state for tasks: the lists, one task, its history, and every task mutation
// (optimistic updates with rollback and a message).
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap } from "./client";
import { queryKeys, toTaskQuery, type TaskFilters, type TaskQuery } from "./queryKeys";
import type { Id, Label, Page, Task, TaskCreate, TaskUpdate } from "./types";
import { useToast } from "../lib/toast";
import { zonedDue } from "../lib/zoned";
import { useZone } from "../auth/useZone";
import { latestVersion } from "./versions";
import type { TextBase, TextOutcome } from "../lib/textDraft";

export function useTasks(filters: TaskFilters, enabled = true) {
  return useQuery({
    queryKey: queryKeys.taskList(filters),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<Page<Task>> =>
      unwrap(await api.GET("/api/v1/tasks", { params: { query: toTaskQuery(filters) } })),
  });
}

/** Pages the calendar reads at most, per kind (due, start): 500 tasks in its range. */
export const CALENDAR_PAGES = 5;

async function allPages(query: TaskQuery): Promise<Page<Task>> {
  const items: Task[] = [];
  let total = 0;
  for (let page = 0; page < CALENDAR_PAGES; page++) {
    const got = unwrap(
      await api.GET("/api/v1/tasks", { params: { query: { ...query, limit: 100, offset: page * 100 } } }),
    );
    items.push(...got.items);
    total = got.total;
    if (items.length >= total || got.items.length < 100) break;
  }
  return { items, total, limit: items.length, offset: 0 };
}

/**
 * Every task (open or done) due between two instants, and those starting between them, for
 * the calendar: asked with the range (`due_after`/`due_before`, `start_after`/`start_before`,
 * both inclusive), never the whole list. `total` above `items.length` means it was cut.
 */
export function useCalendarTasks(from: string, to: string) {
  return useQuery({
    queryKey: queryKeys.calendarTasks(from, to),
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<Page<Task>> => {
      const [due, starting] = await Promise.all([
        allPages({ due_after: from, due_before: to, sort: "due_at" }),
        allPages({ start_after: from, start_before: to, sort: "start_at" }),
      ]);
      const byId = new Map(due.items.map((t) => [t.id, t] as const));
      for (const task of starting.items) if (!byId.has(task.id)) byId.set(task.id, task);
      const cut = due.total > due.items.length || starting.total > starting.items.length;
      const items = [...byId.values()];
      return { items, total: cut ? items.length + 1 : items.length, limit: items.length, offset: 0 };
    },
  });
}

export function useTask(taskId: Id | undefined) {
  return useQuery({
    queryKey: queryKeys.task(taskId ?? 0),
    enabled: !!taskId,
    queryFn: async () => unwrap(await api.GET("/api/v1/tasks/{task_id}", { params: { path: { task_id: taskId! } } })),
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

/** Apply a change to the open subtasks of `parentId` in every cached list. */
function patchCachedSubtasks(qc: QueryClient, parentId: Id, change: Partial<Task>): void {
  qc.setQueriesData<Page<Task>>({ queryKey: queryKeys.taskLists }, (page) =>
    page && Array.isArray(page.items)
      ? {
          ...page,
          items: page.items.map((t) => (t.parent_id === parentId && t.status !== "done" ? { ...t, ...change } : t)),
        }
      : page,
  );
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
  /** What the toast of an undoable edit (complete, move) says instead of the default. */
  message?: string;
};

/** Open subtasks of a top-level task (ids), page by page. */
async function openSubtaskIds(parentId: Id): Promise<Id[]> {
  const ids: Id[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = unwrap(
      await api.GET("/api/v1/tasks", {
        params: { query: { parent_id: parentId, status: ["todo", "in_progress"], limit: 100, offset } },
      }),
    );
    ids.push(...page.items.map((t) => t.id));
    if (page.items.length < 100 || ids.length >= page.total) return ids;
  }
}

/** Whether a change completes a top-level task: its open subtasks are completed with it. */
function completesParent(task: Task, changes: TaskUpdate): boolean {
  return changes.status === "done" && task.status !== "done" && task.parent_id === null;
}

/** The fields an undo of a complete or a move puts back (the server may change several at once:
 * a move to another project clears the section; completing a recurring task moves its dates). */
const UNDONE_FIELDS = [
  "status",
  "project_id",
  "section_id",
  "parent_id",
  "due_at",
  "due_all_day",
  "start_at",
  "recurrence",
] as const;

/** What the toast after an edit says when the edit can be undone: a complete, or a move to
 * another project, section or day. Null for anything else (a reopen, a title, a priority…). */
export function undoMessage(task: Task, changes: TaskUpdate): string | null {
  if (changes.status === "done" && task.status !== "done") return `Completed “${task.title}”.`;
  if (changes.project_id !== undefined && changes.project_id !== task.project_id) return `Moved “${task.title}”.`;
  if (changes.section_id !== undefined && changes.section_id !== task.section_id) return `Moved “${task.title}”.`;
  if (changes.due_at !== undefined && changes.due_at !== task.due_at) return `Rescheduled “${task.title}”.`;
  return null;
}

/** The body that puts back what an edit changed (compared field by field with the result). */
export function undoChanges(before: Task, after: Task): TaskUpdate {
  const back: Record<string, unknown> = {};
  for (const field of UNDONE_FIELDS) if (before[field] !== after[field]) back[field] = before[field];
  return back as TaskUpdate;
}

/**
 * Undo a complete or a move: PATCH the previous values with `If-Match` of the version the edit
 * produced, so a change someone made since is never overwritten (412: say so, show theirs).
 * Called from a toast, by which time the component that made the edit may be gone.
 */
async function undoEdit(
  qc: QueryClient,
  toast: ReturnType<typeof useToast>,
  before: Task,
  after: Task,
  subtasks: Id[],
) {
  try {
    const restored = unwrap(
      await api.PATCH("/api/v1/tasks/{task_id}", {
        params: { path: { task_id: after.id }, header: { "if-match": `"${after.version}"` } },
        body: undoChanges(before, after),
      }),
    );
    if (subtasks.length > 0)
      unwrap(await api.POST("/api/v1/tasks/bulk", { body: { ids: subtasks, action: "reopen" } }));
    qc.setQueryData(queryKeys.task(restored.id), restored);
    patchCachedTask(qc, restored.id, restored);
    toast(`Undone: “${before.title}” is back as it was.`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 412) {
      toast(`“${before.title}” changed since, so it was not undone. It shows the newest version now.`, "error");
    } else {
      toast(`Couldn't undo “${before.title}”: ${(error as Error).message}`, "error");
    }
  } finally {
    await qc.invalidateQueries({ queryKey: queryKeys.tasks });
  }
}

/** The open subtasks an update completed with their parent (keyed by the update's result). */
const completedWith = new WeakMap<Task, Id[]>();

export function useUpdateTask() {
  const qc = useQueryClient();
  const toast = useToast();
  const zone = useZone();
  return useMutation({
    // This tab's task edits run one after another, so each If-Match carries the version the
    // previous edit produced: a quick second edit never gets a 412 against our own first one.
    scope: { id: "task-updates" },
    mutationFn: async ({ task, changes, guard }: TaskPatch) => {
      const updated = unwrap(
        await api.PATCH("/api/v1/tasks/{task_id}", {
          params: {
            path: { task_id: task.id },
            header: guard ? { "if-match": `"${latestVersion(qc, task)}"` } : undefined,
          },
          body: changes,
        }),
      );
      // Completing a parent completes its open subtasks too (as Todoist does): a done task
      // with open subtasks would leave them orphaned in every "open" list.
      const subtasks: Id[] = [];
      if (completesParent(task, changes)) {
        try {
          const ids = await openSubtaskIds(task.id);
          if (ids.length > 0) {
            unwrap(await api.POST("/api/v1/tasks/bulk", { body: { ids, action: "complete" } }));
            subtasks.push(...ids);
          }
        } catch (error) {
          toast(`Completed “${task.title}”, but not its subtasks: ${(error as Error).message}`, "error");
        }
      }
      completedWith.set(updated, subtasks);
      return updated;
    },
    onMutate: async ({ task, changes, labels }) => {
      // Show the change at once (a checkbox must not flicker back), then again after
      // cancelling in-flight fetches, which may roll their query back to older data.
      const snapshot = snapshotTasks(qc);
      const change = optimisticChange(changes, labels);
      const apply = () => {
        patchCachedTask(qc, task.id, change);
        if (completesParent(task, changes)) patchCachedSubtasks(qc, task.id, optimisticChange({ status: "done" }));
      };
      apply();
      await qc.cancelQueries({ queryKey: queryKeys.tasks });
      apply();
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
    onSuccess: (updated, { task, changes, message: given }) => {
      const subtasks = completedWith.get(updated) ?? [];
      qc.setQueryData(queryKeys.task(updated.id), updated);
      patchCachedTask(qc, updated.id, updated);
      let message = undoMessage(task, changes);
      if (!message) return;
      if (given) message = given;
      if (subtasks.length > 0) {
        message = `Completed “${task.title}” and its ${subtasks.length} open subtask${subtasks.length === 1 ? "" : "s"}.`;
      } else if (changes.status === "done" && updated.status !== "done" && updated.recurrence && updated.due_at) {
        // A recurring task is not left done: it moved on to its next occurrence (SPEC §6).
        message = `Completed “${task.title}”. Next: ${zonedDue(updated.due_at, updated.due_all_day, zone).text}.`;
      }
      // Undo (and `z`) puts back the status / project / section / dates the edit changed.
      toast(message, "info", { label: "Undo", run: () => undoEdit(qc, toast, task, updated, subtasks) });
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

async function getTask(taskId: Id): Promise<Task> {
  return unwrap(await api.GET("/api/v1/tasks/{task_id}", { params: { path: { task_id: taskId } } }));
}

/**
 * Save a text field (title, description) as an edit that started from `base`: `If-Match`
 * carries the version the edit started from, never a newer one a live update brought in.
 * On 412 the field decides: if someone changed only other fields, the edit is sent again
 * on top of theirs; if they changed this field, both texts go back to the user.
 */
export function useCommitTaskText(task: Task, field: "title" | "description") {
  const qc = useQueryClient();
  return async (text: string, base: TextBase): Promise<TextOutcome> => {
    let version = base.version;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const updated = unwrap(
          await api.PATCH("/api/v1/tasks/{task_id}", {
            params: { path: { task_id: task.id }, header: { "if-match": `"${version}"` } },
            body: { [field]: text },
          }),
        );
        qc.setQueryData(queryKeys.task(updated.id), updated);
        patchCachedTask(qc, updated.id, updated);
        void qc.invalidateQueries({ queryKey: queryKeys.taskLists });
        return { saved: true };
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 412)) throw error;
        const fresh = await qc.fetchQuery({
          queryKey: queryKeys.task(task.id),
          queryFn: () => getTask(task.id),
          staleTime: 0,
        });
        const theirs = fresh[field] ?? "";
        if (theirs === text) return { saved: true };
        if (theirs !== base.text) return { saved: false, theirs: { text: theirs, version: fresh.version } };
        version = fresh.version; // another field changed meanwhile: not a conflict for this one
      }
    }
    throw new ApiError(412, null);
  };
}
