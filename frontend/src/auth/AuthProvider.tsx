// Who is signed in: restores the session from the refresh cookie on load, signs in and out.
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { logout, requestToken } from "../api/auth";
import { onSignedOut, tokens } from "../api/client";
import { fetchMe } from "../api/users";
import type { User } from "../api/types";
import { refreshDelay } from "../lib/jwt";

type Status = "loading" | "signedIn" | "signedOut";

type Auth = {
  status: Status;
  user: User | null;
  signIn: (login: string, password: string, otp?: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** After a token pair was issued elsewhere (password change). */
  adoptToken: (accessToken: string) => Promise<void>;
  setUser: (user: User) => void;
  /** Forget the session locally (account deleted, session revoked). */
  forget: () => void;
};

const AuthContext = createContext<Auth | null>(null);

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
    async (login: string, password: string, otp?: string) => {
      const accessToken = await requestToken(login, password, otp);
      qc.clear();
      await adoptToken(accessToken);
    },
    [adoptToken, qc],
  );

  const signOut = useCallback(async () => {
    try {
      await logout();
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
