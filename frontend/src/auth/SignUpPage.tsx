import { useState, type FormEvent } from "react";
import { register } from "../api/auth";
import { Field, FormError } from "../components/Field";
import { Link, useSearch } from "@tanstack/react-router";
import { AuthCard } from "./AuthCard";
import { useAuth } from "./AuthProvider";

export function SignUpPage() {
  const { signIn } = useAuth();
  // An invitation link (or any page) that sent us here through sign-in survives sign-up:
  // signed in, the router's gate goes on to `next`.
  const { next } = useSearch({ from: "/signup" });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const username = String(form.get("username")).trim();
    const password = String(form.get("password"));
    setBusy(true);
    setError(null);
    try {
      await register({
        email: String(form.get("email")).trim(),
        username,
        password,
        full_name: String(form.get("full_name")).trim(),
      });
      // Registration emails the verification link; the banner offers to send it again.
      // Signed in, the router's gate takes the visitor home.
      await signIn(username, password);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  return (
    <AuthCard
      title="Create your account"
      footer={
        <>
          Already have an account?{" "}
          <Link to="/login" search={next ? { next } : {}}>
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={submit} className="stack">
        <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
        <Field label="Username" name="username" autoComplete="username" required minLength={3} maxLength={32} />
        <Field label="Full name (optional)" name="full_name" autoComplete="name" />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={128}
          hint="At least 8 characters. Common passwords are refused."
        />
        <FormError message={error} />
        <button className="button primary" type="submit" disabled={busy}>
          {busy ? "Creating account…" : "Sign up"}
        </button>
      </form>
    </AuthCard>
  );
}
