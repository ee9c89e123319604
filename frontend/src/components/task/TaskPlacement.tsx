// Where a task lives: its project, its section and its parent task (rows of the properties grid).
import { useProjects } from "../../api/projects";
import { useSections } from "../../api/sections";
import { useTask, useTasks, useUpdateTask } from "../../api/tasks";
import { roleAtLeast, type Task, type TaskUpdate } from "../../api/types";

type Props = { task: Task; canEdit: boolean; onMoved: () => void };

export function TaskPlacement({ task, canEdit, onMoved }: Props) {
  const update = useUpdateTask();
  const projects = useProjects();
  // Candidate parents: the open top-level tasks of the same project (the API allows one level).
  const siblings = useTasks({
    projectId: task.project_id,
    status: ["todo", "in_progress"],
    sort: "position",
    limit: 100,
  });
  const subtasks = useTasks({ parentId: task.id, sort: "position", limit: 100 }, task.parent_id === null);
  const parent = useTask(task.parent_id ?? undefined);
  const sections = useSections(task.project_id);
  const hasSubtasks = (subtasks.data?.total ?? 0) > 0;

  const targets = (projects.data ?? []).filter(
    (p) => p.id === task.project_id || (!p.archived && roleAtLeast(p.role, "editor")),
  );
  const parents = (siblings.data?.items ?? []).filter((t) => t.parent_id === null && t.id !== task.id);
  if (parent.data && !parents.some((t) => t.id === parent.data.id)) parents.unshift(parent.data);

  // A move to another project or section is announced by the update's own toast, with Undo.
  function move(changes: TaskUpdate, done: (updated: Task) => void, message?: string) {
    update.mutate({ task, changes, message }, { onSuccess: done });
  }

  return (
    <>
      <label htmlFor="detail-project">Project</label>
      <select
        id="detail-project"
        value={task.project_id}
        disabled={!canEdit || targets.length === 0}
        onChange={(e) => {
          const target = targets.find((p) => p.id === Number(e.target.value));
          if (!target) return;
          move(
            { project_id: target.id },
            onMoved,
            `Moved “${task.title}” to ${target.is_inbox ? "Inbox" : target.name}.`,
          );
        }}
      >
        {targets.map((p) => (
          <option key={p.id} value={p.id}>
            {p.is_inbox ? "Inbox" : p.name}
          </option>
        ))}
      </select>

      {(sections.data?.length ?? 0) > 0 && (
        <>
          <label htmlFor="detail-section">Section</label>
          <select
            id="detail-section"
            value={task.section_id ?? ""}
            disabled={!canEdit}
            onChange={(e) => {
              const section = sections.data?.find((s) => s.id === Number(e.target.value));
              move(
                { section_id: section?.id ?? null },
                () => {},
                section ? `Moved “${task.title}” to ${section.name}.` : `“${task.title}” is in no section now.`,
              );
            }}
          >
            <option value="">No section</option>
            {sections.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </>
      )}

      <label htmlFor="detail-parent">Subtask of</label>
      <select
        id="detail-parent"
        value={task.parent_id ?? ""}
        disabled={!canEdit || hasSubtasks}
        aria-describedby={hasSubtasks ? "detail-parent-hint" : undefined}
        onChange={(e) => move({ parent_id: e.target.value ? Number(e.target.value) : null }, () => {})}
      >
        <option value="">None (top level)</option>
        {parents.map((t) => (
          <option key={t.id} value={t.id}>
            {t.title}
          </option>
        ))}
      </select>
      {hasSubtasks && (
        <div id="detail-parent-hint" className="muted small detail-grid-note">
          It has subtasks of its own, so it stays at the top level.
        </div>
      )}
    </>
  );
}
