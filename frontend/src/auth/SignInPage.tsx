import { useState, type FormEvent } from "react";
import { Field, FormError } from "../components/Field";
import { Link, navigate, useLocation } from "../lib/router";
import { AuthCard } from "./AuthCard";
import { useAuth } from "./AuthProvider";

export function SignInPage() {
  const { signIn } = useAuth();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const notice = location.search.get("notice");

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await signIn(String(form.get("login")), String(form.get("password")));
      const next = location.search.get("next");
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
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
          <Link
            href={
              location.search.get("next")
                ? `/signup?next=${encodeURIComponent(location.search.get("next")!)}`
                : "/signup"
            }
          >
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
        <Link href="/forgot-password" className="small-link">
          Forgot your password?
        </Link>
      </form>
    </AuthCard>
  );
}
