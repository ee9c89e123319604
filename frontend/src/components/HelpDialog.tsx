// The keyboard shortcut sheet, opened with `?`.
import { useEffect, useRef } from "react";
import "./HelpDialog.css";

export const SHORTCUTS: [string, string][] = [
  ["q", "Quick add a task"],
  ["/", "Search tasks"],
  ["j / k", "Move down / up in the list"],
  ["Enter", "Open the selected task"],
  ["x", "Complete or reopen the focused task (with a multi-select: all of them)"],
  ["Ctrl/⌘ click, Shift click", "Select tasks in a list: one more, or a range"],
  ["s", "Add the focused task to the selection, or take it out"],
  ["1 – 4", "Priority of the focused (or selected) tasks: 1 urgent … 4 none"],
  ["t", "Due date of the focused (or selected) tasks"],
  ["m", "Move the focused (or selected) tasks to a project or section"],
  ["a", "Assign the focused (or selected) tasks"],
  ["Delete or #", "Delete the focused (or selected) tasks (z brings them back)"],
  ["b", "Switch between list and board"],
  ["z", "Undo the last complete, move or delete (while its toast shows)"],
  ["Ctrl/⌘ K", "Command palette: jump to a project, filter, view or task, or run an action"],
  ["Esc", "Clear the selection, close the task panel or this help"],
  ["?", "Show this help"],
];

export function HelpDialog({
  open,
  onClose,
  onPalette,
}: {
  open: boolean;
  onClose: () => void;
  onPalette?: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="help-title" onClose={onClose}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([key, what]) => (
            <tr key={key}>
              <td>
                <kbd>{key}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        In quick add, type the task as you would say it: <code>Pay rent tomorrow 5pm p1 #Home @bills</code>. Dates
        (<code>next friday</code>, <code>in 3 days</code>, <code>dec 20</code>), repeats (
        <code>every monday at 9am</code>, <code>every! 2 weeks</code>), <code>p1</code>–<code>p4</code>,{" "}
        <code>#project</code>, <code>@label</code> and{" "}
        <code>+user</code> are understood and highlighted.
      </p>
      <div className="row end">
        {onPalette && (
          <button type="button" className="button" onClick={onPalette}>
            Open the command palette
          </button>
        )}
        <button type="button" className="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
