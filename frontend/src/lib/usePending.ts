// A control's value shown at once on input, until the server's value for it moves.
//
// Optimistic cache updates reach React a tick later (TanStack Query batches them), so
// a controlled checkbox would flick back for a moment; this bridges that tick.
import { useState } from "react";

export function usePending<T>(server: T): [T, (value: T) => void] {
  const [local, setLocal] = useState<{ value: T; base: T } | null>(null);
  if (local !== null && !Object.is(local.base, server)) {
    // The server's value changed (the update landed, or was rolled back): follow it.
    setLocal(null);
    return [server, (value) => setLocal({ value, base: server })];
  }
  return [local ? local.value : server, (value) => setLocal({ value, base: server })];
}
