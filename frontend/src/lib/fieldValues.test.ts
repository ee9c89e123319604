import { describe, expect, it } from "vitest";
import { changeRows, fieldLabel, formatFieldValue, sameValue, snapshotOf, textDiff } from "./fieldValues";

const ctx = {
  members: [{ user: { id: 7, username: "ada" } }],
  labels: [
    { id: 1, name: "home" },
    { id: 2, name: "urgent" },
  ],
  sections: [{ id: 3, name: "Doing" }],
};

describe("formatFieldValue", () => {
  it("resolves ids to names and says which ones are gone", () => {
    expect(formatFieldValue("assignee_id", 7, ctx)).toBe("ada");
    expect(formatFieldValue("assignee_id", 8, ctx)).toBe("user #8");
    expect(formatFieldValue("label_ids", [2, 1, 9], ctx)).toBe("urgent, home, label #9");
    expect(formatFieldValue("section_id", 3, ctx)).toBe("Doing");
  });

  it("reads empty values as none and priorities and statuses as words", () => {
    expect(formatFieldValue("due_at", null, ctx)).toBe("none");
    expect(formatFieldValue("label_ids", [], ctx)).toBe("none");
    expect(formatFieldValue("priority", 4, ctx)).toBe("urgent");
    expect(formatFieldValue("status", "in_progress", ctx)).toBe("in progress");
  });

  it("shows an all-day due date without a time, in UTC so no zone moves its day", () => {
    const text = formatFieldValue("due_at", "2027-03-05T00:00:00Z", ctx, true);
    expect(text).toContain("2027");
    expect(text).not.toMatch(/\d:\d\d/);
  });
});

describe("changeRows", () => {
  it("keeps field changes and drops bookkeeping", () => {
    expect(
      changeRows({ title: { from: "a", to: "b" }, version: { from: 1, to: 2 }, updated_at: { from: "x", to: "y" } }),
    ).toEqual([{ field: "title", from: "a", to: "b" }]);
    expect(changeRows(null)).toEqual([]);
    expect(changeRows({ odd: 5 })).toEqual([]);
  });
});

describe("textDiff", () => {
  it("marks the words added and removed", () => {
    const pieces = textDiff("buy milk today", "buy oat milk tomorrow");
    expect(pieces.filter((p) => p.kind === "added").map((p) => p.text.trim())).toEqual(["oat", "tomorrow"]);
    expect(pieces.filter((p) => p.kind === "removed").map((p) => p.text.trim())).toEqual(["today"]);
    expect(pieces.map((p) => (p.kind === "removed" ? "" : p.text)).join("")).toBe("buy oat milk tomorrow");
  });
});

describe("fieldLabel", () => {
  it("names fields as people say them", () => {
    expect(fieldLabel("due_at")).toBe("due");
    expect(fieldLabel("something_new")).toBe("something new");
  });
});

describe("snapshotOf and sameValue", () => {
  const task = {
    title: "Pay rent",
    description: "",
    status: "todo",
    priority: 0,
    due_at: "2027-01-01T09:00:00Z",
    due_all_day: false,
    start_at: null,
    recurrence: null,
    recurrence_basis: "due",
    assignee_id: null,
    section_id: null,
    labels: [{ id: 5 }, { id: 2 }],
  };

  it("puts a task in a version's shape, labels as sorted ids", () => {
    const snap = snapshotOf(task);
    expect(snap.label_ids).toEqual([2, 5]);
    expect(snap.title).toBe("Pay rent");
    expect(Object.keys(snap)).toHaveLength(12);
  });

  it("compares instants by time, id lists as sets, and empties as equal", () => {
    expect(sameValue("due_at", "2027-01-01T09:00:00Z", "2027-01-01T09:00:00+00:00")).toBe(true);
    expect(sameValue("due_at", "2027-01-01T09:00:00Z", "2027-01-01T10:00:00Z")).toBe(false);
    expect(sameValue("label_ids", [5, 2], [2, 5])).toBe(true);
    expect(sameValue("label_ids", [5], [2, 5])).toBe(false);
    expect(sameValue("description", "", null)).toBe(true);
    expect(sameValue("priority", 0, 4)).toBe(false);
  });
});
