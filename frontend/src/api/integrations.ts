// Integrations: personal API tokens, the calendar feed, webhooks and imports from other tools.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";
import type { Id } from "./types";

export type ApiToken = components["schemas"]["ApiTokenPublic"];
export type ApiTokenCreated = components["schemas"]["ApiTokenCreated"];
export type Webhook = components["schemas"]["WebhookPublic"];
export type WebhookCreated = components["schemas"]["WebhookCreated"];
export type Delivery = components["schemas"]["DeliveryPublic"];
export type ImportPreview = components["schemas"]["ImportPreview"];
export type ImportResult = components["schemas"]["ForeignImportResult"];
export type Scope = "read" | "write";
export type WebhookEvent = components["schemas"]["WebhookCreate"]["events"][number];
export type ImportSource = "todoist" | "trello";

export const integrationKeys = {
  apiTokens: ["api-tokens"] as const,
  webhooks: (projectId: Id) => ["webhooks", projectId] as const,
  deliveries: (webhookId: Id) => ["webhook-deliveries", webhookId] as const,
};

export function useApiTokens() {
  return useQuery({
    queryKey: integrationKeys.apiTokens,
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/api-tokens", { params: { query: { limit: 100 } } })).items,
  });
}

export async function createApiToken(name: string, scopes: Scope[], expiresAt: string | null): Promise<ApiTokenCreated> {
  return unwrap(await api.POST("/api/v1/auth/api-tokens", { body: { name, scopes, expires_at: expiresAt } }));
}

export async function revokeApiToken(tokenId: Id): Promise<void> {
  unwrap(await api.DELETE("/api/v1/auth/api-tokens/{token_id}", { params: { path: { token_id: tokenId } } }));
}

export async function rotateCalendarUrl(): Promise<string> {
  return unwrap(await api.POST("/api/v1/users/me/calendar-token")).url;
}

export async function deleteCalendarUrl(): Promise<void> {
  unwrap(await api.DELETE("/api/v1/users/me/calendar-token"));
}

export function useWebhooks(projectId: Id, enabled: boolean) {
  return useQuery({
    queryKey: integrationKeys.webhooks(projectId),
    enabled,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/projects/{project_id}/webhooks", {
          params: { path: { project_id: projectId }, query: { limit: 100 } },
        }),
      ).items,
  });
}

export async function createWebhook(projectId: Id, url: string, events: string[]): Promise<WebhookCreated> {
  return unwrap(
    await api.POST("/api/v1/projects/{project_id}/webhooks", {
      params: { path: { project_id: projectId } },
      body: { url, events: events as WebhookEvent[], active: true },
    }),
  );
}

export async function updateWebhook(
  webhookId: Id,
  change: { url?: string; events?: string[]; active?: boolean },
): Promise<Webhook> {
  return unwrap(
    await api.PATCH("/api/v1/webhooks/{webhook_id}", {
      params: { path: { webhook_id: webhookId } },
      body: { ...change, events: change.events as WebhookEvent[] | undefined },
    }),
  );
}

export async function deleteWebhook(webhookId: Id): Promise<void> {
  unwrap(await api.DELETE("/api/v1/webhooks/{webhook_id}", { params: { path: { webhook_id: webhookId } } }));
}

export async function pingWebhook(webhookId: Id): Promise<Delivery> {
  return unwrap(await api.POST("/api/v1/webhooks/{webhook_id}/ping", { params: { path: { webhook_id: webhookId } } }));
}

export function useDeliveries(webhookId: Id) {
  return useQuery({
    queryKey: integrationKeys.deliveries(webhookId),
    refetchInterval: 3000,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/webhooks/{webhook_id}/deliveries", {
          params: { path: { webhook_id: webhookId }, query: { limit: 50 } },
        }),
      ).items,
  });
}

export async function redeliver(webhookId: Id, deliveryId: Id): Promise<Delivery> {
  return unwrap(
    await api.POST("/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver", {
      params: { path: { webhook_id: webhookId, delivery_id: deliveryId } },
    }),
  );
}

function importForm(file: File, projectName: string): FormData {
  const form = new FormData();
  form.append("file", file);
  if (projectName.trim()) form.append("project_name", projectName.trim());
  return form;
}

/** Upload an export from another tool: with `dryRun`, only the preview of what it would create. */
export async function importFrom(
  source: ImportSource,
  file: File,
  projectName: string,
  dryRun: boolean,
): Promise<ImportPreview | ImportResult> {
  const path = source === "todoist" ? "/api/v1/import/todoist" : "/api/v1/import/trello";
  return unwrap(
    await api.POST(path, {
      params: { query: { dry_run: dryRun } },
      // The generated body type describes the multipart fields; the browser sends FormData.
      body: importForm(file, projectName) as never,
      bodySerializer: (body: unknown) => body as FormData,
    }),
  ) as ImportPreview | ImportResult;
}

/** Every event a webhook can ask for (the activity verbs), as the API lists them. */
export const WEBHOOK_EVENTS = [
  "task.created",
  "task.updated",
  "task.completed",
  "task.reopened",
  "task.moved",
  "task.deleted",
  "comment.created",
  "comment.updated",
  "comment.deleted",
  "label.created",
  "label.updated",
  "label.deleted",
  "member.added",
  "member.updated",
  "member.removed",
  "member.left",
  "project.updated",
  "section.created",
  "section.updated",
  "section.deleted",
] as const;
