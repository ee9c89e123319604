// The task's properties as a form grid: status, priority, due date, start, repeat, assignee, labels.
import { useUpdateTask } from "../../api/tasks";
import { PRIORITIES, STATUSES, type Label, type Member, type Task, type TaskUpdate } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import { usePending } from "../../lib/usePending";
import { TaskPlacement } from "./TaskPlacement";
import { TaskSchedule } from "./TaskSchedule";
import "./TaskProperties.css";

type Props = {
  task: Task;
  canEdit: boolean;
  isAdmin: boolean;
  labels: Label[];
  members: Member[];
  /** The task went to another project. */
  onMoved: () => void;
};

export function TaskProperties({ task, canEdit, isAdmin, labels, members, onMoved }: Props) {
  const { user } = useAuth();
  const update = useUpdateTask();
  const save = (changes: TaskUpdate) => update.mutate({ task, changes, labels });
  const [labelIds, setLabelIds] = usePending(task.labels.map((l) => l.id).join(","));
  const chosen = labelIds ? labelIds.split(",").map(Number) : [];

  return (
    <div className="detail-grid">
      <label htmlFor="detail-status">Status</label>
      <select
        id="detail-status"
        value={task.status}
        disabled={!canEdit}
        onChange={(e) => save({ status: e.target.value as Task["status"] })}
      >
        {STATUSES.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>

      <label htmlFor="detail-priority">Priority</label>
      <select
        id="detail-priority"
        value={task.priority}
        disabled={!canEdit}
        onChange={(e) => save({ priority: Number(e.target.value) })}
      >
        {PRIORITIES.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
      </select>

      <TaskSchedule task={task} canEdit={canEdit} save={save} />

      <label htmlFor="detail-assignee">Assignee</label>
      <select
        id="detail-assignee"
        value={task.assignee_id ?? ""}
        disabled={!canEdit}
        onChange={(e) => save({ assignee_id: e.target.value ? Number(e.target.value) : null })}
      >
        <option value="">Nobody</option>
        {members.map((m) => (
          <option key={m.user.id} value={m.user.id}>
            {m.user.full_name || m.user.username}
            {m.user.id === user?.id ? " (me)" : ""}
          </option>
        ))}
      </select>

      <span id="detail-labels">Labels</span>
      <div className="label-picker" role="group" aria-labelledby="detail-labels">
        {labels.length === 0 && (
          <span className="muted">No labels in this project{isAdmin ? " — add some in Settings" : ""}.</span>
        )}
        {labels.map((l) => {
          const on = chosen.includes(l.id);
          return (
            <label key={l.id} className={`chip toggle${on ? " on" : ""}`}>
              <input
                type="checkbox"
                checked={on}
                disabled={!canEdit}
                onChange={() => {
                  const next = on ? chosen.filter((id) => id !== l.id) : [...chosen, l.id];
                  setLabelIds(next.join(","));
                  save({ label_ids: next });
                }}
              />
              <span className="dot" style={{ background: l.color ?? "var(--muted)" }} aria-hidden="true" />
              {l.name}
            </label>
          );
        })}
      </div>

      <TaskPlacement task={task} canEdit={canEdit} onMoved={onMoved} />
    </div>
  );
}
