// Actions on several tasks at once (the list's selection): complete, reopen, move and delete
// through POST /tasks/bulk (one request, all or nothing), each with one Undo for the batch;
// and the fields the bulk API has no action for (priority, due date, assignee), task by task.
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { queryKeys } from "./queryKeys";
import type { Id, Task, TaskUpdate } from "./types";
import { useToast } from "../lib/toast";

type Toast = ReturnType<typeof useToast>;

/** "“Pay rent”" for one task, "3 tasks" for several. */
export function describeTasks(tasks: readonly Pick<Task, "title">[]): string {
  return tasks.length === 1 ? `“${tasks[0].title}”` : `${tasks.length} tasks`;
}

async function bulk(
  body: { action: "complete" | "reopen" | "delete"; ids: Id[] } | { action: "move"; ids: Id[]; project_id: Id; section_id: Id | null },
) {
  return unwrap(await api.POST("/api/v1/tasks/bulk", { body }));
}

async function patch(taskId: Id, changes: TaskUpdate) {
  return unwrap(await api.PATCH("/api/v1/tasks/{task_id}", { params: { path: { task_id: taskId } }, body: changes }));
}

/** Where each task goes back to after a bulk move: one bulk move per (project, section). */
export function movesBack(tasks: readonly Task[], projectId: Id, sectionId: Id | null) {
  const groups = new Map<string, { project_id: Id; section_id: Id | null; ids: Id[] }>();
  for (const t of tasks) {
    if (t.project_id === projectId && t.section_id === sectionId) continue;
    const key = `${t.project_id}:${t.section_id}`;
    const group = groups.get(key) ?? { project_id: t.project_id, section_id: t.section_id, ids: [] };
    group.ids.push(t.id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The tasks a delete's undo restores: a subtask deleted with its parent comes back with it. */
export function restoreRoots(tasks: readonly Task[]): Task[] {
  const ids = new Set(tasks.map((t) => t.id));
  return tasks.filter((t) => t.parent_id === null || !ids.has(t.parent_id));
}

async function settle(qc: QueryClient) {
  await qc.invalidateQueries({ queryKey: queryKeys.tasks });
}

/** Run an undo; one message for the batch, success or not. */
async function undoing(qc: QueryClient, toast: Toast, what: string, run: () => Promise<unknown>) {
  try {
    await run();
    toast(`Undone: ${what}.`);
  } catch (e) {
    toast(`Couldn't undo: ${(e as Error).message}`, "error");
  } finally {
    await settle(qc);
  }
}

export function useBulkActions() {
  const qc = useQueryClient();
  const toast = useToast();

  /** Run one bulk request; its error (the whole batch is refused) becomes the message. */
  async function attempt(failure: string, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (e) {
      toast(`${failure}: ${(e as Error).message} Nothing was changed.`, "error");
      return false;
    } finally {
      await settle(qc);
    }
  }

  async function complete(tasks: Task[]): Promise<boolean> {
    const what = describeTasks(tasks);
    const ids = tasks.map((t) => t.id);
    if (!(await attempt(`Couldn't complete ${what}`, () => bulk({ action: "complete", ids })))) return false;
    const changed = tasks.filter((t) => t.status !== "done");
    // A recurring task is not left done: it moved on to its next dates, which the undo puts back.
    const recurring = changed.filter((t) => t.recurrence && t.due_at);
    const plain = changed.filter((t) => !recurring.includes(t));
    toast(`Completed ${what}.`, "info", {
      label: "Undo",
      run: () =>
        undoing(qc, toast, `${describeTasks(changed)} reopened`, async () => {
          if (plain.length) await bulk({ action: "reopen", ids: plain.map((t) => t.id) });
          await Promise.all(
            recurring.map((t) =>
              patch(t.id, { due_at: t.due_at, due_all_day: t.due_all_day, start_at: t.start_at }),
            ),
          );
        }),
    });
    return true;
  }

  async function reopen(tasks: Task[]): Promise<boolean> {
    const what = describeTasks(tasks);
    const ok = await attempt(`Couldn't reopen ${what}`, () => bulk({ action: "reopen", ids: tasks.map((t) => t.id) }));
    if (ok) toast(`Reopened ${what}.`);
    return ok;
  }

  async function move(tasks: Task[], projectId: Id, sectionId: Id | null, where: string): Promise<boolean> {
    const what = describeTasks(tasks);
    const ids = tasks.map((t) => t.id);
    const ok = await attempt(`Couldn't move ${what}`, () =>
      bulk({ action: "move", ids, project_id: projectId, section_id: sectionId }),
    );
    if (!ok) return false;
    const back = movesBack(tasks, projectId, sectionId);
    // A subtask moved without its parent became a top-level task there: it goes back under it.
    const orphaned = tasks.filter((t) => t.parent_id !== null && t.project_id !== projectId && !ids.includes(t.parent_id));
    toast(`Moved ${what} to ${where}.`, "info", {
      label: "Undo",
      run: () =>
        undoing(qc, toast, `${what} moved back`, async () => {
          for (const group of back) await bulk({ action: "move", ...group });
          await Promise.all(orphaned.map((t) => patch(t.id, { parent_id: t.parent_id })));
        }),
    });
    return true;
  }

  async function remove(tasks: Task[]): Promise<boolean> {
    const what = describeTasks(tasks);
    const ids = tasks.map((t) => t.id);
    if (!(await attempt(`Couldn't delete ${what}`, () => bulk({ action: "delete", ids })))) return false;
    for (const id of ids) qc.removeQueries({ queryKey: queryKeys.task(id) });
    toast(`Moved ${what} to the trash.`, "info", {
      label: "Undo",
      // The trash has no bulk restore: one request per task (its subtasks come back with it).
      run: () =>
        undoing(qc, toast, `${what} restored`, async () => {
          for (const t of restoreRoots(tasks))
            unwrap(await api.POST("/api/v1/trash/{type}/{id}/restore", { params: { path: { type: "task", id: t.id } } }));
          await qc.invalidateQueries({ queryKey: queryKeys.trash });
        }),
    });
    return true;
  }

  /** Set the same fields on every task (no bulk action exists for them): one request each. */
  async function update(tasks: Task[], changes: TaskUpdate, done: string): Promise<boolean> {
    const results = await Promise.allSettled(tasks.map((t) => patch(t.id, changes)));
    await settle(qc);
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [[tasks[i], r.reason as Error] as const] : []));
    if (failed.length === 0) {
      toast(done);
      return true;
    }
    const [task, error] = failed[0];
    toast(
      `Couldn't change ${describeTasks(failed.map(([t]) => t))} (“${task.title}”: ${error.message}); the others were changed.`,
      "error",
    );
    return false;
  }

  return { complete, reopen, move, remove, update };
}
