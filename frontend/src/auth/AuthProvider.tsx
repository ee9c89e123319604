// Who is signed in: restores the session from the refresh cookie on load, signs in and out.
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { COOKIE_HEADER, ApiError, api, authApi, onSignedOut, tokens, unwrap } from "../api/client";
import type { User } from "../api/types";
import { refreshDelay } from "../lib/jwt";

type Status = "loading" | "signedIn" | "signedOut";

type Auth = {
  status: Status;
  user: User | null;
  signIn: (login: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** After a token pair was issued elsewhere (password change). */
  adoptToken: (accessToken: string) => Promise<void>;
  setUser: (user: User) => void;
  /** Forget the session locally (account deleted, session revoked). */
  forget: () => void;
};

const AuthContext = createContext<Auth | null>(null);

async function fetchMe(): Promise<User> {
  return unwrap(await api.GET("/api/v1/users/me"));
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<Status>("loading");
  const [user, setUser] = useState<User | null>(null);

  const forget = useCallback(() => {
    tokens.set(null);
    setUser(null);
    setStatus("signedOut");
    qc.clear();
  }, [qc]);

  useEffect(() => {
    onSignedOut(forget);
    let cancelled = false;
    // A reload keeps the user signed in through the HttpOnly refresh cookie.
    tokens
      .refresh()
      .then(async (token) => {
        if (!token) throw new Error("no session");
        const me = await fetchMe();
        if (!cancelled) {
          setUser(me);
          setStatus("signedIn");
        }
      })
      .catch(() => {
        if (!cancelled) setStatus("signedOut");
      });
    return () => {
      cancelled = true;
    };
  }, [forget]);

  // Refresh a little before the access token lapses, so the WebSocket and the next
  // request never meet an expired token (a 401 would still be handled).
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = (token: string | null) => {
      clearTimeout(timer);
      const delay = token ? refreshDelay(token) : null;
      if (delay !== null) timer = setTimeout(() => void tokens.refresh(), delay);
    };
    schedule(tokens.accessToken);
    const unsubscribe = tokens.subscribe(schedule);
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, []);

  const adoptToken = useCallback(async (accessToken: string) => {
    tokens.set(accessToken);
    setUser(await fetchMe());
    setStatus("signedIn");
  }, []);

  const signIn = useCallback(
    async (login: string, password: string) => {
      const result = await authApi.POST("/api/v1/auth/token", {
        body: { username: login, password },
        bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
        headers: { ...COOKIE_HEADER, "Content-Type": "application/x-www-form-urlencoded" },
      });
      if (!result.response.ok) {
        const status = result.response.status;
        if (status === 401) throw new ApiError(401, null, "Wrong username, email or password.");
        if (status === 429) {
          const retry = result.response.headers.get("Retry-After");
          throw new ApiError(429, null, `Too many attempts. Try again${retry ? ` in ${retry} seconds` : " later"}.`);
        }
        throw new ApiError(status, result.error);
      }
      qc.clear();
      await adoptToken(result.data!.access_token);
    },
    [adoptToken, qc],
  );

  const signOut = useCallback(async () => {
    try {
      await authApi.POST("/api/v1/auth/logout", { headers: COOKIE_HEADER, body: {} });
    } finally {
      forget();
    }
  }, [forget]);

  const value = useMemo<Auth>(
    () => ({ status, user, signIn, signOut, adoptToken, setUser, forget }),
    [status, user, signIn, signOut, adoptToken, forget],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}
