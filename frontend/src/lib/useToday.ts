// The user's local day as a hook: it changes at their midnight while a page is open.
import { useEffect, useState } from "react";
import { todayKey } from "./zoned";

/** Today's local day, which changes at the user's midnight while the page is open. */
export function useToday(zone: string): string {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const tick = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(tick);
  }, []);
  return todayKey(zone, new Date(now));
}
