// The bell in the top bar: the live unread count, and the inbox (all / unread, mark read,
// click through to the task). Live: a `notification.created` event refreshes both.
import { useEffect, useRef, useState } from "react";
import {
  describe,
  notificationHref,
  useMarkRead,
  useNotifications,
  useUnreadCount,
  type Notification,
} from "../api/notifications";
import { useNavigate } from "@tanstack/react-router";
import "./NotificationBell.css";

export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const count = useUnreadCount();
  const list = useNotifications(unreadOnly, open);
  const markRead = useMarkRead();
  const navigate = useNavigate();
  const root = useRef<HTMLDivElement>(null);
  const unread = count.data ?? 0;

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !root.current?.contains(event.target as Node))
        setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  const openItem = (n: Notification) => {
    if (!n.read_at) markRead.mutate({ ids: [n.id] });
    setOpen(false);
    void navigate({ href: notificationHref(n) });
  };

  return (
    <div className="bell" ref={root}>
      <button
        type="button"
        className="icon-button bell-button"
        aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">🔔</span>
        {unread > 0 && (
          <span className="bell-badge" data-testid="unread-count">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell-panel" role="dialog" aria-label="Notifications">
          <div className="bell-head">
            <div className="bell-tabs" role="tablist">
              <button type="button" role="tab" aria-selected={!unreadOnly} onClick={() => setUnreadOnly(false)}>
                All
              </button>
              <button type="button" role="tab" aria-selected={unreadOnly} onClick={() => setUnreadOnly(true)}>
                Unread
              </button>
            </div>
            <button
              type="button"
              className="button small"
              disabled={unread === 0 || markRead.isPending}
              onClick={() => markRead.mutate({ all: true })}
            >
              Mark all read
            </button>
          </div>
          {list.isPending && <p className="muted pad-small">Loading…</p>}
          {list.isError && <p className="pad-small">Couldn't load your notifications.</p>}
          {list.data && list.data.items.length === 0 && (
            <p className="muted pad-small">{unreadOnly ? "Nothing unread." : "No notifications yet."}</p>
          )}
          <ul className="bell-list">
            {list.data?.items.map((n) => {
              const excerpt = (n.data as { excerpt?: string }).excerpt;
              return (
                <li key={n.id} className={n.read_at ? "read" : "unread"}>
                  <button type="button" className="bell-item" onClick={() => openItem(n)}>
                    <span className="bell-line">{describe(n)}</span>
                    {excerpt && <span className="bell-excerpt">{excerpt}</span>}
                    <time className="bell-time" dateTime={n.created_at}>
                      {new Date(n.created_at).toLocaleString()}
                    </time>
                  </button>
                  {!n.read_at && (
                    <button
                      type="button"
                      className="icon-button bell-mark"
                      aria-label="Mark read"
                      title="Mark read"
                      onClick={() => markRead.mutate({ ids: [n.id] })}
                    >
                      ✓
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </div>
  );
}
