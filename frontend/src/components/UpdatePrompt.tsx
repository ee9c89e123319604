// "A new version is ready": shown when a new service worker waits (lib/pwa.ts).
import { useWaitingUpdate } from "../lib/pwa";
import "./VerifyBanner.css";

export function UpdatePrompt() {
  const reload = useWaitingUpdate();
  if (!reload) return null;
  return (
    <div className="banner" role="status">
      <span>A new version of TaskFlow is ready.</span>
      <button type="button" className="button small" onClick={() => void reload()}>
        Reload to update
      </button>
    </div>
  );
}
