// Project settings: webhooks (admins) with their events and delivery log.
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import {
  WEBHOOK_EVENTS,
  createWebhook,
  deleteWebhook,
  integrationKeys,
  pingWebhook,
  redeliver,
  updateWebhook,
  useDeliveries,
  useWebhooks,
  type Webhook,
  type WebhookCreated,
} from "../api/integrations";
import { roleAtLeast, type Project } from "../api/types";
import { timeAgo } from "../lib/dates";
import { useConfirm } from "../lib/confirm";
import { useToast } from "../lib/toast";
import { Field, FormError } from "./Field";

function EventPicker({ name, initial }: { name: string; initial: string[] }) {
  const [all, setAll] = useState(initial.includes("*"));
  return (
    <fieldset className="stack">
      <legend>Events</legend>
      <label>
        <input type="checkbox" name={name} value="*" checked={all} onChange={(e) => setAll(e.target.checked)} /> Every
        event
      </label>
      {!all && (
        <div className="event-grid">
          {WEBHOOK_EVENTS.map((event) => (
            <label key={event} className="small">
              <input type="checkbox" name={name} value={event} defaultChecked={initial.includes(event)} /> {event}
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

function chosenEvents(form: FormData, name: string): string[] {
  const events = form.getAll(name).map(String);
  return events.includes("*") ? ["*"] : events;
}

export function WebhooksSettings({ project }: { project: Project }) {
  const canAdmin = roleAtLeast(project.role, "admin");
  const hooks = useWebhooks(project.id, canAdmin);
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  if (!canAdmin) return null;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    try {
      setCreated(await createWebhook(project.id, String(form.get("url")).trim(), chosenEvents(form, "events")));
      formElement.reset();
      await qc.invalidateQueries({ queryKey: integrationKeys.webhooks(project.id) });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section className="card-section" aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">Webhooks</h2>
      <p className="muted small">
        TaskFlow POSTs each chosen event as JSON, signed in <code>X-TaskFlow-Signature</code> (HMAC-SHA256 of the body
        with the secret).
      </p>
      {created && (
        <div className="notice" role="status">
          <p>
            <strong>Copy the signing secret now.</strong> It will not be shown again.
          </p>
          <input readOnly value={created.secret} aria-label="Webhook secret" className="mono" />
          <button type="button" className="button small" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      <form className="stack narrow" onSubmit={submit}>
        <Field label="Payload URL" name="url" type="url" required maxLength={2000} placeholder="https://…" />
        <EventPicker name="events" initial={["task.created"]} />
        <FormError message={error} />
        <div className="row">
          <button type="submit" className="button primary">
            Add webhook
          </button>
        </div>
      </form>
      {hooks.isError && <p role="alert">Couldn't load webhooks.</p>}
      <ul className="stack" aria-label="Webhooks">
        {hooks.data?.map((hook) => (
          <WebhookItem key={hook.id} hook={hook} projectId={project.id} />
        ))}
      </ul>
    </section>
  );
}

function WebhookItem({ hook, projectId }: { hook: Webhook; projectId: number }) {
  const qc = useQueryClient();
  const toast = useToast();
  const confirm = useConfirm();
  const [editing, setEditing] = useState(false);
  const [showLog, setShowLog] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: integrationKeys.webhooks(projectId) });

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await updateWebhook(hook.id, { url: String(form.get("url")).trim(), events: chosenEvents(form, `events-${hook.id}`) });
      setEditing(false);
      await refresh();
    } catch (e) {
      toast(`Couldn't save: ${(e as Error).message}`, "error");
    }
  }

  async function toggle() {
    await updateWebhook(hook.id, { active: !hook.active }).catch((e: Error) => toast(e.message, "error"));
    await refresh();
  }

  async function remove() {
    if (!(await confirm({ title: "Delete this webhook?", body: hook.url, confirmLabel: "Delete" }))) return;
    await deleteWebhook(hook.id).catch((e: Error) => toast(e.message, "error"));
    await refresh();
  }

  async function ping() {
    await pingWebhook(hook.id).catch((e: Error) => toast(e.message, "error"));
    setShowLog(true);
    await qc.invalidateQueries({ queryKey: integrationKeys.deliveries(hook.id) });
  }

  return (
    <li className="webhook">
      <div className="row">
        <div className="grow">
          <strong className="mono">{hook.url}</strong> {!hook.active && <span className="badge">off</span>}
          <div className="muted small">
            {hook.events.join(", ")}
            {hook.last_delivery_at && ` · last delivery ${timeAgo(hook.last_delivery_at)}`}
            {hook.failure_count > 0 && ` · ${hook.failure_count} failures in a row`}
          </div>
        </div>
        <button type="button" className="button small" onClick={() => setEditing(!editing)}>
          Edit
        </button>
        <button type="button" className="button small" onClick={() => void ping()}>
          Ping
        </button>
        <button type="button" className="button small" onClick={() => void toggle()}>
          {hook.active ? "Turn off" : "Turn on"}
        </button>
        <button type="button" className="button small" onClick={() => setShowLog(!showLog)}>
          Deliveries
        </button>
        <button type="button" className="button small danger" onClick={() => void remove()}>
          Delete
        </button>
      </div>
      {editing && (
        <form className="stack narrow" onSubmit={save}>
          <Field label="Payload URL" name="url" type="url" required defaultValue={hook.url} />
          <EventPicker name={`events-${hook.id}`} initial={hook.events} />
          <div className="row">
            <button type="submit" className="button primary">
              Save webhook
            </button>
          </div>
        </form>
      )}
      {showLog && <DeliveryLog webhookId={hook.id} />}
    </li>
  );
}

function DeliveryLog({ webhookId }: { webhookId: number }) {
  const deliveries = useDeliveries(webhookId);
  const qc = useQueryClient();
  const toast = useToast();

  async function again(deliveryId: number) {
    try {
      await redeliver(webhookId, deliveryId);
      await qc.invalidateQueries({ queryKey: integrationKeys.deliveries(webhookId) });
    } catch (e) {
      toast(`Couldn't redeliver: ${(e as Error).message}`, "error");
    }
  }

  if (deliveries.isPending) return <p className="muted small">Loading deliveries…</p>;
  if (deliveries.isError) return <p role="alert">Couldn't load deliveries.</p>;
  if (deliveries.data.length === 0) return <p className="muted small">No deliveries yet.</p>;
  return (
    <table className="deliveries small" aria-label="Deliveries">
      <thead>
        <tr>
          <th>Event</th>
          <th>Result</th>
          <th>Attempts</th>
          <th>When</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {deliveries.data.map((d) => (
          <tr key={d.id}>
            <td>
              <details>
                <summary>
                  {d.event} <span className="muted">#{d.id}</span>
                </summary>
                <pre className="mono">{JSON.stringify(d.request_body, null, 2)}</pre>
                {d.response_body && <pre className="mono">{d.response_body}</pre>}
              </details>
            </td>
            <td>
              {d.state === "succeeded" ? "✓" : d.state === "failed" ? "✗" : "…"} {d.status_code ?? ""}{" "}
              {d.error && <span className="muted">{d.error}</span>}
              {d.duration_ms !== null && <span className="muted"> · {d.duration_ms} ms</span>}
            </td>
            <td>{d.attempt}</td>
            <td>{timeAgo(d.created_at)}</td>
            <td>
              <button type="button" className="button small" onClick={() => void again(d.id)}>
                Redeliver
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
