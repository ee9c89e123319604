import { describe, expect, it } from "vitest";
import {
  DEFAULT_FILTERS,
  filterPageValidator,
  filtersFromSearch,
  searchFromFilters,
  taskSearchValidator,
} from "./taskSearch";

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

  it("keeps a filter expression, reads one of digits as text, and drops a blank one", () => {
    expect(validate({ q: "p1 & @bills" })).toEqual({ q: "p1 & @bills" });
    expect(validate({ q: 2026 })).toEqual({ q: "2026" });
    expect(validate({ q: "   " })).toEqual({});
    expect(validate({ q: "x".repeat(1200) }).q).toHaveLength(1000);
  });

  it("knows the board's grouping by section and nothing else", () => {
    expect(validate({ group: "section" })).toEqual({ group: "section" });
    expect(validate({ group: "status" })).toEqual({});
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
      q: "#Home & (today | overdue)",
      status: "all" as const,
      priority: "0",
      labelId: "4",
      assigneeId: "7",
      due: "overdue" as const,
      sort: "title" as const,
    };
    const search = searchFromFilters(filters, "position", 5, "section");
    expect(search).toEqual({
      task: 5,
      group: "section",
      search: "pay rent",
      q: "#Home & (today | overdue)",
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

describe("filterPageValidator", () => {
  it("keeps the expression, the saved filter, the sort and the open task, nothing else", () => {
    expect(
      filterPageValidator({
        q: "today | overdue",
        saved: "3",
        task: 9,
        sort: "-priority",
        status: "done",
        group: "section",
      }),
    ).toEqual({ q: "today | overdue", saved: 3, task: 9, sort: "-priority" });
    expect(filterPageValidator({ saved: "abc", sort: "due_at" })).toEqual({});
  });
});
