// The service worker (vite-plugin-pwa, vite.config.ts): registered after the app has started,
// and a new version never takes over a page by itself: it waits until the user chooses to
// reload (UpdatePrompt), so a session is never reloaded under someone's typing.
import { useSyncExternalStore } from "react";

let reload: (() => Promise<void>) | null = null;
const listeners = new Set<() => void>();

/** Register the service worker (production builds, browsers that have them). */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || typeof navigator === "undefined" || !("serviceWorker" in navigator)) return;
  // A chunk of its own (workbox-window): not part of the initial JS.
  void import("virtual:pwa-register").then(({ registerSW }) => {
    const update = registerSW({
      onNeedRefresh() {
        reload = () => update(true);
        for (const listener of listeners) listener();
      },
    });
  });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** `null`, or the function that activates the waiting version and reloads. */
export function useWaitingUpdate(): (() => Promise<void>) | null {
  return useSyncExternalStore(subscribe, () => reload, () => null);
}
