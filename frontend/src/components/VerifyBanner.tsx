// Reminds an unverified user to confirm their email, and resends the link. Without a mail
// server (`email_delivery: "log"`), it says that the link is in the server's log instead.
import { useState } from "react";
import { requestVerification, useAuthProviders } from "../api/auth";
import type { User } from "../api/types";
import "./VerifyBanner.css";

export function VerifyBanner({ user }: { user: User }) {
  const [state, setState] = useState<"idle" | "sent" | "error">("idle");
  const providers = useAuthProviders(!user.is_verified);
  if (user.is_verified) return null;
  const toLog = providers.data?.email_delivery === "log";
  async function resend() {
    try {
      await requestVerification();
      setState("sent");
    } catch {
      setState("error");
    }
  }
  return (
    <div className="banner" role="status">
      {state === "sent" ? (
        <span>
          {toLog
            ? `A new link for ${user.email} is in the server's log (no mail server is configured).`
            : `We sent a new link to ${user.email}.`}
        </span>
      ) : (
        <>
          <span>
            {toLog
              ? `Please verify your email (${user.email}): no mail server is configured, so the link was written to the server's log.`
              : `Please verify your email (${user.email}) with the link we sent.`}
          </span>
          <button type="button" className="button small" onClick={resend}>
            Send the link again
          </button>
          {state === "error" && <span> Couldn't send it; try again in a minute.</span>}
        </>
      )}
    </div>
  );
}
