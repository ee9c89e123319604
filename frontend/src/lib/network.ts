// Whether TaskFlow can be reached: the browser's own flag (navigator.onLine, which only knows
// about the network interface) and what the last request found (a fetch that failed without
// an answer means the server is out of reach even on a "connected" machine). The offline
// banner (components/OfflineBanner.tsx) reads it; api/client.ts reports to it.
import { useSyncExternalStore } from "react";

let unreachable = false;
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

/** A request got no answer at all (status 0). */
export function reportUnreachable(): void {
  if (unreachable) return;
  unreachable = true;
  notify();
}

/** A request got an answer (any status): the server is there. */
export function reportReachable(): void {
  if (!unreachable) return;
  unreachable = false;
  notify();
}

function browserOnline(): boolean {
  return typeof navigator === "undefined" || navigator.onLine !== false;
}

/** Offline: the browser says so, or the last request found no server. */
export function isOffline(): boolean {
  return !browserOnline() || unreachable;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Back online per the browser: forget the last failure, the next request will tell.
  const online = () => {
    unreachable = false;
    listener();
  };
  window.addEventListener("online", online);
  window.addEventListener("offline", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("online", online);
    window.removeEventListener("offline", listener);
  };
}

export function useOffline(): boolean {
  return useSyncExternalStore(subscribe, isOffline, () => false);
}
