// Server state for projects and their members: queries and mutations on the typed client.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { queryKeys } from "./queryKeys";
import type { Id, Project, Role } from "./types";
import { resubscribeLive } from "../live/useLiveUpdates";

/** The API's largest page: enough for projects, members and labels. */
export const ALL = 100;

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
