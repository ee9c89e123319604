// The task views' URL state: filters, sort and the open task live in the query string, so a
// reload, the back button and a shared link keep them. One validator per route (the router's
// `validateSearch`) turns whatever the address bar holds into typed values; anything it does
// not recognise is dropped, never an error.
import type { TaskSort } from "../api/queryKeys";
import type { TaskStatus } from "../api/types";
import type { DueFilter } from "./dates";

export type StatusChoice = "open" | "all" | TaskStatus;

/** What the filter bar edits (strings, as the form controls hold them). */
export type FilterState = {
  search: string;
  /** The filter box: an expression of the filter language (`GET /tasks?q=`). */
  q: string;
  status: StatusChoice;
  priority: string;
  labelId: string;
  assigneeId: string;
  due: DueFilter;
  sort: TaskSort;
};

export const DEFAULT_FILTERS: FilterState = {
  search: "",
  q: "",
  status: "open",
  priority: "",
  labelId: "",
  assigneeId: "",
  due: "",
  sort: "position",
};

/** The typed query string of a task view; a key is absent when it holds its default. */
export type TaskSearch = {
  task?: number;
  search?: string;
  q?: string;
  status?: StatusChoice;
  priority?: number;
  label?: number;
  assignee?: "me" | number;
  due?: Exclude<DueFilter, "">;
  sort?: TaskSort;
  /** The board's columns: by status (the default) or by section. */
  group?: "section";
};

/** The longest expression the API takes (`q`, ≤ 1,000 characters). */
export const MAX_QUERY_LENGTH = 1000;

const STATUS_CHOICES: readonly StatusChoice[] = ["open", "all", "todo", "in_progress", "done"];
const DUE_CHOICES: readonly Exclude<DueFilter, "">[] = ["overdue", "today", "week", "later"];
export const SORT_CHOICES: readonly TaskSort[] = [
  "position",
  "-created_at",
  "created_at",
  "due_at",
  "-priority",
  "-votes",
  "title",
];

function id(value: unknown): number | undefined {
  const n = typeof value === "string" && /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function oneOf<T extends string>(choices: readonly T[], value: unknown): T | undefined {
  return choices.find((c) => c === value);
}

/** `validateSearch` for a task view whose default sort is `defaultSort`. */
export function taskSearchValidator(defaultSort: TaskSort) {
  return (raw: Record<string, unknown>): TaskSearch => {
    const out: TaskSearch = {};
    const task = id(raw.task);
    if (task) out.task = task;
    // The router parses `?search=12` as a number: a search for digits is still a search.
    const search = typeof raw.search === "number" || typeof raw.search === "boolean" ? String(raw.search) : raw.search;
    if (typeof search === "string" && search !== "") out.search = search.slice(0, 500);
    const q = typeof raw.q === "number" || typeof raw.q === "boolean" ? String(raw.q) : raw.q;
    if (typeof q === "string" && q.trim() !== "") out.q = q.slice(0, MAX_QUERY_LENGTH);
    const status = oneOf(STATUS_CHOICES, raw.status);
    if (status && status !== "open") out.status = status;
    const priority = Number(raw.priority);
    if (
      raw.priority !== undefined &&
      raw.priority !== "" &&
      Number.isInteger(priority) &&
      priority >= 0 &&
      priority <= 4
    )
      out.priority = priority;
    const label = id(raw.label);
    if (label) out.label = label;
    const assignee = raw.assignee === "me" ? "me" : id(raw.assignee);
    if (assignee) out.assignee = assignee;
    const due = oneOf(DUE_CHOICES, raw.due);
    if (due) out.due = due;
    const sort = oneOf(SORT_CHOICES, raw.sort);
    if (sort && sort !== defaultSort) out.sort = sort;
    if (raw.group === "section") out.group = "section";
    return out;
  };
}

/** The filter bar's state from the URL. */
export function filtersFromSearch(search: TaskSearch, defaultSort: TaskSort): FilterState {
  return {
    search: search.search ?? "",
    q: search.q ?? "",
    status: search.status ?? "open",
    priority: search.priority === undefined ? "" : String(search.priority),
    labelId: search.label === undefined ? "" : String(search.label),
    assigneeId: search.assignee === undefined ? "" : String(search.assignee),
    due: search.due ?? "",
    sort: search.sort ?? defaultSort,
  };
}

/** The URL's query string for a filter bar state (defaults left out), keeping the open task
 * and the board's grouping. */
export function searchFromFilters(
  filters: FilterState,
  defaultSort: TaskSort,
  task?: number,
  group?: TaskSearch["group"],
): TaskSearch {
  const validate = taskSearchValidator(defaultSort);
  return validate({
    task,
    group,
    search: filters.search,
    q: filters.q,
    status: filters.status,
    priority: filters.priority,
    label: filters.labelId,
    assignee: filters.assigneeId,
    due: filters.due,
    sort: filters.sort,
  });
}

/** The filter page's URL: the expression, the saved filter it came from, sort and open task. */
export type FilterPageSearch = Pick<TaskSearch, "q" | "task" | "sort"> & { saved?: number };

export function filterPageValidator(raw: Record<string, unknown>): FilterPageSearch {
  const { q, task, sort } = taskSearchValidator("due_at")(raw);
  const out: FilterPageSearch = {};
  if (q) out.q = q;
  if (task) out.task = task;
  if (sort) out.sort = sort;
  const saved = id(raw.saved);
  if (saved) out.saved = saved;
  return out;
}
