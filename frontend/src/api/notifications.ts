// Server state for the inbox (notifications), the email settings, watching and invitations.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components } from "./schema";
import { api, unwrap } from "./client";
import { queryKeys } from "./queryKeys";
import type { Id } from "./types";

export type Notification = components["schemas"]["NotificationPublic"];
export type NotificationSettings = components["schemas"]["NotificationSettingsPublic"];
export type Invitation = components["schemas"]["InvitationPublic"];

export function useUnreadCount(enabled = true) {
  return useQuery({
    queryKey: queryKeys.unreadCount,
    enabled,
    queryFn: async () => unwrap(await api.GET("/api/v1/notifications/unread-count")).count,
  });
}

export function useNotifications(unread: boolean, enabled = true) {
  return useQuery({
    queryKey: queryKeys.notificationList(unread),
    enabled,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/notifications", { params: { query: { unread, limit: 50 } } })),
  });
}

export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { ids: Id[] } | { all: true }) =>
      unwrap(await api.POST("/api/v1/notifications/read", { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
}

export function useNotificationSettings() {
  return useQuery({
    queryKey: queryKeys.notificationSettings,
    queryFn: async () => unwrap(await api.GET("/api/v1/users/me/notification-settings")),
  });
}

export function useUpdateNotificationSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: components["schemas"]["NotificationSettingsUpdate"]) =>
      unwrap(await api.PATCH("/api/v1/users/me/notification-settings", { body })),
    onSuccess: (settings) => qc.setQueryData(queryKeys.notificationSettings, settings),
  });
}

export function useWatch(taskId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (watching: boolean) => {
      const params = { params: { path: { task_id: taskId } } };
      return unwrap(
        watching
          ? await api.PUT("/api/v1/tasks/{task_id}/watch", params)
          : await api.DELETE("/api/v1/tasks/{task_id}/watch", params),
      );
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.task(taskId) }),
  });
}

export function useInvitations(projectId: Id, enabled = true) {
  return useQuery({
    queryKey: queryKeys.invitations(projectId),
    enabled,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/projects/{project_id}/invitations", {
          params: { path: { project_id: projectId }, query: { limit: 100 } },
        }),
      ).items,
  });
}

export function useInvite(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { email: string; role: "admin" | "editor" | "viewer" }) =>
      unwrap(
        await api.POST("/api/v1/projects/{project_id}/invitations", {
          params: { path: { project_id: projectId } },
          body,
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.invitations(projectId) }),
  });
}

export function useRevokeInvitation(projectId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (invitationId: Id) =>
      unwrap(
        await api.DELETE("/api/v1/invitations/{invitation_id}", {
          params: { path: { invitation_id: invitationId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.invitations(projectId) }),
  });
}

export async function acceptInvitation(token: string) {
  return unwrap(await api.POST("/api/v1/invitations/accept", { body: { token } }));
}

/** One line saying what happened, as the emails put it. */
export function describe(n: Notification): string {
  const actor = n.actor?.username ?? "Someone";
  const data = n.data as { task_title?: string; project_name?: string };
  const title = `“${data.task_title ?? "a task"}”`;
  const project = `“${data.project_name ?? "a project"}”`;
  switch (n.type) {
    case "assigned":
      return `${actor} assigned you ${title}`;
    case "mentioned":
      return `${actor} mentioned you on ${title}`;
    case "commented":
      return `${actor} commented on ${title}`;
    case "task_completed":
      return `${actor} completed ${title}`;
    case "reminder":
      return `Reminder: ${title}`;
    case "member_added":
      return `${actor} added you to ${project}`;
    default:
      return `${actor} accepted your invitation to ${project}`;
  }
}

/** Where a notification leads in the web app. */
export function notificationHref(n: Notification): string {
  if (n.project_id == null) return "/";
  if (n.task_id == null) return `/projects/${n.project_id}`;
  return `/projects/${n.project_id}?task=${n.task_id}`;
}
