// The filter box: an expression of the filter language (`GET /tasks?q=`, SPEC §9), checked by
// the server as the user types (its 422 is shown where it happened), completed from the
// grammar's terms, projects (#), labels (@) and people (+, `assigned to:`). A valid expression
// goes into the URL (`?q=`), so a reload or a link keeps it; "Save" keeps it in the sidebar.
import {
  useEffect,
  useEffectEvent,
  useId,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type RefObject,
} from "react";
import { useQueryClient } from "@tanstack/react-query";
import { checkFilter, useCreateFilter, useUpdateFilter } from "../api/filters";
import type { SavedFilter } from "../api/types";
import { applySuggestion, filterSuggestions, filterTokenAt, type FilterError, type Names } from "../lib/filterQuery";
import { MAX_QUERY_LENGTH } from "../lib/taskSearch";
import { useToast } from "../lib/toast";
import "./FilterBox.css";

const CHECK_DELAY_MS = 300;

type Props = {
  /** The expression in the URL. */
  value: string;
  onChange: (q: string) => void;
  names: Names;
  inputRef?: RefObject<HTMLInputElement | null>;
  /** Saved with the expression so the filter keeps to this page's tasks (e.g. `#"Home"`). */
  scope?: string;
  /** The saved filter this page shows: "Save" updates it. */
  saved?: SavedFilter;
};

/** What a saved filter stores for an expression typed on a page limited to `scope`. */
export function scopedQuery(q: string, scope?: string): string {
  return scope ? `${scope} & (${q})` : q;
}

function ErrorAt({ text, error, id }: { text: string; error: FilterError; id: string }) {
  const at = Math.min(error.position, text.length);
  return (
    <div className="filter-box-error" id={id} role="alert">
      <span>
        Can't read this filter at character {at + 1}: {error.message}.
      </span>
      <code className="filter-box-where" aria-hidden="true">
        {text.slice(0, at)}
        <mark>{text.slice(at, at + 1) || " "}</mark>
        {text.slice(at + 1)}
      </code>
    </div>
  );
}

