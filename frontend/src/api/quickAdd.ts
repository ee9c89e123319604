// Quick add on the server: what a text would create (dry run, while typing) and creating it.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, unwrap } from "./client";
import { queryKeys } from "./queryKeys";
import type { Id, QuickDraft, Task } from "./types";

/** `value` once it has stopped changing for `delay` ms. */
export function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** What the server understood of `text` (debounced; the previous answer meanwhile). */
export function useQuickPreview(projectId: Id, text: string, enabled: boolean) {
  const settled = useDebounced(text, 200);
  const query = useQuery({
    queryKey: queryKeys.quickPreview(projectId, settled),
    enabled: enabled && settled.trim() !== "",
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: false,
    queryFn: async ({ signal }): Promise<QuickDraft[]> =>
      unwrap(
        await api.POST("/api/v1/tasks/quick", {
          params: { query: { dry_run: true } },
          body: { text: settled, project_id: projectId },
          signal,
        }),
      ).items as QuickDraft[],
  });
  // An answer for other text than the current one would highlight the wrong letters.
  const current = settled === text && text.trim() !== "" ? query.data : undefined;
  return { drafts: current, pending: settled !== text };
}

export function useQuickAdd() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { text: string; project_id: Id }): Promise<Task[]> =>
      unwrap(await api.POST("/api/v1/tasks/quick", { body })).items as Task[],
    onSuccess: (tasks) => {
      for (const task of tasks) qc.setQueryData(queryKeys.task(task.id), task);
      // New labels may have been created with the tasks.
      for (const projectId of new Set(tasks.map((t) => t.project_id))) {
        void qc.invalidateQueries({ queryKey: queryKeys.labels(projectId) });
      }
      return qc.invalidateQueries({ queryKey: queryKeys.taskLists });
    },
  });
}
