import type { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "./queryKeys";
import type { Task } from "./types";

/** The newest version of `task` this tab knows: our own last edit may be newer than the prop. */
export function latestVersion(qc: QueryClient, task: Pick<Task, "id" | "version">): number {
  const cached = qc.getQueryData<Task>(queryKeys.task(task.id));
  return Math.max(task.version, cached?.version ?? 0);
}
