import { useState, type FormEvent } from "react";
import { confirmPasswordReset } from "../api/auth";
import { Field, FormError } from "../components/Field";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { AuthCard } from "./AuthCard";

export function ResetPasswordPage() {
  const token = useSearch({ from: "/reset-password" }).token ?? "";
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password"));
    if (password !== String(form.get("confirm"))) {
      setError("The two passwords differ.");
      return;
    }
    setError(null);
    try {
      await confirmPasswordReset(token, password);
      void navigate({ to: "/login", search: { notice: "Password changed. Sign in with the new one." }, replace: true });
    } catch (e) {
      setError(
        (e as { status?: number }).status === 400
          ? "This link is invalid, used or expired. Ask for a new one."
          : (e as Error).message,
      );
    }
  }

  return (
    <AuthCard title="Choose a new password" footer={<Link to="/forgot-password">Ask for a new link</Link>}>
      {!token ? (
        <p role="alert">This link has no token. Open the link from the email again.</p>
      ) : (
        <form onSubmit={submit} className="stack">
          <Field
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            maxLength={128}
            autoFocus
          />
          <Field
            label="Repeat new password"
            name="confirm"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            maxLength={128}
          />
          <FormError message={error} />
          <button className="button primary" type="submit">
            Set password
          </button>
        </form>
      )}
    </AuthCard>
  );
}
