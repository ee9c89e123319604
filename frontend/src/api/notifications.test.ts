import { describe as suite, expect, it } from "vitest";
import { describe, notificationHref, type Notification } from "./notifications";
import { keysForEvent, queryKeys } from "./queryKeys";

const base: Notification = {
  id: 1,
  type: "mentioned",
  task_id: 7,
  project_id: 3,
  actor: { id: 2, username: "ada" },
  data: { task_title: "Ship it" },
  read_at: null,
  created_at: "2026-12-01T10:00:00Z",
};

suite("notifications", () => {
  it("says what happened and where it leads", () => {
    expect(describe(base)).toBe("ada mentioned you on “Ship it”");
    expect(notificationHref(base)).toBe("/projects/3?task=7");
    const added = { ...base, type: "member_added" as const, task_id: null, data: { project_name: "Team" } };
    expect(describe(added)).toBe("ada added you to “Team”");
    expect(notificationHref(added)).toBe("/projects/3");
  });

  it("a live notification refreshes the bell and the inbox", () => {
    expect(keysForEvent({ type: "notification.created", data: base })).toEqual([queryKeys.notifications]);
  });
});
