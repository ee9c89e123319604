import { useState, type FormEvent } from "react";
import { Field, FormError } from "../components/Field";
import { Link, useSearch } from "@tanstack/react-router";
import { AuthCard } from "./AuthCard";
import { useAuth } from "./AuthProvider";

export function SignInPage() {
  const { signIn } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { notice, next } = useSearch({ from: "/login" });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      // Signed in, the router's gate takes the visitor on to `?next=` (or home).
      await signIn(String(form.get("login")), String(form.get("password")));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  return (
    <AuthCard
      title="Sign in"
      footer={
        <>
          New here?{" "}
          <Link to="/signup" search={next ? { next } : {}}>
            Create an account
          </Link>
        </>
      }
    >
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} className="stack">
        <Field label="Username or email" name="login" autoComplete="username" required autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <FormError message={error} />
        <button className="button primary" type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <Link to="/forgot-password" className="small-link">
          Forgot your password?
        </Link>
      </form>
    </AuthCard>
  );
}
