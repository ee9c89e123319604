// The command palette (Ctrl/⌘+K): one box to jump to a view, project, saved filter or task,
// or to run an action. A modal <dialog> (the browser traps focus; Escape closes) holding an
// ARIA combobox whose listbox is navigated with the arrow keys, Enter or the mouse.
// Loaded as a chunk of its own the first time it opens.
import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { api, unwrap } from "../api/client";
import { useSavedFilters } from "../api/filters";
import { useProjects } from "../api/projects";
import { queryKeys } from "../api/queryKeys";
import type { Task } from "../api/types";
import { fuzzyRank } from "../lib/fuzzy";
import { focusQuickAdd } from "../lib/quickAddFocus";
import "./CommandPalette.css";

export type PaletteActions = {
  toggleTheme: () => void;
  signOut: () => void;
  openHelp: () => void;
};

type Kind = "View" | "Action" | "Project" | "Filter" | "Task";
type Item = { key: string; kind: Kind; label: string; hint?: string; run: () => void };

/** How long the task search waits after the last keystroke. */
const SEARCH_DELAY = 200;

function useDebounced(value: string, delay: number): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

export function CommandPalette({ onClose, actions }: { onClose: () => void; actions: PaletteActions }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const navigate = useNavigate();
  const projects = useProjects();
  const filters = useSavedFilters();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const id = useId();
  const listId = `${id}-list`;

  const search = useDebounced(query.trim(), SEARCH_DELAY);
  const tasks = useQuery({
    queryKey: [...queryKeys.tasks, "palette", search],
    enabled: search.length > 0,
    queryFn: async (): Promise<Task[]> =>
      unwrap(await api.GET("/api/v1/tasks", { params: { query: { search, limit: 8 } } })).items,
  });

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const items = useMemo((): Item[] => {
    const go = (run: () => unknown) => () => void run();
    const inbox = projects.data?.find((p) => p.is_inbox);
    const openProject = (projectId: number) =>
      navigate({ to: "/projects/$projectId", params: { projectId: String(projectId) } });
    const local: Item[] = [
      ...(inbox
        ? [{ key: "v-inbox", kind: "View" as const, label: "Inbox", run: go(() => openProject(inbox.id)) }]
        : []),
      { key: "v-today", kind: "View", label: "Today", run: go(() => navigate({ to: "/today" })) },
      { key: "v-upcoming", kind: "View", label: "Upcoming", run: go(() => navigate({ to: "/upcoming" })) },
      { key: "v-calendar", kind: "View", label: "Calendar", run: go(() => navigate({ to: "/calendar" })) },
      { key: "v-mine", kind: "View", label: "My tasks", run: go(() => navigate({ to: "/my-tasks" })) },
      { key: "v-filter", kind: "View", label: "Filter tasks", run: go(() => navigate({ to: "/filter" })) },
      { key: "v-trash", kind: "View", label: "Trash", run: go(() => navigate({ to: "/trash" })) },
      { key: "v-account", kind: "View", label: "Account settings", run: go(() => navigate({ to: "/account" })) },
      {
        key: "a-new",
        kind: "Action",
        label: "New task",
        hint: "q",
        run: go(() => {
          if (!focusQuickAdd() && inbox) void openProject(inbox.id);
        }),
      },
      { key: "a-theme", kind: "Action", label: "Change theme", run: go(actions.toggleTheme) },
      { key: "a-help", kind: "Action", label: "Keyboard shortcuts", hint: "?", run: go(actions.openHelp) },
      { key: "a-signout", kind: "Action", label: "Sign out", run: go(actions.signOut) },
      ...(projects.data ?? [])
        .filter((p) => !p.is_inbox)
        .map((p): Item => ({ key: `p-${p.id}`, kind: "Project", label: p.name, run: go(() => openProject(p.id)) })),
      ...(filters.data ?? []).map(
        (f): Item => ({
          key: `f-${f.id}`,
          kind: "Filter",
          label: f.name,
          hint: f.query,
          run: go(() => navigate({ to: "/filter", search: { q: f.query, saved: f.id } })),
        }),
      ),
    ];
    const ranked = fuzzyRank(query, local, (item) => item.label);
    if (!search) return ranked;
    const found = (tasks.data ?? []).map(
      (t): Item => ({
        key: `t-${t.id}`,
        kind: "Task",
        label: t.title,
        hint: projects.data?.find((p) => p.id === t.project_id)?.name,
        run: go(() =>
          navigate({ to: "/projects/$projectId", params: { projectId: String(t.project_id) }, search: { task: t.id } }),
        ),
      }),
    );
    return [...ranked, ...found];
  }, [query, search, tasks.data, projects.data, filters.data, navigate, actions]);

  const current = Math.min(active, Math.max(items.length - 1, 0));
  const optionId = (index: number) => `${id}-option-${index}`;

  useEffect(() => {
    listRef.current?.querySelector(`[id="${optionId(current)}"]`)?.scrollIntoView({ block: "nearest" });
  });

  /** Closing the dialog first gives focus back to where it was; then the item may move it. */
  function choose(item: Item | undefined) {
    if (!item) return;
    dialogRef.current?.close();
    item.run();
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (items.length === 0) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current + step + items.length) % items.length);
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      setActive(event.key === "Home" ? 0 : items.length - 1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      choose(items[current]);
    }
  }

  const searching = search.length > 0 && tasks.isFetching;
  return (
    <dialog ref={dialogRef} className="dialog palette" aria-label="Command palette" onClose={onClose}>
      <input
        ref={inputRef}
        className="palette-input"
        type="text"
        role="combobox"
        aria-label="Go to or run"
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={items.length > 0 ? optionId(current) : undefined}
        placeholder="Jump to a project, filter, view or task…"
        autoComplete="off"
        spellCheck={false}
        autoFocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul ref={listRef} id={listId} role="listbox" aria-label="Results" className="palette-list">
        {items.map((item, index) => (
          <li
            key={item.key}
            id={optionId(index)}
            role="option"
            aria-selected={index === current}
            className={index === current ? "active" : undefined}
            onMouseMove={() => index !== current && setActive(index)}
            onMouseDown={(e) => e.preventDefault() /* keep focus in the box */}
            onClick={() => choose(item)}
          >
            <span className="palette-kind">{item.kind}</span>
            <span className="palette-label">{item.label}</span>
            {item.hint && <span className="palette-hint muted">{item.hint}</span>}
          </li>
        ))}
      </ul>
      <p className="palette-status muted small" role="status" aria-live="polite">
        {searching ? "Searching tasks…" : items.length === 0 ? "Nothing matches." : `${items.length} results`}
      </p>
    </dialog>
  );
}
