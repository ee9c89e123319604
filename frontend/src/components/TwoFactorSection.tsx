// The account page's two-factor authentication: set up (QR code drawn here, in the browser,
// from the otpauth:// URI; the secret never leaves for a QR service), enable with a code,
// the recovery codes (shown once, downloadable), and disable with password + code.
import { useQueryClient } from "@tanstack/react-query";
import QRCode from "qrcode";
import { useEffect, useState, type FormEvent } from "react";
import { queryKeys } from "../api/queryKeys";
import { disableTwoFactor, enableTwoFactor, recoveryCodesFile, setupTwoFactor, type TwoFactorSetup } from "../api/twoFactor";
import { fetchMe } from "../api/users";
import { useAuth } from "../auth/AuthProvider";
import { useToast } from "../lib/toast";
import { Field, FormError } from "./Field";

export function TwoFactorSection() {
  const { user, setUser } = useAuth();
  const qc = useQueryClient();
  const toast = useToast();
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  // The QR image and the URI it was drawn from (a stale one is not shown).
  const [qr, setQr] = useState<{ uri: string; image: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!setup) return;
    let cancelled = false;
    const uri = setup.otpauth_uri;
    QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 1, width: 200 })
      .then((image) => {
        if (!cancelled) setQr({ uri, image });
      })
      .catch(() => {
        if (!cancelled) setQr(null);
      });
    return () => {
      cancelled = true;
    };
  }, [setup]);

  async function refreshUser() {
    setUser(await fetchMe());
    await qc.invalidateQueries({ queryKey: queryKeys.sessions });
  }

  async function start() {
    setError(null);
    setBusy(true);
    try {
      setSetup(await setupTwoFactor());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function enable(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    setBusy(true);
    try {
      setCodes(await enableTwoFactor(String(form.get("code")).trim()));
      setSetup(null);
      await refreshUser();
      toast("Two-factor authentication is on. Other sessions were signed out.");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function disable(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    setBusy(true);
    try {
      await disableTwoFactor(String(form.get("password")), String(form.get("code")).trim());
      formElement.reset();
      await refreshUser();
      toast("Two-factor authentication is off. Other sessions were signed out.");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function download() {
    if (!codes || !user) return;
    const url = URL.createObjectURL(recoveryCodesFile(codes, user.email));
    const link = document.createElement("a");
    link.href = url;
    link.download = "taskflow-recovery-codes.txt";
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  return (
    <section className="card-section" aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading">Two-factor authentication</h2>
      {codes && (
        <div className="stack narrow" data-testid="recovery-codes">
          <p>
            Save these recovery codes somewhere safe. Each one signs you in once if you lose your authenticator app.
            They are shown only now.
          </p>
          <ul className="recovery-codes">
            {codes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ul>
          <div className="row">
            <button type="button" className="button" onClick={download}>
              Download codes
            </button>
            <button type="button" className="button primary" onClick={() => setCodes(null)}>
              I have saved them
            </button>
          </div>
        </div>
      )}
      {!codes && user?.two_factor_enabled && (
        <form className="stack narrow" onSubmit={disable}>
          <p>
            <span className="badge">On</span> Signing in with your password also needs a code from your authenticator
            app.
          </p>
          <Field label="Password" name="password" type="password" required autoComplete="current-password" />
          <Field label="Code or recovery code" name="code" required maxLength={64} autoComplete="one-time-code" />
          <FormError message={error} />
          <div className="row">
            <button type="submit" className="button" disabled={busy}>
              Turn off two-factor authentication
            </button>
          </div>
        </form>
      )}
      {!codes && !user?.two_factor_enabled && !setup && (
        <div className="stack narrow">
          <p className="muted">
            Off. With it on, signing in with your password also needs a code from an authenticator app.
          </p>
          <FormError message={error} />
          <div className="row">
            <button type="button" className="button primary" onClick={() => void start()} disabled={busy}>
              Set up two-factor authentication
            </button>
          </div>
        </div>
      )}
      {!codes && setup && (
        <form className="stack narrow" onSubmit={enable}>
          <p>Scan this QR code with your authenticator app, then enter the 6-digit code it shows.</p>
          {qr?.uri === setup.otpauth_uri && (
            <img className="totp-qr" src={qr.image} alt="QR code for your authenticator app" width={200} height={200} />
          )}
          <p className="muted small">
            Can't scan? Enter this key: <code data-testid="totp-secret">{setup.secret}</code>
          </p>
          <Field
            label="Code from the app"
            name="code"
            required
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={64}
          />
          <FormError message={error} />
          <div className="row">
            <button type="submit" className="button primary" disabled={busy}>
              Turn on
            </button>
            <button type="button" className="button" onClick={() => setSetup(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
