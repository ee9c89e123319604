// When a text was changed by someone else while the user edited it: both texts, and a choice.
import { useId } from "react";
import type { TextDraft } from "../../lib/textDraft";
import "./EditConflict.css";

type Props = {
  draft: TextDraft;
  /** What was edited, as in "the description". */
  what: string;
  /** Who else may have changed it, as in "someone else" (or "elsewhere" for one's own comment). */
  by?: string;
};

/** Both texts and the three ways out: keep mine, take theirs, merge by hand. */
export function EditConflict({ draft, what, by = "by someone else" }: Props) {
  const id = useId();
  if (!draft.conflict) return null;
  const { mine, theirs } = draft.conflict;
  return (
    <div className="conflict" role="group" aria-labelledby={`${id}-title`} aria-describedby={`${id}-help`}>
      <p className="conflict-title" role="alert" id={`${id}-title`}>
        The {what} was changed {by}
      </p>
      <p className="muted small" id={`${id}-help`}>
        while you were editing it. Nothing was overwritten: choose which text to keep.
      </p>
      <div className="conflict-texts">
        <figure>
          <figcaption>Theirs (saved)</figcaption>
          <div className="conflict-text">{theirs || <span className="muted">(empty)</span>}</div>
        </figure>
        <figure>
          <figcaption>Yours (not saved)</figcaption>
          <div className="conflict-text">{mine || <span className="muted">(empty)</span>}</div>
        </figure>
      </div>
      <div className="row wrap">
        <button
          type="button"
          className="button small primary"
          disabled={draft.busy}
          onClick={() => void draft.keepMine()}
        >
          Keep mine
        </button>
        <button type="button" className="button small" onClick={draft.takeTheirs}>
          Take theirs
        </button>
        <button type="button" className="button small" onClick={draft.mergeByHand}>
          Merge by hand
        </button>
      </div>
    </div>
  );
}

/** While editing: someone else's text arrived (held back), or their text to merge with. */
export function EditNotice({ draft, what }: { draft: TextDraft; what: string }) {
  if (draft.reference !== null) {
    return (
      <div className="conflict-reference">
        <span className="muted small">Their saved {what}, to merge with yours:</span>
        <div className="conflict-text">{draft.reference || <span className="muted">(empty)</span>}</div>
      </div>
    );
  }
  if (draft.changedMeanwhile === null) return null;
  return (
    <p className="edit-notice small" role="status">
      Someone else changed the {what} to “{draft.changedMeanwhile}” while you were editing. Your text stays; saving will
      let you choose.
    </p>
  );
}
