// A task's reminders (personal: the caller's own), with add, snooze and delete.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { queryKeys } from "./queryKeys";
import type { components } from "./schema";
import type { Id } from "./types";

export type Reminder = components["schemas"]["ReminderPublic"];
export type ReminderCreate = components["schemas"]["ReminderCreate"];

/** At most this many reminders per user and task (SPEC §6). */
export const MAX_REMINDERS = 10;

const remindersKey = (taskId: Id) => [...queryKeys.task(taskId), "reminders"] as const;

export function useReminders(taskId: Id) {
  return useQuery({
    queryKey: remindersKey(taskId),
    queryFn: async (): Promise<Reminder[]> =>
      unwrap(
        await api.GET("/api/v1/tasks/{task_id}/reminders", {
          params: { path: { task_id: taskId }, query: { limit: MAX_REMINDERS } },
        }),
      ).items,
  });
}

export function useReminderActions(taskId: Id) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: remindersKey(taskId) });
  const add = useMutation({
    mutationFn: async (body: ReminderCreate) =>
      unwrap(await api.POST("/api/v1/tasks/{task_id}/reminders", { params: { path: { task_id: taskId } }, body })),
    onSettled: refresh,
  });
  const snooze = useMutation({
    mutationFn: async ({ id, minutes }: { id: Id; minutes: number }) =>
      unwrap(
        await api.POST("/api/v1/reminders/{reminder_id}/snooze", {
          params: { path: { reminder_id: id } },
          body: { minutes },
        }),
      ),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: async (id: Id) =>
      unwrap(await api.DELETE("/api/v1/reminders/{reminder_id}", { params: { path: { reminder_id: id } } })),
    onMutate: (id) => {
      qc.setQueryData<Reminder[]>(remindersKey(taskId), (all) => all?.filter((r) => r.id !== id));
    },
    onSettled: refresh,
  });
  return { add, snooze, remove };
}
