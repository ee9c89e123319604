// The auth endpoints: sign in and out, registration, password reset, email verification,
// sessions. Calls that set or read the refresh cookie send COOKIE_HEADER.
import { useQuery } from "@tanstack/react-query";
import { COOKIE_HEADER, ApiError, api, authApi, unwrap } from "./client";
import { queryKeys } from "./queryKeys";
import type { Id, User, UserCreate } from "./types";

/** The account has two-factor authentication on: ask for a code and try again. */
export class OtpRequiredError extends ApiError {
  constructor() {
    super(401, null, "Enter the code from your authenticator app.");
  }
}

/** Exchange a login and password (and, with 2FA on, a code) for an access token (the refresh
 * token arrives as the cookie). Throws OtpRequiredError when the server asks for a code. */
export async function requestToken(login: string, password: string, otp?: string): Promise<string> {
  const result = await authApi.POST("/api/v1/auth/token", {
    body: otp ? { username: login, password, otp } : { username: login, password },
    bodySerializer: (form) => new URLSearchParams(form as Record<string, string>),
    headers: { ...COOKIE_HEADER, "Content-Type": "application/x-www-form-urlencoded" },
  });
  if (!result.response.ok) {
    const status = result.response.status;
    if (status === 401 && result.response.headers.get("X-TaskFlow-OTP") === "required") {
      throw new OtpRequiredError();
    }
    if (status === 401 && otp) throw new ApiError(401, null, "Wrong or already used code.");
    if (status === 401) throw new ApiError(401, null, "Wrong username, email or password.");
    if (status === 429) {
      const retry = result.response.headers.get("Retry-After");
      throw new ApiError(429, null, `Too many attempts. Try again${retry ? ` in ${retry} seconds` : " later"}.`);
    }
    throw new ApiError(status, result.error);
  }
  return result.data!.access_token;
}

export async function logout(): Promise<void> {
  await authApi.POST("/api/v1/auth/logout", { headers: COOKIE_HEADER, body: {} });
}

export async function logoutEverywhere(): Promise<void> {
  unwrap(await api.POST("/api/v1/auth/logout-all"));
}

export async function register(body: UserCreate): Promise<User> {
  return unwrap(await authApi.POST("/api/v1/auth/register", { body }));
}

export async function requestPasswordReset(email: string): Promise<void> {
  unwrap(await authApi.POST("/api/v1/auth/password-reset/request", { body: { email } }));
}

export async function confirmPasswordReset(token: string, newPassword: string): Promise<void> {
  unwrap(await authApi.POST("/api/v1/auth/password-reset/confirm", { body: { token, new_password: newPassword } }));
}

export async function requestVerification(): Promise<void> {
  unwrap(await api.POST("/api/v1/auth/verify/request"));
}

export async function confirmVerification(token: string): Promise<User> {
  return unwrap(await authApi.POST("/api/v1/auth/verify/confirm", { body: { token } }));
}

/** How the server signs people in and where its emails go (`email_delivery`: smtp or the log). */
export function useAuthProviders(enabled = true) {
  return useQuery({
    queryKey: queryKeys.authProviders,
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/providers")),
    staleTime: Infinity,
    enabled,
  });
}

export function useSessions() {
  return useQuery({
    queryKey: queryKeys.sessions,
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/sessions")).items,
  });
}

export async function revokeSession(sessionId: Id): Promise<void> {
  unwrap(await api.DELETE("/api/v1/auth/sessions/{session_id}", { params: { path: { session_id: sessionId } } }));
}
