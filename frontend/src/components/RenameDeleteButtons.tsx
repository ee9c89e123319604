// The ✎ and × pair beside a named thing a user may rename or delete (a saved filter in the
// sidebar, a section's heading), named for the thing so a screen reader says which.
type Props = {
  /** What it is, for the labels: "filter", "section". */
  kind: string;
  name: string;
  className: string;
  onRename: () => void;
  onDelete: () => void;
};

export function RenameDeleteButtons({ kind, name, className, onRename, onDelete }: Props) {
  return (
    <span className={className}>
      <button
        type="button"
        className="icon-button small"
        aria-label={`Rename ${kind} “${name}”`}
        title="Rename"
        onClick={onRename}
      >
        ✎
      </button>
      <button
        type="button"
        className="icon-button small"
        aria-label={`Delete ${kind} “${name}”`}
        title="Delete"
        onClick={onDelete}
      >
        ×
      </button>
    </span>
  );
}
