// Editing a text that others may change at the same time (a title, a description, a comment).
//
// An edit remembers the text and version it started from (its base). While it is open, live
// updates do not replace what the user types; `changedMeanwhile` tells them someone else's
// text arrived. Saving sends the edit against its base; if the field changed since, the user
// gets both texts and chooses: keep mine, take theirs, or merge by hand.
import { useState } from "react";

/** The text an edit started from, and its version when the API versions it (tasks do). */
export type TextBase = { text: string; version: number | null };
export type TextOutcome = { saved: true } | { saved: false; theirs: TextBase };
type Commit = (text: string, base: TextBase) => Promise<TextOutcome>;

export type TextConflict = { mine: string; theirs: string };

export type TextDraft = {
  editing: boolean;
  /** What the field shows: the draft while editing, else the current text. */
  text: string;
  busy: boolean;
  /** Someone else's text for this field that arrived while editing (not yet shown). */
  changedMeanwhile: string | null;
  conflict: TextConflict | null;
  /** While merging by hand: their saved text, to read beside the editor. */
  reference: string | null;
  begin: () => void;
  change: (text: string) => void;
  cancel: () => void;
  /** Save `text` (default: the draft); resolves true once saved or nothing needed saving. */
  save: (text?: string) => Promise<boolean>;
  keepMine: () => Promise<boolean>;
  takeTheirs: () => void;
  mergeByHand: () => void;
};

type State = { text: string; base: TextBase; merging: boolean };

export function useTextDraft(current: TextBase, commit: Commit, onError: (error: Error) => void): TextDraft {
  const [draft, setDraft] = useState<State | null>(null);
  const [conflict, setConflict] = useState<{ mine: string; theirs: TextBase } | null>(null);
  const [busy, setBusy] = useState(false);

  async function send(text: string, base: TextBase): Promise<boolean> {
    setBusy(true);
    try {
      const outcome = await commit(text, base);
      if (outcome.saved) {
        setDraft(null);
        setConflict(null);
        return true;
      }
      setDraft({ text, base, merging: false });
      setConflict({ mine: text, theirs: outcome.theirs });
      return false;
    } catch (error) {
      onError(error as Error); // the draft stays: nothing the user typed is lost
      return false;
    } finally {
      setBusy(false);
    }
  }

  const open = draft ?? { text: current.text, base: current, merging: false };
  return {
    editing: draft !== null,
    text: draft ? draft.text : current.text,
    busy,
    changedMeanwhile: draft && !conflict && current.text !== draft.base.text ? current.text : null,
    conflict: conflict && { mine: conflict.mine, theirs: conflict.theirs.text },
    reference: draft?.merging ? draft.base.text : null,
    begin: () => setDraft((d) => d ?? { text: current.text, base: current, merging: false }),
    change: (text) => setDraft({ ...open, text }),
    cancel: () => {
      setDraft(null);
      setConflict(null);
    },
    save: async (text = open.text) => {
      if (busy || conflict) return false;
      if (!draft || text === draft.base.text) {
        setDraft(null); // nothing changed by this user: show whatever is current
        return true;
      }
      return send(text, draft.base);
    },
    keepMine: async () => (conflict ? send(conflict.mine, conflict.theirs) : false),
    takeTheirs: () => {
      setDraft(null);
      setConflict(null);
    },
    mergeByHand: () => {
      if (!conflict) return;
      setDraft({ text: conflict.mine, base: conflict.theirs, merging: true });
      setConflict(null);
    },
  };
}
