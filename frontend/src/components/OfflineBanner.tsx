// Says when the app is showing saved data because TaskFlow cannot be reached (SPEC §13):
// the browser is offline, or the last request got no answer. Changes made meanwhile are
// refused with a message (mutations fail fast rather than wait), never silently dropped.
import { useOffline } from "../lib/network";
import "./VerifyBanner.css";

export function OfflineBanner() {
  const offline = useOffline();
  if (!offline) return null;
  return (
    <div className="banner banner-offline" role="status">
      <strong>Offline — showing the last data.</strong>
      <span>Changes can't be saved until TaskFlow is reachable again.</span>
    </div>
  );
}
