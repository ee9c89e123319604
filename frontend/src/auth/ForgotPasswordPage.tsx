import { useState, type FormEvent } from "react";
import { requestPasswordReset } from "../api/auth";
import { Field, FormError } from "../components/Field";
import { Link } from "@tanstack/react-router";
import { AuthCard } from "./AuthCard";

export function ForgotPasswordPage() {
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email")).trim();
    setError(null);
    try {
      await requestPasswordReset(email);
      setSent(true);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <AuthCard title="Reset your password" footer={<Link to="/login">Back to sign in</Link>}>
      {sent ? (
        <p role="status">If an account uses that email, a link to reset the password is on its way.</p>
      ) : (
        <form onSubmit={submit} className="stack">
          <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
          <FormError message={error} />
          <button className="button primary" type="submit">
            Send reset link
          </button>
        </form>
      )}
    </AuthCard>
  );
}
