// Search, filters and sort above the task list and board.
import { useEffect, useEffectEvent, useState, type RefObject } from "react";
import type { Label, Member, TaskStatus } from "../api/types";
import { PRIORITIES } from "../api/types";
import type { DueFilter } from "../lib/dates";
import type { TaskSort } from "../api/queryKeys";
import { DEFAULT_FILTERS, type FilterState, type StatusChoice } from "../lib/taskSearch";
import "./TaskFilters.css";

export { DEFAULT_FILTERS, type FilterState, type StatusChoice } from "../lib/taskSearch";

const SEARCH_DELAY_MS = 200;

export const SORTS: [TaskSort, string][] = [
  ["position", "Manual order"],
  ["-created_at", "Newest first"],
  ["created_at", "Oldest first"],
  ["due_at", "Due date"],
  ["-priority", "Priority"],
  ["-votes", "Most votes"],
  ["title", "Title"],
];

/** Whether anything but the defaults narrows the list (for the empty-state message). */
export function isFiltered(f: FilterState): boolean {
  return (
    f.search.trim() !== "" ||
    f.q.trim() !== "" ||
    f.status !== "open" ||
    f.priority !== "" ||
    f.labelId !== "" ||
    f.assigneeId !== "" ||
    f.due !== ""
  );
}

/** Whether a new task (to do, no priority, no labels, no due date) might not show. */
export function mayHideNewTask(f: FilterState): boolean {
  return (
    f.search.trim() !== "" ||
    f.q.trim() !== "" ||
    f.priority !== "" ||
    f.labelId !== "" ||
    f.assigneeId !== "" ||
    f.due !== "" ||
    !["open", "all", "todo"].includes(f.status)
  );
}

export function statusesFor(choice: StatusChoice): TaskStatus[] | undefined {
  if (choice === "all") return undefined;
  if (choice === "open") return ["todo", "in_progress"];
  return [choice];
}

type Props = {
  value: FilterState;
  onChange: (next: FilterState) => void;
  labels: Label[];
  members: Member[];
  searchRef: RefObject<HTMLInputElement | null>;
  /** The list view: status filter and sort (the board has columns and manual order). */
  showStatus: boolean;
  /** Across projects there are no shared labels or members to pick from. */
  acrossProjects?: boolean;
};

export function TaskFilters({
  value,
  onChange,
  labels,
  members,
  searchRef,
  showStatus,
  acrossProjects = false,
}: Props) {
  const set = <K extends keyof FilterState>(key: K, v: FilterState[K]) =>
    onChange({ ...value, [key]: v, search: text });
  const [open, setOpen] = useState(false);
  // The search box types into local state; the URL (and so the query) follows a moment later.
  // A change of the URL from elsewhere (back button, a link) replaces the text, but the echo of
  // our own write does not (it could arrive after the next keystroke).
  const [text, setText] = useState(value.search);
  const [sent, setSent] = useState(value.search);
  if (value.search !== sent) {
    setSent(value.search);
    setText(value.search);
  }
  const commitSearch = useEffectEvent((search: string) => {
    setSent(search);
    onChange({ ...value, search });
  });
  useEffect(() => {
    if (text === value.search) return;
    const timer = setTimeout(() => commitSearch(text), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, value.search]);
  const active =
    value.priority !== "" ||
    value.labelId !== "" ||
    value.assigneeId !== "" ||
    value.due !== "" ||
    value.status !== "open";
  return (
    <div className={`filters${open ? " filters-open" : ""}`} role="search">
      <div className="filter search-filter">
        <label htmlFor="task-search" className="visually-hidden">
          Search tasks
        </label>
        <input
          id="task-search"
          ref={searchRef}
          type="search"
          placeholder="Search tasks  ( / )"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") (e.target as HTMLInputElement).blur();
          }}
        />
      </div>
      <button
        type="button"
        className="button small filters-toggle"
        aria-expanded={open}
        aria-controls="more-filters"
        onClick={() => setOpen((o) => !o)}
      >
        Filters{active ? " •" : ""}
      </button>
      <div className="more-filters" id="more-filters">
        {showStatus && (
          <div className="filter">
            <label htmlFor="filter-status">Status</label>
            <select
              id="filter-status"
              value={value.status}
              onChange={(e) => set("status", e.target.value as StatusChoice)}
            >
              <option value="open">Open</option>
              <option value="all">All</option>
              <option value="todo">To do</option>
              <option value="in_progress">In progress</option>
              <option value="done">Done</option>
            </select>
          </div>
        )}
        <div className="filter">
          <label htmlFor="filter-priority">Priority</label>
          <select id="filter-priority" value={value.priority} onChange={(e) => set("priority", e.target.value)}>
            <option value="">Any</option>
            {[...PRIORITIES].reverse().map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        {!acrossProjects && (
          <>
            <div className="filter">
              <label htmlFor="filter-label">Label</label>
              <select id="filter-label" value={value.labelId} onChange={(e) => set("labelId", e.target.value)}>
                <option value="">Any</option>
                {labels.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="filter">
              <label htmlFor="filter-assignee">Assignee</label>
              <select id="filter-assignee" value={value.assigneeId} onChange={(e) => set("assigneeId", e.target.value)}>
                <option value="">Anyone</option>
                <option value="me">Me</option>
                {members.map((m) => (
                  <option key={m.user.id} value={m.user.id}>
                    {m.user.full_name || m.user.username}
                  </option>
                ))}
              </select>
            </div>
          </>
        )}
        <div className="filter">
          <label htmlFor="filter-due">Due</label>
          <select id="filter-due" value={value.due} onChange={(e) => set("due", e.target.value as DueFilter)}>
            <option value="">Any time</option>
            <option value="overdue">Overdue</option>
            <option value="today">Today</option>
            <option value="week">Next 7 days</option>
            <option value="later">Later</option>
          </select>
        </div>
        {showStatus && (
          <div className="filter">
            <label htmlFor="filter-sort">Sort</label>
            <select id="filter-sort" value={value.sort} onChange={(e) => set("sort", e.target.value as TaskSort)}>
              {SORTS.map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        )}
        {active && (
          <button
            type="button"
            className="link-button"
            onClick={() => onChange({ ...DEFAULT_FILTERS, search: text, q: value.q, sort: value.sort })}
          >
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
}
