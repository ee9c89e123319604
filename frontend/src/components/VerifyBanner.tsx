// Reminds an unverified user to confirm their email, and resends the link.
import { useState } from "react";
import { api, unwrap } from "../api/client";
import type { User } from "../api/types";

export function VerifyBanner({ user }: { user: User }) {
  const [state, setState] = useState<"idle" | "sent" | "error">("idle");
  if (user.is_verified) return null;
  async function resend() {
    try {
      unwrap(await api.POST("/api/v1/auth/verify/request"));
      setState("sent");
    } catch {
      setState("error");
    }
  }
  return (
    <div className="banner" role="status">
      {state === "sent" ? (
        <span>We sent a new link to {user.email}.</span>
      ) : (
        <>
          <span>Please verify your email ({user.email}) with the link we sent.</span>
          <button type="button" className="button small" onClick={resend}>
            Send the link again
          </button>
          {state === "error" && <span> Couldn't send it; try again in a minute.</span>}
        </>
      )}
    </div>
  );
}
