// A project's activity (SPEC Part I `GET /projects/{id}/activity`, newest first, paged by
// limit/offset): the Activity tab loads a page at a time ("Show older"). Live events about the
// project make it stale (queryKeys.keysForEvent), so a change by anyone appears at the top.
import { useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { queryKeys } from "./queryKeys";
import type { Id } from "./types";

export const ACTIVITY_PAGE = 50;

export function useProjectActivity(projectId: Id) {
  return useInfiniteQuery({
    queryKey: queryKeys.projectActivity(projectId),
    initialPageParam: 0,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/projects/{project_id}/activity", {
          params: { path: { project_id: projectId }, query: { limit: ACTIVITY_PAGE, offset: pageParam } },
        }),
      ),
    getNextPageParam: (last) => (last.offset + last.items.length < last.total ? last.offset + last.items.length : undefined),
  });
}
