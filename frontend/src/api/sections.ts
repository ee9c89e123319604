// Server state for a project's sections (SPEC §9): named groups of its tasks, in order.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { ALL } from "./projects";
import { queryKeys } from "./queryKeys";
import type { Id, Section } from "./types";

export function useSections(projectId: Id | undefined) {
  return useQuery({
    queryKey: queryKeys.sections(projectId ?? 0),
    enabled: !!projectId,
    queryFn: async (): Promise<Section[]> =>
      unwrap(
        await api.GET("/api/v1/projects/{project_id}/sections", {
          params: { path: { project_id: projectId! }, query: { limit: ALL } },
        }),
      ).items,
  });
}

export function useCreateSection(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) =>
      unwrap(
        await api.POST("/api/v1/projects/{project_id}/sections", {
          params: { path: { project_id: projectId } },
          body: { name },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.sections(projectId) }),
  });
}

export function useRenameSection(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, name }: { id: Id; name: string }) =>
      unwrap(
        await api.PATCH("/api/v1/sections/{section_id}", { params: { path: { section_id: id } }, body: { name } }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.sections(projectId) }),
  });
}

export function useDeleteSection(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: Id) =>
      unwrap(await api.DELETE("/api/v1/sections/{section_id}", { params: { path: { section_id: id } } })),
    // Its tasks move to no section.
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: queryKeys.sections(projectId) }),
        qc.invalidateQueries({ queryKey: queryKeys.taskLists }),
      ]),
  });
}
