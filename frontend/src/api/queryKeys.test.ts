import { describe, expect, it } from "vitest";
import { keysForEvent, normalizeFilters, queryKeys, toTaskQuery } from "./queryKeys";

describe("query keys", () => {
  it("makes equal keys for equal filters", () => {
    expect(queryKeys.taskList({ status: ["todo", "done"], search: " milk ", priority: undefined })).toEqual(
      queryKeys.taskList({ search: "milk", status: ["done", "todo"] }),
    );
  });

  it("drops empty values", () => {
    expect(normalizeFilters({ search: "  ", status: [], assigneeId: "", projectId: 7 })).toEqual({ projectId: 7 });
    expect(normalizeFilters({ q: "   " })).toEqual({});
  });

  it("trims a filter expression so the same filter makes the same key", () => {
    expect(queryKeys.taskList({ q: " today | p1 " })).toEqual(queryKeys.taskList({ q: "today | p1" }));
    expect(toTaskQuery({ q: " today " }).q).toBe("today");
  });

  it("keeps priority 0 and offset 0", () => {
    expect(normalizeFilters({ priority: 0, offset: 0 })).toEqual({ priority: 0, offset: 0 });
  });

  it("nests task details under the tasks prefix so one invalidation covers all", () => {
    expect(queryKeys.task(1).slice(0, 1)).toEqual(queryKeys.tasks);
    expect(queryKeys.comments(1).slice(0, 3)).toEqual(queryKeys.task(1));
    expect(queryKeys.taskList({}).slice(0, 2)).toEqual(queryKeys.taskLists);
  });

  it("maps filters to API query names", () => {
    expect(
      toTaskQuery({ projectId: 7, assigneeId: "me", dueBefore: "2026-01-01T00:00:00Z", sort: "-priority" }),
    ).toEqual({
      project_id: 7,
      assignee_id: "me",
      due_before: "2026-01-01T00:00:00Z",
      sort: "-priority",
      status: undefined,
      priority: undefined,
      label_id: undefined,
      due_after: undefined,
      parent_id: undefined,
      search: undefined,
      q: undefined,
      limit: undefined,
      offset: undefined,
    });
  });
});

describe("keysForEvent", () => {
  it("refreshes the trash when something is deleted, restored or purged, and only then", () => {
    expect(keysForEvent({ type: "task.deleted", project_id: 1, task_id: 2 })).toContainEqual(queryKeys.trash);
    expect(keysForEvent({ type: "project.restored", project_id: 1 })).toContainEqual(queryKeys.trash);
    expect(keysForEvent({ type: "task.updated", project_id: 1, task_id: 2 })).not.toContainEqual(queryKeys.trash);
  });

  it("refreshes task lists and the task on a task event", () => {
    const keys = keysForEvent({ type: "task.updated", project_id: 7, task_id: 9 });
    expect(keys).toContainEqual(queryKeys.taskLists);
    expect(keys).toContainEqual(queryKeys.task(9));
    expect(keys).toContainEqual(queryKeys.projectActivity(7));
    // A saved filter's count may have changed.
    expect(keys).toContainEqual(queryKeys.savedFilters);
  });

  it("refreshes the project's sections, the lists and the counts on a section event", () => {
    const keys = keysForEvent({ type: "section.deleted", project_id: 7 });
    expect(keys).toContainEqual(queryKeys.sections(7));
    expect(keys).toContainEqual(queryKeys.taskLists);
    expect(keys).toContainEqual(queryKeys.savedFilters);
    expect(keys).not.toContainEqual(queryKeys.projects);
  });

  it("refreshes members and projects on a member event", () => {
    const keys = keysForEvent({ type: "member.added", project_id: 7 });
    expect(keys).toContainEqual(queryKeys.members(7));
    expect(keys).toContainEqual(queryKeys.projects);
  });

  it("refreshes the project's activity feed on any change in the project", () => {
    for (const type of ["comment.created", "attachment.added", "section.updated", "label.created", "invitation.created"]) {
      expect(keysForEvent({ type, project_id: 7, task_id: 9 })).toContainEqual(queryKeys.projectActivity(7));
    }
    expect(keysForEvent({ type: "comment.created", task_id: 9 })).not.toContainEqual(queryKeys.projectActivity(7));
  });

  it("refreshes everything visible on an unknown event", () => {
    expect(keysForEvent({ type: "something.new" })).toEqual([queryKeys.projects, queryKeys.tasks]);
  });
});
