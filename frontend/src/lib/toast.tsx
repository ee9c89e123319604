// Short messages for the user: errors from rolled-back changes, confirmations, and "Undo" for
// what can be taken back (a delete restores from the trash). The newest undo also runs on `z`.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { useShortcuts } from "./shortcuts";
import "./toast.css";

/** What a toast's button does: "Undo" runs `run` once, then the toast goes. */
export type ToastAction = { label: string; run: () => unknown };
type Toast = { id: number; message: string; tone: "info" | "error"; action?: ToastAction };
type Push = (message: string, tone?: Toast["tone"], action?: ToastAction) => void;

const ToastContext = createContext<Push>(() => {});

/** How long a toast stays: longer when it offers an undo, longest for errors. */
const LIFETIME = { info: 4000, action: 10000, error: 8000 };

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback<Push>(
    (message, tone = "info", action) => {
      const id = Date.now() + Math.random();
      setToasts((all) => [...all.slice(-3), { id, message, tone, action }]);
      window.setTimeout(() => dismiss(id), tone === "error" ? LIFETIME.error : action ? LIFETIME.action : LIFETIME.info);
    },
    [dismiss],
  );
  // An undo runs at most once, whether by its button or by `z`.
  const ran = useRef(new Set<number>());
  const act = useCallback(
    (toast: Toast) => {
      if (!toast.action || ran.current.has(toast.id)) return;
      ran.current.add(toast.id);
      dismiss(toast.id);
      void toast.action.run();
    },
    [dismiss],
  );
  const newestUndo = [...toasts].reverse().find((t) => t.action);
  useShortcuts({ z: () => newestUndo && act(newestUndo) });
  const value = useMemo(() => push, [push]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === "error" ? "alert" : undefined}>
            <span>{t.message}</span>
            <span className="toast-buttons">
              {t.action && (
                <button
                  type="button"
                  className="toast-action"
                  aria-keyshortcuts={t === newestUndo ? "z" : undefined}
                  onClick={() => act(t)}
                >
                  {t.action.label}
                </button>
              )}
              <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
                ×
              </button>
            </span>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Push {
  return useContext(ToastContext);
}
