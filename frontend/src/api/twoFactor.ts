// Two-factor authentication (TOTP): set up, enable (recovery codes come back once), disable.
import { api, unwrap } from "./client";

export type TwoFactorSetup = { secret: string; otpauth_uri: string };

export async function setupTwoFactor(): Promise<TwoFactorSetup> {
  return unwrap(await api.POST("/api/v1/auth/2fa/setup"));
}

/** Turns 2FA on with a code from the app; the ten recovery codes are shown only now. */
export async function enableTwoFactor(code: string): Promise<string[]> {
  return unwrap(await api.POST("/api/v1/auth/2fa/enable", { body: { code } })).recovery_codes;
}

export async function disableTwoFactor(password: string, code: string): Promise<void> {
  unwrap(await api.POST("/api/v1/auth/2fa/disable", { body: { password, code } }));
}

/** A text file of the recovery codes, for the browser to download. */
export function recoveryCodesFile(codes: string[], account: string): Blob {
  const lines = [
    `TaskFlow recovery codes for ${account}`,
    "Each code signs you in once when you cannot use your authenticator app.",
    "",
    ...codes,
    "",
  ];
  return new Blob([lines.join("\n")], { type: "text/plain" });
}
