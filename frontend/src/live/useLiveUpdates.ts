// Keeps the caches fresh from the server's events while signed in.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { tokens } from "../api/client";
import { keysForEvent } from "../api/queryKeys";
import { LiveConnection, liveUrl, type LiveStatus } from "./socket";

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
        for (const queryKey of keysForEvent(event)) void qc.invalidateQueries({ queryKey });
      },
      onResync: () => void qc.invalidateQueries(),
      onStatus: setStatus,
      subscribeToken: (listener) => tokens.subscribe(listener),
    });
    connection.start();
    return () => connection.stop();
  }, [enabled, qc]);
  return status;
}
