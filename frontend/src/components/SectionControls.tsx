// A section's heading (in the list and on the board) with rename and delete, and the form
// that adds a section. Editors and up manage sections (SPEC §9).
import { useState, type FormEvent } from "react";
import { useCreateSection, useDeleteSection, useRenameSection } from "../api/sections";
import type { Id, Section } from "../api/types";
import { useConfirm } from "../lib/confirm";
import { useToast } from "../lib/toast";
import { RenameDeleteButtons } from "./RenameDeleteButtons";
import "./SectionControls.css";

export function SectionHeading({
  projectId,
  section,
  count,
  canEdit,
  headingId,
}: {
  projectId: Id;
  /** null: the tasks in no section. */
  section: Section | null;
  count: number;
  canEdit: boolean;
  headingId: string;
}) {
  const rename = useRenameSection(projectId);
  const remove = useDeleteSection(projectId);
  const confirm = useConfirm();
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const name = section?.name ?? "No section";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (!section || !next || next === section.name) return setEditing(false);
    try {
      await rename.mutateAsync({ id: section.id, name: next });
      setEditing(false);
    } catch (e) {
      toast(`Couldn't rename the section: ${(e as Error).message}`, "error");
    }
  }

  async function onDelete() {
    if (!section) return;
    const ok = await confirm({
      title: `Delete the section “${section.name}”?`,
      body:
        count > 0
          ? `Its ${count === 1 ? "task stays" : `${count} tasks stay`} in the project, in no section.`
          : "It has no tasks.",
      confirmLabel: "Delete section",
      danger: true,
    });
    if (!ok) return;
    try {
      await remove.mutateAsync(section.id);
      toast(`Deleted the section “${section.name}”.`);
    } catch (e) {
      toast(`Couldn't delete the section: ${(e as Error).message}`, "error");
    }
  }

  if (editing && section) {
    return (
      <form className="section-heading section-rename" onSubmit={(e) => void submit(e)}>
        <label htmlFor={`${headingId}-name`} className="visually-hidden">
          Section name
        </label>
        <input
          id={`${headingId}-name`}
          name="name"
          defaultValue={section.name}
          required
          maxLength={100}
          autoFocus
          onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
        />
        <button type="submit" className="button primary small" disabled={rename.isPending}>
          Save
        </button>
        <button type="button" className="button small" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </form>
    );
  }
  return (
    <div className="section-heading">
      <h2 id={headingId} className="section-title">
        {name} <span className="muted">{count}</span>
      </h2>
      {canEdit && section && (
        <RenameDeleteButtons
          kind="section"
          name={section.name}
          className="section-actions"
          onRename={() => setEditing(true)}
          onDelete={() => void onDelete()}
        />
      )}
    </div>
  );
}

export function AddSection({ projectId }: { projectId: Id }) {
  const create = useCreateSection(projectId);
  const toast = useToast();
  const [open, setOpen] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get("name") ?? "").trim();
    if (!name) return;
    try {
      await create.mutateAsync(name);
      form.reset();
      setOpen(false);
    } catch (e) {
      toast(`Couldn't add the section: ${(e as Error).message}`, "error");
    }
  }

  if (!open) {
    return (
      <button type="button" className="button small add-section" onClick={() => setOpen(true)}>
        + Add section
      </button>
    );
  }
  return (
    <form className="add-section-form row" onSubmit={(e) => void submit(e)}>
      <label htmlFor={`new-section-${projectId}`} className="visually-hidden">
        New section name
      </label>
      <input
        id={`new-section-${projectId}`}
        name="name"
        placeholder="Section name"
        required
        maxLength={100}
        autoFocus
        onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
      />
      <button type="submit" className="button primary small" disabled={create.isPending}>
        Add section
      </button>
      <button type="button" className="button small" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}
