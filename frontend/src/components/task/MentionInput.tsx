// A textarea that completes `@` with the project's members, and the mention chips.
import { useId, useMemo, useRef, useState, type TextareaHTMLAttributes } from "react";
import { useMembers } from "../../api/projects";
import type { Id } from "../../api/types";
import "../NotificationBell.css";

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "value" | "onChange"> & {
  projectId: Id;
  value: string;
  onValueChange: (value: string) => void;
};

const QUERY = /(^|[\s(])@([A-Za-z0-9_.-]{0,32})$/;

export function MentionInput({ projectId, value, onValueChange, onKeyDown, ...rest }: Props) {
  const members = useMembers(projectId);
  const ref = useRef<HTMLTextAreaElement>(null);
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const listId = useId();
  const optionId = (index: number) => `${listId}-option-${index}`;

  const matches = useMemo(() => {
    if (query === null) return [];
    const q = query.toLowerCase();
    return (members.data ?? [])
      .map((m) => m.user)
      .filter((u) => u.username.toLowerCase().startsWith(q) || u.full_name.toLowerCase().includes(q))
      .slice(0, 6);
  }, [members.data, query]);

  const track = (text: string, caret: number) => {
    const match = QUERY.exec(text.slice(0, caret));
    setQuery(match ? match[2] : null);
    setActive(0);
  };

  const choose = (username: string) => {
    const area = ref.current;
    const caret = area?.selectionStart ?? value.length;
    const before = value.slice(0, caret).replace(/@([A-Za-z0-9_.-]{0,32})$/, `@${username} `);
    const next = before + value.slice(caret);
    onValueChange(next);
    setQuery(null);
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(before.length, before.length);
    });
  };

  return (
    <div className="mention-input">
      <textarea
        {...rest}
        ref={ref}
        value={value}
        // The APG combobox pattern as far as a textarea allows: HTML gives a textarea no
        // role but textbox, and a textbox takes no aria-expanded; the open list is named
        // by aria-controls and the highlighted member by aria-activedescendant.
        aria-autocomplete="list"
        aria-controls={matches.length > 0 ? listId : undefined}
        aria-activedescendant={matches.length > 0 ? optionId(active) : undefined}
        onChange={(event) => {
          onValueChange(event.target.value);
          track(event.target.value, event.target.selectionStart);
        }}
        onKeyDown={(event) => {
          if (matches.length > 0) {
            if (event.key === "ArrowDown" || event.key === "ArrowUp") {
              event.preventDefault();
              const step = event.key === "ArrowDown" ? 1 : matches.length - 1;
              setActive((a) => (a + step) % matches.length);
              return;
            }
            if (event.key === "Enter" || event.key === "Tab") {
              event.preventDefault();
              choose(matches[active].username);
              return;
            }
            if (event.key === "Escape") {
              setQuery(null);
              return;
            }
          }
          onKeyDown?.(event);
        }}
        onBlur={() => setTimeout(() => setQuery(null), 150)}
      />
      {matches.length > 0 && (
        <ul id={listId} className="mention-menu" role="listbox" aria-label="Mention a member">
          {matches.map((u, index) => (
            <li
              key={u.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              onMouseDown={(event) => {
                event.preventDefault();
                choose(u.username);
              }}
            >
              @{u.username} {u.full_name && <span className="muted">{u.full_name}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function MentionChips({ mentions }: { mentions: { id: number; username: string }[] }) {
  if (mentions.length === 0) return null;
  return (
    <p className="mention-chips small">
      <span className="visually-hidden">Mentions: </span>
      {mentions.map((m) => (
        <span key={m.id} className="mention-chip">
          @{m.username}
        </span>
      ))}
    </p>
  );
}