export function FilterBox({ value, onChange, names, inputRef, scope, saved }: Props) {
  const ids = useId();
  const listbox = `${ids}-options`;
  const errorId = `${ids}-error`;
  const ownRef = useRef<HTMLInputElement>(null);
  const input = inputRef ?? ownRef;
  const toast = useToast();
  const qc = useQueryClient();
  const create = useCreateFilter();
  const update = useUpdateFilter();

  // The box types into local state; a change of the URL from elsewhere replaces the text.
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    setText(value);
  }
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closed, setClosed] = useState(true);
  const [naming, setNaming] = useState(false);
  // The server's verdict on the text it last checked.
  const [result, setResult] = useState<{ text: string; error: FilterError | null } | null>(null);

  // The server checks the text a moment after the last keystroke (or at once on Enter); what it
  // reads goes into the URL, an empty box clears the filter. The echo of our own write does not
  // replace the text (it could arrive after the next keystroke).
  async function check(typed: string) {
    if (typed.trim() === "") {
      setResult(null);
      if (value !== "") {
        setSeen("");
        onChange("");
      }
      return;
    }
    try {
      const error = await checkFilter(qc, typed);
      setResult({ text: typed, error });
      if (!error && typed !== value) {
        setSeen(typed);
        onChange(typed);
      }
    } catch {
      setResult(null); // offline or a server error: the list says so
    }
  }
  const checkLater = useEffectEvent((typed: string) => void check(typed));
  useEffect(() => {
    const timer = setTimeout(() => checkLater(text), CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const error = result && result.text === text ? result.error : null;

  const trigger = closed ? null : filterTokenAt(text, caret);
  const options = trigger ? filterSuggestions(trigger, names) : [];
  const open = options.length > 0;
  const activeIndex = Math.min(active, options.length - 1);

  function edit(next: string, at: number) {
    setText(next);
    setCaret(at);
    setActive(0);
    setClosed(false);
  }

  function pick(index: number) {
    if (!trigger) return;
    const next = applySuggestion(text, trigger, options[index].insert);
    edit(next.text, next.caret);
    requestAnimationFrame(() => input.current?.setSelectionRange(next.caret, next.caret));
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((activeIndex + step + options.length) % options.length);
    } else if (open && (event.key === "Enter" || event.key === "Tab")) {
      event.preventDefault();
      pick(activeIndex);
    } else if (event.key === "Enter") {
      event.preventDefault();
      void check(text); // check (and apply) now, not after the pause
    } else if (event.key === "Escape") {
      if (open) setClosed(true);
      else input.current?.blur();
    }
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (!name) return;
    try {
      await create.mutateAsync({ name, query: scopedQuery(value.trim(), scope) });
      setNaming(false);
      toast(`Saved the filter “${name}”. It is in the sidebar.`);
    } catch (e) {
      toast(`Couldn't save the filter: ${(e as Error).message}`, "error");
    }
  }

  async function updateSaved() {
    if (!saved) return;
    try {
      await update.mutateAsync({ id: saved.id, query: value.trim() });
      toast(`Updated the filter “${saved.name}”.`);
    } catch (e) {
      toast(`Couldn't update the filter: ${(e as Error).message}`, "error");
    }
  }

  const applied = value.trim() !== "" && !error && text === value;
  return (
    <div className="filter-box">
      <div className="filter-box-row">
        <label htmlFor={`${ids}-input`} className="filter-box-label">
          Filter
        </label>
        <div className="filter-box-field">
          <input
            id={`${ids}-input`}
            ref={input}
            value={text}
            maxLength={MAX_QUERY_LENGTH}
            placeholder="today | overdue, #Home & p1, @bills, assigned to: me"
            autoComplete="off"
            spellCheck={false}
            role="combobox"
            aria-expanded={open}
            aria-controls={listbox}
            aria-autocomplete="list"
            aria-activedescendant={open ? `${listbox}-${activeIndex}` : undefined}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => edit(e.target.value, e.target.selectionStart ?? e.target.value.length)}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
            onFocus={() => setClosed(false)}
            onBlur={() => setClosed(true)}
            onKeyDown={onKeyDown}
          />
          {open && (
            <ul id={listbox} role="listbox" className="filter-box-options" aria-label="Suggestions">
              {options.map((option, index) => (
                <li
                  key={option.label}
                  id={`${listbox}-${index}`}
                  role="option"
                  aria-selected={index === activeIndex}
                  className={index === activeIndex ? "active" : undefined}
                  onMouseDown={(e) => {
                    e.preventDefault(); // keep the focus in the field
                    pick(index);
                  }}
                >
                  {option.label}
                  {option.hint && <span className="muted small"> — {option.hint}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
        {applied && saved && saved.query !== value && (
          <button type="button" className="button small" onClick={() => void updateSaved()} disabled={update.isPending}>
            Update “{saved.name}”
          </button>
        )}
        {applied && !naming && (
          <button type="button" className="button small" onClick={() => setNaming(true)}>
            Save filter
          </button>
        )}
        {value.trim() !== "" && (
          <button type="button" className="link-button" aria-label="Clear the filter" onClick={() => edit("", 0)}>
            Clear
          </button>
        )}
      </div>
      {naming && (
        <form className="filter-box-save row" onSubmit={(e) => void save(e)}>
          <label htmlFor={`${ids}-name`}>Filter name</label>
          <input id={`${ids}-name`} name="name" required maxLength={100} autoFocus />
          <button type="submit" className="button primary small" disabled={create.isPending}>
            Save
          </button>
          <button type="button" className="button small" onClick={() => setNaming(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && <ErrorAt text={text} error={error} id={errorId} />}
    </div>
  );
}
