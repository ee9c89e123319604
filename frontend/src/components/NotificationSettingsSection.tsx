// Account page: which notifications come by email, and the daily digest (id "notifications":
// the one-click link in every notification email lands here).
import { useEffect } from "react";
import { useNotificationSettings, useUpdateNotificationSettings } from "../api/notifications";
import { useToast } from "../lib/toast";

const TYPES = [
  ["assigned", "A task is assigned to me"],
  ["mentioned", "Someone @mentions me"],
  ["commented", "Comments and completions on tasks I watch"],
  ["reminder", "My reminders"],
  ["member_added", "I'm added to a project, or someone accepts my invitation"],
] as const;

export function NotificationSettingsSection() {
  const settings = useNotificationSettings();
  const update = useUpdateNotificationSettings();
  const toast = useToast();

  useEffect(() => {
    if (window.location.hash === "#notifications" && settings.data)
      document.getElementById("notifications")?.scrollIntoView();
  }, [settings.data]);

  const save = (body: Parameters<typeof update.mutate>[0]) =>
    update.mutate(body, {
      onSuccess: () => toast("Notification settings saved."),
      onError: (e) => toast((e as Error).message),
    });

  return (
    <section className="card-section" id="notifications" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Email notifications</h2>
      {settings.isPending && <p className="muted">Loading…</p>}
      {settings.isError && <p>Couldn't load your notification settings.</p>}
      {settings.data && (
        <>
          <fieldset>
            <legend>Email me when</legend>
            {TYPES.map(([key, label]) => (
              <label key={key} className="checkbox-row">
                <input
                  type="checkbox"
                  name={key}
                  checked={settings.data.email[key]}
                  disabled={update.isPending}
                  onChange={(event) => save({ email: { [key]: event.target.checked } })}
                />{" "}
                {label}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>How</legend>
            <label className="checkbox-row">
              <input
                type="radio"
                name="digest"
                checked={settings.data.digest === "off"}
                disabled={update.isPending}
                onChange={() => save({ digest: "off" })}
              />{" "}
              Right away (grouped: at most one email per task every 5 minutes)
            </label>
            <label className="checkbox-row">
              <input
                type="radio"
                name="digest"
                checked={settings.data.digest === "daily"}
                disabled={update.isPending}
                onChange={() => save({ digest: "daily" })}
              />{" "}
              One daily digest at 08:00
            </label>
          </fieldset>
        </>
      )}
    </section>
  );
}
