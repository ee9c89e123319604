// Server state for a project's labels.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { ALL } from "./projects";
import { queryKeys } from "./queryKeys";
import type { Id } from "./types";

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
