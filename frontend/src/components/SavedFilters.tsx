// The sidebar's saved filters (personal, SPEC §9): each opens the filter page with its
// expression, shows how many tasks it selects, and can be renamed or deleted in place.
import { Link, useRouterState } from "@tanstack/react-router";
import { useState, type FormEvent } from "react";
import { useDeleteFilter, useSavedFilters, useUpdateFilter } from "../api/filters";
import type { SavedFilter } from "../api/types";
import { useConfirm } from "../lib/confirm";
import { useToast } from "../lib/toast";
import { RenameDeleteButtons } from "./RenameDeleteButtons";

function FilterItem({ filter, active, onNavigate }: { filter: SavedFilter; active: boolean; onNavigate: () => void }) {
  const update = useUpdateFilter();
  const remove = useDeleteFilter();
  const confirm = useConfirm();
  const toast = useToast();
  const [editing, setEditing] = useState(false);

  async function rename(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (!name || name === filter.name) return setEditing(false);
    try {
      await update.mutateAsync({ id: filter.id, name });
      setEditing(false);
    } catch (e) {
      toast(`Couldn't rename the filter: ${(e as Error).message}`, "error");
    }
  }

  async function onDelete() {
    const ok = await confirm({
      title: `Delete the filter “${filter.name}”?`,
      body: "Its tasks stay as they are; only the saved filter goes.",
      confirmLabel: "Delete filter",
      danger: true,
    });
    if (!ok) return;
    try {
      await remove.mutateAsync(filter.id);
      toast(`Deleted the filter “${filter.name}”.`);
    } catch (e) {
      toast(`Couldn't delete the filter: ${(e as Error).message}`, "error");
    }
  }

  if (editing) {
    return (
      <li className="saved-filter editing">
        <form className="row" onSubmit={(e) => void rename(e)}>
          <label htmlFor={`filter-name-${filter.id}`} className="visually-hidden">
            Filter name
          </label>
          <input
            id={`filter-name-${filter.id}`}
            name="name"
            defaultValue={filter.name}
            required
            maxLength={100}
            autoFocus
            onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
          />
          <button type="submit" className="button primary small" disabled={update.isPending}>
            Save
          </button>
        </form>
      </li>
    );
  }
  return (
    <li className="project-item saved-filter">
      <Link
        to="/filter"
        search={{ q: filter.query, saved: filter.id }}
        className={`project-link${active ? " active" : ""}`}
        aria-current={active ? "page" : undefined}
        title={filter.query}
        onClick={onNavigate}
      >
        <span className="view-icon" aria-hidden="true">
          ≡
        </span>
        <span className="project-name">{filter.name}</span>
        {filter.count != null && (
          <span className="filter-count muted" aria-label={`${filter.count} tasks`}>
            {filter.count}
          </span>
        )}
      </Link>
      <RenameDeleteButtons
        kind="filter"
        name={filter.name}
        className="saved-filter-actions"
        onRename={() => setEditing(true)}
        onDelete={() => void onDelete()}
      />
    </li>
  );
}

export function SavedFilters({ onNavigate }: { onNavigate: () => void }) {
  const filters = useSavedFilters();
  const activeId = useRouterState({
    select: (s) => (s.location.pathname === "/filter" ? (s.location.search as { saved?: number }).saved : undefined),
  });
  return (
    <section className="saved-filters" aria-labelledby="saved-filters-title">
      <div className="sidebar-head">
        <h2 id="saved-filters-title">Filters</h2>
        <Link to="/filter" className="icon-button" aria-label="New filter" title="New filter" onClick={onNavigate}>
          +
        </Link>
      </div>
      {filters.isError && <p className="muted pad">Couldn't load filters.</p>}
      {filters.data?.length === 0 && (
        <p className="muted small saved-filters-empty">Save a filter from the filter box and it shows here.</p>
      )}
      <ul className="project-list">
        {(filters.data ?? []).map((f) => (
          <FilterItem key={f.id} filter={f} active={f.id === activeId} onNavigate={onNavigate} />
        ))}
      </ul>
    </section>
  );
}
