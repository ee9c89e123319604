// Server state for saved filters (personal, SPEC §9): the sidebar's list with counts, and
// checking an expression of the filter box against the server's grammar.
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap } from "./client";
import { ALL } from "./projects";
import { queryKeys } from "./queryKeys";
import type { Id, SavedFilter } from "./types";
import { filterError, type FilterError } from "../lib/filterQuery";

export function useSavedFilters(enabled = true) {
  return useQuery({
    queryKey: queryKeys.savedFilters,
    enabled,
    queryFn: async (): Promise<SavedFilter[]> =>
      unwrap(await api.GET("/api/v1/filters", { params: { query: { limit: ALL, with_counts: true } } })).items,
  });
}

export function useCreateFilter() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { name: string; query: string }) => unwrap(await api.POST("/api/v1/filters", { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.savedFilters }),
  });
}

export function useUpdateFilter() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, ...body }: { id: Id; name?: string; query?: string }) =>
      unwrap(await api.PATCH("/api/v1/filters/{filter_id}", { params: { path: { filter_id: id } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.savedFilters }),
  });
}

export function useDeleteFilter() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: Id) =>
      unwrap(await api.DELETE("/api/v1/filters/{filter_id}", { params: { path: { filter_id: id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.savedFilters }),
  });
}

/** Whether the server reads `q` (one cheap `GET /tasks?q=…&limit=1`): null when it does, the
 * position and message of its 422 when it does not. Cached per expression. */
export function checkFilter(qc: QueryClient, q: string): Promise<FilterError | null> {
  return qc.fetchQuery({
    queryKey: queryKeys.filterCheck(q),
    staleTime: Infinity,
    retry: false,
    queryFn: async (): Promise<FilterError | null> => {
      try {
        unwrap(await api.GET("/api/v1/tasks", { params: { query: { q, limit: 1 } } }));
        return null;
      } catch (error) {
        const found = error instanceof ApiError && error.status === 422 ? filterError(error.body) : null;
        if (found) return found;
        throw error;
      }
    },
  });
}
