import { describe, expect, it } from "vitest";
import { changedFields, describeActivity, titlesFromRows, type ActivitySentence } from "./activityText";

const row = (verb: string, changes: Record<string, unknown> = {}, task_id: number | null = null) => ({
  verb,
  task_id,
  changes,
});
/** The sentence as read aloud, with the task's title where the link goes. */
const read = (s: ActivitySentence) => [s.before, s.task?.title, s.after].filter(Boolean).join(" ");

describe("describeActivity", () => {
  it("names the task a task verb is about, as a link", () => {
    const s = describeActivity(row("task.created", { title: "Pay rent" }, 7));
    expect(s.task).toEqual({ id: 7, title: "“Pay rent”" });
    expect(read(s)).toBe("created “Pay rent”");
    expect(read(describeActivity(row("task.deleted", { title: "Old" }, 3)))).toBe("moved “Old” to the trash");
  });

  it("finds a title the row does not carry, else says 'a task'", () => {
    const titles = new Map([[5, "Water plants"]]);
    const completed = row("task.completed", { status: { from: "todo", to: "done" } }, 5);
    expect(read(describeActivity(completed, (id) => titles.get(id)))).toBe("completed “Water plants”");
    expect(read(describeActivity(completed))).toBe("completed a task");
  });

  it("summarises an edit by the fields it changed", () => {
    const s = describeActivity(
      row("task.updated", { title: { from: "a", to: "b" }, due_at: { from: null, to: "2026-01-01" }, version: { from: 1, to: 2 } }, 9),
    );
    expect(s.before).toBe("edited");
    expect(s.detail).toBe("Changed title and due.");
    expect(changedFields({ priority: { from: 1, to: 2 }, status: { from: "todo", to: "done" }, title: { from: "x", to: "y" } })).toBe(
      "priority, status and title",
    );
    expect(changedFields({ version: { from: 1, to: 2 } })).toBeUndefined();
  });

  it("quotes a comment and names a file", () => {
    expect(describeActivity(row("comment.created", { body: "Looks good" }, 2))).toMatchObject({
      before: "commented on",
      detail: "Looks good",
    });
    expect(describeActivity(row("attachment.added", { filename: "plan.pdf" }, 2)).detail).toBe("plan.pdf");
  });

  it("reads members, sections, labels and the project in words", () => {
    expect(read(describeActivity(row("member.added", { username: "carol", role: "editor" })))).toBe("added carol as editor");
    expect(read(describeActivity(row("member.updated", { username: "carol", role: { from: "editor", to: "admin" } })))).toBe(
      "made carol admin",
    );
    expect(read(describeActivity(row("member.left", { username: "dan" })))).toBe("left the project");
    expect(read(describeActivity(row("section.updated", { name: { from: "Doing", to: "Now" } })))).toBe(
      "renamed the section “Doing” to “Now”",
    );
    expect(read(describeActivity(row("label.deleted", { name: "urgent" })))).toBe("deleted the label “urgent”");
    expect(read(describeActivity(row("project.created", { name: "Home" })))).toBe("created the project");
    expect(read(describeActivity(row("invitation.created", { email: "e@x.org", role: "viewer" })))).toBe(
      "invited e@x.org as viewer",
    );
  });

  it("still says something for a verb it does not know", () => {
    expect(read(describeActivity(row("widget.spun_around")))).toBe("spun around (widget)");
  });
});

describe("titlesFromRows", () => {
  it("takes the newest title each task's rows carry", () => {
    const titles = titlesFromRows([
      row("task.updated", { title: { from: "Draft", to: "Final" } }, 1),
      row("task.created", { title: "Draft" }, 1),
      row("task.created", { title: "Other" }, 2),
      row("task.completed", {}, 3),
    ]);
    expect([...titles]).toEqual([
      [1, "Final"],
      [2, "Other"],
    ]);
  });
});
