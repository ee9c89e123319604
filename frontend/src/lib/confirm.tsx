// Asking before something that cannot be undone, in the app's own dialog (not the browser's
// confirm, which cannot be styled, blocks the page and reads "127.0.0.1 says…").
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from "react";

export type ConfirmOptions = {
  title: string;
  body?: string;
  /** The button that goes ahead, e.g. "Delete". */
  confirmLabel: string;
  /** Red button: the action destroys something. */
  danger?: boolean;
};
type Ask = (options: ConfirmOptions) => Promise<boolean>;

const ConfirmContext = createContext<Ask>(() => Promise.resolve(false));

type Pending = ConfirmOptions & { resolve: (ok: boolean) => void };

export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const ask = useCallback<Ask>(
    (options) =>
      new Promise<boolean>((resolve) => {
        setPending((previous) => {
          previous?.resolve(false);
          return { ...options, resolve };
        });
      }),
    [],
  );
  const answer = (ok: boolean) => {
    pending?.resolve(ok);
    setPending(null);
  };
  return (
    <ConfirmContext.Provider value={ask}>
      {children}
      {pending && <ConfirmDialog {...pending} onAnswer={answer} />}
    </ConfirmContext.Provider>
  );
}

function ConfirmDialog({
  title,
  body,
  confirmLabel,
  danger,
  onAnswer,
}: ConfirmOptions & { onAnswer: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    // The focus goes back where it was when the dialog closes (the dialog element does that).
    ref.current?.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={body ? bodyId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        onAnswer(false);
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {body && <p id={bodyId}>{body}</p>}
      <div className="row end">
        {/* Cancel has the focus: Enter or Space by habit must not destroy anything. */}
        <button type="button" className="button" autoFocus onClick={() => onAnswer(false)}>
          Cancel
        </button>
        <button type="button" className={`button ${danger ? "danger" : "primary"}`} onClick={() => onAnswer(true)}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/** `await confirm({...})` is true when the user went ahead. */
export function useConfirm(): Ask {
  return useContext(ConfirmContext);
}
