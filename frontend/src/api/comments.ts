// Server state for a task's comments.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { ALL } from "./projects";
import { queryKeys } from "./queryKeys";
import type { Comment, Id } from "./types";
import type { TextBase, TextOutcome } from "../lib/textDraft";

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

export function useDeleteComment(taskId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (commentId: Id) =>
      unwrap(await api.DELETE("/api/v1/comments/{comment_id}", { params: { path: { comment_id: commentId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.task(taskId) }),
  });
}

async function getComments(taskId: Id): Promise<Comment[]> {
  return unwrap(
    await api.GET("/api/v1/tasks/{task_id}/comments", { params: { path: { task_id: taskId }, query: { limit: ALL } } }),
  ).items;
}

/**
 * Save an edited comment that started from `base`. Comments carry no version and the API
 * takes no If-Match for them, so this re-reads the comment just before writing and hands
 * both texts back if it changed since the edit began (another tab or device of the author).
 * A change landing between that read and the write is still overwritten: only a version
 * on comments in the API can close that window.
 */
export function useCommitComment(taskId: Id, commentId: Id) {
  const qc = useQueryClient();
  return async (text: string, base: TextBase): Promise<TextOutcome> => {
    const comments = await qc.fetchQuery({
      queryKey: queryKeys.comments(taskId),
      queryFn: () => getComments(taskId),
      staleTime: 0,
    });
    const current = comments.find((c) => c.id === commentId);
    if (!current) throw new Error("This comment was deleted meanwhile.");
    if (current.body === text) return { saved: true };
    if (current.body !== base.text) return { saved: false, theirs: { text: current.body, version: null } };
    unwrap(
      await api.PATCH("/api/v1/comments/{comment_id}", {
        params: { path: { comment_id: commentId } },
        body: { body: text },
      }),
    );
    await qc.invalidateQueries({ queryKey: queryKeys.comments(taskId) });
    return { saved: true };
  };
}
