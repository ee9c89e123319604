import { describe, expect, it } from "vitest";
import { DEFAULT_FILTERS, filtersFromSearch, searchFromFilters, taskSearchValidator } from "./taskSearch";

describe("taskSearchValidator", () => {
  const validate = taskSearchValidator("position");

  it("keeps what it recognises, typed", () => {
    expect(
      validate({
        task: 9,
        search: "rent",
        status: "done",
        priority: 3,
        label: "12",
        assignee: "me",
        due: "week",
        sort: "-priority",
      }),
    ).toEqual({
      task: 9,
      search: "rent",
      status: "done",
      priority: 3,
      label: 12,
      assignee: "me",
      due: "week",
      sort: "-priority",
    });
  });

  it("drops defaults and nonsense instead of failing", () => {
    expect(validate({ status: "open", sort: "position", search: "" })).toEqual({});
    expect(
      validate({ task: -1, status: "nope", priority: 9, label: "x", assignee: "0", due: "someday", sort: "DROP" }),
    ).toEqual({});
    expect(validate({ task: "1e3", priority: 2.5 })).toEqual({});
  });

  it("reads a search for digits, which the router parses as a number, as text", () => {
    expect(validate({ search: 2026 })).toEqual({ search: "2026" });
  });

  it("has a default sort per view", () => {
    expect(taskSearchValidator("due_at")({ sort: "due_at" })).toEqual({});
    expect(taskSearchValidator("due_at")({ sort: "position" })).toEqual({ sort: "position" });
  });
});

describe("filters ⇄ URL", () => {
  it("round-trips every filter and keeps the open task", () => {
    const filters = {
      search: "pay rent",
      status: "all" as const,
      priority: "0",
      labelId: "4",
      assigneeId: "7",
      due: "overdue" as const,
      sort: "title" as const,
    };
    const search = searchFromFilters(filters, "position", 5);
    expect(search).toEqual({
      task: 5,
      search: "pay rent",
      status: "all",
      priority: 0,
      label: 4,
      assignee: 7,
      due: "overdue",
      sort: "title",
    });
    expect(filtersFromSearch(search, "position")).toEqual(filters);
  });

  it("writes nothing for the defaults", () => {
    expect(searchFromFilters(DEFAULT_FILTERS, "position")).toEqual({});
    expect(filtersFromSearch({}, "due_at")).toEqual({ ...DEFAULT_FILTERS, sort: "due_at" });
  });
});
