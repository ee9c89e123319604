import { useState, type FormEvent } from "react";
import { OtpRequiredError, useAuthProviders } from "../api/auth";
import { Link, useSearch } from "@tanstack/react-router";
import { Field, FormError } from "../components/Field";
import { AuthCard } from "./AuthCard";
import { useAuth } from "./AuthProvider";

/** What `/login?oidc_error=<code>` (the single sign-on callback's failures) means. */
const OIDC_ERRORS: Record<string, string> = {
  state: "The sign-in took too long or was started in another window. Please try again.",
  cancelled: "Sign-in was cancelled.",
  provider: "The sign-in provider reported an error. Please try again.",
  unavailable: "The sign-in provider could not be reached. Try again later, or use your password.",
  token: "The sign-in provider's answer could not be verified. Please try again.",
  email_unverified: "Your email address is not verified at the sign-in provider.",
  not_registered: "There is no account with your email address here. Ask an administrator to create one.",
  disabled: "This account is disabled.",
};

export function SignInPage() {
  const { signIn } = useAuth();
  const { notice, next, oidc_error: oidcError } = useSearch({ from: "/login" });
  const providers = useAuthProviders();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // With 2FA on, the password step is kept and a code is asked for.
  const [credentials, setCredentials] = useState<{ login: string; password: string } | null>(null);
  const oidc = providers.data?.oidc;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const login = String(form.get("login"));
    const password = String(form.get("password"));
    setBusy(true);
    setError(null);
    try {
      // Signed in, the router's gate takes the visitor on to `?next=` (or home).
      await signIn(login, password);
    } catch (e) {
      if (e instanceof OtpRequiredError) setCredentials({ login, password });
      else setError((e as Error).message);
      setBusy(false);
    }
  }

  async function submitCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!credentials) return;
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await signIn(credentials.login, credentials.password, String(form.get("otp")).trim());
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  if (credentials) {
    return (
      <AuthCard title="Two-factor authentication">
        <form onSubmit={submitCode} className="stack">
          <p className="muted">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
          <Field
            label="Code"
            name="otp"
            autoComplete="one-time-code"
            inputMode="text"
            maxLength={64}
            required
            autoFocus
          />
          <FormError message={error} />
          <button className="button primary" type="submit" disabled={busy}>
            {busy ? "Checking…" : "Verify"}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setCredentials(null);
              setError(null);
            }}
          >
            Back
          </button>
        </form>
      </AuthCard>
    );
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
      {oidcError && (
        <p className="form-error" role="alert">
          {OIDC_ERRORS[oidcError] ?? "Signing in with the provider failed. Please try again."}
        </p>
      )}
      {oidc && (
        <>
          {/* A full page navigation: the server redirects to the provider and back. */}
          <a className="button primary oidc-button" href="/api/v1/auth/oidc/login">
            Sign in with {oidc.name}
          </a>
          <p className="muted small divider-text">or with your password</p>
        </>
      )}
      <form onSubmit={submit} className="stack">
        <Field label="Username or email" name="login" autoComplete="username" required autoFocus={!oidc} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <FormError message={error} />
        <button className={oidc ? "button" : "button primary"} type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <Link to="/forgot-password" className="small-link">
          Forgot your password?
        </Link>
      </form>
    </AuthCard>
  );
}
