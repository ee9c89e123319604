// The signed-in user's time zone (SPEC §6): days and times in the app are read in it.
import { safeZone } from "../lib/zoned";
import { useAuth } from "./AuthProvider";

export function useZone(): string {
  return safeZone(useAuth().user?.timezone);
}
