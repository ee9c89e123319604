// Server state for the trash (SPEC §10): what the caller may restore, restoring, purging.
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { queryKeys } from "./queryKeys";
import type { Id, TrashItem } from "./types";
import { useToast } from "../lib/toast";

export type TrashType = TrashItem["type"];

export function useTrash(offset: number, limit = 50) {
  return useQuery({
    queryKey: [...queryKeys.trash, offset, limit],
    placeholderData: keepPreviousData,
    queryFn: async () => unwrap(await api.GET("/api/v1/trash", { params: { query: { offset, limit } } })),
  });
}

/** What a restore or purge makes stale: the trash, and wherever the thing shows again. */
function invalidateAfter(qc: QueryClient, type: TrashType) {
  const keys: (readonly unknown[])[] = [queryKeys.trash, queryKeys.tasks];
  if (type === "project") keys.push(queryKeys.projects);
  return Promise.all(keys.map((queryKey) => qc.invalidateQueries({ queryKey })));
}

async function restore(qc: QueryClient, type: TrashType, id: Id) {
  try {
    return unwrap(await api.POST("/api/v1/trash/{type}/{id}/restore", { params: { path: { type, id } } }));
  } finally {
    await invalidateAfter(qc, type);
  }
}

/** Restore a task, project or comment as it was. 409: its project is itself in the trash. */
export function useRestore() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: ({ type, id }: { type: TrashType; id: Id }) => restore(qc, type, id) });
}

/**
 * After a delete: "Moved … to the trash" with Undo (and `z`), which restores it. The undo calls
 * the API directly, not through a mutation hook, because the component that deleted the thing
 * (a task's panel) is usually gone by the time the user clicks Undo.
 */
export function useTrashedToast() {
  const qc = useQueryClient();
  const toast = useToast();
  return (type: TrashType, id: Id, title: string, then?: () => void) =>
    toast(`Moved “${title}” to the trash.`, "info", {
      label: "Undo",
      run: async () => {
        try {
          await restore(qc, type, id);
          toast(`Restored “${title}”.`);
          then?.();
        } catch (e) {
          toast(`Couldn't restore “${title}”: ${(e as Error).message}`, "error");
        }
      },
    });
}

/** Delete for good (project admins; the owner for projects). */
export function usePurge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ type, id }: { type: TrashType; id: Id }) =>
      unwrap(await api.DELETE("/api/v1/trash/{type}/{id}", { params: { path: { type, id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.trash }),
  });
}
