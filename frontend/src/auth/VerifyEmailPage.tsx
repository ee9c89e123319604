import { useEffect, useRef, useState } from "react";
import { confirmVerification } from "../api/auth";
import { Link, useSearch } from "@tanstack/react-router";
import { AuthCard } from "./AuthCard";
import { useAuth } from "./AuthProvider";

export function VerifyEmailPage() {
  const token = useSearch({ from: "/verify-email" }).token ?? "";
  const { status, user, setUser } = useAuth();
  const [state, setState] = useState<"working" | "done" | "failed">(token ? "working" : "failed");
  const sent = useRef(false);

  useEffect(() => {
    // Tokens are single-use: confirm exactly once, even under StrictMode's double effects.
    if (!token || sent.current) return;
    sent.current = true;
    confirmVerification(token)
      .then((verified) => {
        setState("done");
        if (user && verified.id === user.id) setUser(verified);
      })
      .catch(() => setState("failed"));
  }, [token, user, setUser]);

  return (
    <AuthCard title="Verify your email">
      {state === "working" && <p role="status">Checking your link…</p>}
      {state === "done" && (
        <p role="status">
          Your email is verified.{" "}
          {status === "signedIn" ? <Link to="/">Go to your tasks</Link> : <Link to="/login">Sign in</Link>}
        </p>
      )}
      {state === "failed" && (
        <p role="alert">
          This link is invalid, used or expired. Sign in and ask for a new one from the banner or your account page.{" "}
          <Link to="/">Continue</Link>
        </p>
      )}
    </AuthCard>
  );
}
