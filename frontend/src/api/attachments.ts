// Server state for a task's attachments, and the authorised reads of their bytes.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, fetchWithAuth, tokens, unwrap } from "./client";
import { ALL } from "./projects";
import { queryKeys } from "./queryKeys";
import type { Attachment, Id } from "./types";

export function useAttachments(taskId: Id) {
  return useQuery({
    queryKey: queryKeys.attachments(taskId),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/tasks/{task_id}/attachments", {
          params: { path: { task_id: taskId }, query: { limit: ALL } },
        }),
      ).items,
    // A thumbnail is made by the worker after the upload: look again until it is there.
    refetchInterval: (query) =>
      query.state.data?.some((a) => a.content_type.startsWith("image/") && !a.thumbnail_url && isRecent(a))
        ? 1500
        : false,
  });
}

function isRecent(attachment: Attachment): boolean {
  return Date.now() - new Date(attachment.created_at).getTime() < 60_000;
}

export function useDeleteAttachment(taskId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (attachmentId: Id) =>
      unwrap(
        await api.DELETE("/api/v1/attachments/{attachment_id}", {
          params: { path: { attachment_id: attachmentId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.task(taskId) }),
  });
}

/**
 * Upload one file with progress (fetch cannot report upload progress; XMLHttpRequest can).
 * The access token is refreshed once on 401, as the API client does.
 */
export function uploadAttachment(
  taskId: Id,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<Attachment> {
  const send = (token: string | null) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("POST", `/api/v1/tasks/${taskId}/attachments`);
      if (token) request.setRequestHeader("Authorization", `Bearer ${token}`);
      request.responseType = "json";
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      };
      request.onload = () => resolve({ status: request.status, body: request.response });
      request.onerror = () => reject(new ApiError(0, null, "You appear to be offline."));
      const form = new FormData();
      form.append("file", file, file.name);
      request.send(form);
    });
  return (async () => {
    const used = tokens.accessToken;
    let result = await send(used);
    if (result.status === 401) {
      const fresh = await tokens.tokenAfterUnauthorized(used);
      if (fresh) result = await send(fresh);
    }
    if (result.status !== 201) throw new ApiError(result.status, result.body);
    onProgress(1);
    return result.body as Attachment;
  })();
}

/** GET with the bearer token; the body as a Blob (for previews and downloads). */
export async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetchWithAuth(new Request(url));
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response.blob();
}

/** Save an attachment under its name: fetched with the token, handed to the browser. */
export async function downloadAttachment(attachment: Attachment): Promise<void> {
  const blob = await fetchBlob(attachment.url);
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = attachment.filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
