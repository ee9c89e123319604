// Server state for a task's history (SPEC §10): its versions, and reverting to one.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { queryKeys } from "./queryKeys";
import { patchCachedTask } from "./tasks";
import { latestVersion } from "./versions";
import type { Id, Task } from "./types";
import type { VersionedField } from "../lib/fieldValues";

export function useTaskVersions(taskId: Id, limit: number, enabled: boolean) {
  return useQuery({
    queryKey: [...queryKeys.taskVersions(taskId), limit],
    enabled,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/tasks/{task_id}/versions", { params: { path: { task_id: taskId }, query: { limit } } }),
      ),
  });
}

export type RevertResult = { task: Task; skipped: string[] };

/**
 * Set a task's fields (all, or the ones named) as they were at `version`. If-Match carries
 * the newest version this tab knows, so a revert never silently undoes someone's newer edit:
 * that is a 412 and the user looks again. References that no longer exist (a deleted label,
 * a member who left) are skipped by the server and named in `X-TaskFlow-Skipped`.
 */
export function useRevertTask(task: Task) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ version, fields }: { version: number; fields?: VersionedField[] }): Promise<RevertResult> => {
      const result = await api.POST("/api/v1/tasks/{task_id}/revert", {
        params: { path: { task_id: task.id }, header: { "if-match": `"${latestVersion(qc, task)}"` } },
        body: { version, fields: fields ?? null },
      });
      const updated = unwrap(result);
      const skipped = (result.response.headers.get("X-TaskFlow-Skipped") ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      return { task: updated, skipped };
    },
    onSuccess: ({ task: updated }) => {
      qc.setQueryData(queryKeys.task(updated.id), updated);
      patchCachedTask(qc, updated.id, updated);
    },
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: queryKeys.task(task.id) }),
        qc.invalidateQueries({ queryKey: queryKeys.taskLists }),
      ]),
  });
}
