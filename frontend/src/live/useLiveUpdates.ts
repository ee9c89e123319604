// Keeps the caches fresh from the server's events while signed in.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { tokens } from "../api/client";
import { keysForEvent } from "../api/queryKeys";
import { LiveConnection, liveUrl, type LiveStatus } from "./socket";

let current: LiveConnection | null = null;

/** Ask the server to re-read which projects this tab hears (after joining or creating one). */
export function resubscribeLive(): void {
  current?.resubscribe();
}

export function useLiveUpdates(enabled: boolean): LiveStatus {
  const qc = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>("connecting");
  useEffect(() => {
    if (!enabled) return;
    const connection = new LiveConnection({
      url: liveUrl(window.location),
      getToken: () => tokens.accessToken,
      refreshToken: () => tokens.refresh(),
      onEvent: (event) => {
        // Membership changed (maybe ours): have the server re-read our projects.
        if (event.type.startsWith("member.")) connection.resubscribe();
        for (const queryKey of keysForEvent(event)) void qc.invalidateQueries({ queryKey });
      },
      onResync: () => void qc.invalidateQueries(),
      onStatus: setStatus,
      subscribeToken: (listener) => tokens.subscribe(listener),
    });
    current = connection;
    connection.start();
    return () => {
      connection.stop();
      if (current === connection) current = null;
    };
  }, [enabled, qc]);
  return status;
}
