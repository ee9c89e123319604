// Server state for a task's comments.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { ALL } from "./projects";
import { queryKeys } from "./queryKeys";
import type { Id } from "./types";

export function useComments(taskId: Id) {
  return useQuery({
    queryKey: queryKeys.comments(taskId),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/tasks/{task_id}/comments", {
          params: { path: { task_id: taskId }, query: { limit: ALL } },
        }),
      ).items,
  });
}

export function useAddComment(taskId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: string) =>
      unwrap(
        await api.POST("/api/v1/tasks/{task_id}/comments", { params: { path: { task_id: taskId } }, body: { body } }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.task(taskId) }),
  });
}

export function useEditComment(taskId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ commentId, body }: { commentId: Id; body: string }) =>
      unwrap(
        await api.PATCH("/api/v1/comments/{comment_id}", {
          params: { path: { comment_id: commentId } },
          body: { body },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.comments(taskId) }),
  });
}

export function useDeleteComment(taskId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (commentId: Id) =>
      unwrap(await api.DELETE("/api/v1/comments/{comment_id}", { params: { path: { comment_id: commentId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.task(taskId) }),
  });
}
