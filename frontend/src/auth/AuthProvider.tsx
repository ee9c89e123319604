// Who is signed in: restores the session from the refresh cookie on load, signs in and out.
// Opened while the server is out of reach, it signs the last user in on their saved data
// (lib/offlineCache.ts) and checks the session again once back online.
import { onlineManager, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { logout, requestToken } from "../api/auth";
import { ApiError, onSignedOut, tokens } from "../api/client";
import { fetchMe } from "../api/users";
import type { User } from "../api/types";
import { refreshDelay } from "../lib/jwt";
import { isOffline } from "../lib/network";
import { clearOfflineCache, lastSession, restoreQueries, startPersisting, stopPersisting } from "../lib/offlineCache";

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
  /** Signed in on the saved data because the server could not be reached at start. */
  offlineSession: boolean;
};

const AuthContext = createContext<Auth | null>(null);

/**
 * A sign-out made offline could not reach the server, so the session and its HttpOnly refresh
 * cookie are still alive: remembered here, and ended at the next start before anything else
 * (else the next person to open the app on this machine would be signed in).
 */
const PENDING_SIGN_OUT = "taskflow-sign-out-pending";
/** Storage may be refused (a locked-down profile): then the flag is simply not kept. */
function storage<T>(act: (store: Storage) => T, otherwise: T): T {
  try {
    return act(localStorage);
  } catch {
    return otherwise;
  }
}
const pendingSignOut = {
  get: () => storage((s) => s.getItem(PENDING_SIGN_OUT) === "1", false),
  set: () => storage((s) => s.setItem(PENDING_SIGN_OUT, "1"), undefined),
  clear: () => storage((s) => s.removeItem(PENDING_SIGN_OUT), undefined),
};

/** The session from the refresh cookie, or none, after ending one left from an offline sign-out. */
async function restoreSession(): Promise<string | null> {
  if (pendingSignOut.get()) {
    await logout().then(pendingSignOut.clear, () => undefined);
    return null;
  }
  return tokens.refresh();
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<Status>("loading");
  const [user, setUser] = useState<User | null>(null);
  const [offlineSession, setOfflineSession] = useState(false);

  const forget = useCallback(() => {
    void clearOfflineCache();
    tokens.set(null);
    setUser(null);
    setOfflineSession(false);
    setStatus("signedOut");
    qc.clear();
  }, [qc]);

  useEffect(() => {
    onSignedOut(forget);
    // TanStack Query assumes online until told otherwise: opened offline, queries wait.
    if (typeof navigator !== "undefined" && navigator.onLine === false) onlineManager.setOnline(false);
    let cancelled = false;
    // A reload keeps the user signed in through the HttpOnly refresh cookie.
    restoreSession()
      .then(async (token) => {
        if (!token) throw new Error("no session");
        const me = await fetchMe();
        await restoreQueries(qc, me.id);
        if (!cancelled) {
          setUser(me);
          setStatus("signedIn");
        }
      })
      .catch(async () => {
        // No answer from the server (not a refused session): the last user's saved data.
        // A session the server refused (expired, revoked) leaves no saved data behind, nor
        // does one signed out of.
        const offline = isOffline() && !pendingSignOut.get();
        if (!offline) void clearOfflineCache();
        const last = offline ? await lastSession() : undefined;
        if (last) await restoreQueries(qc, last.id);
        if (cancelled) return;
        if (last) {
          setUser(last);
          setOfflineSession(true);
          setStatus("signedIn");
        } else {
          setStatus("signedOut");
        }
      });
    return () => {
      cancelled = true;
    };
  }, [forget, qc]);

  // Opened offline: once the network is back, the cookie decides whether the session goes on.
  useEffect(() => {
    if (!offlineSession) return;
    const recheck = () => {
      void tokens.refresh().then(async (token) => {
        if (token) {
          setOfflineSession(false);
          setUser(await fetchMe());
        } else if (!isOffline()) {
          forget();
        }
      });
    };
    window.addEventListener("online", recheck);
    return () => window.removeEventListener("online", recheck);
  }, [offlineSession, forget]);

  // Signed out offline: end that session at the server as soon as it can be reached.
  useEffect(() => {
    const finish = () => {
      if (pendingSignOut.get()) void logout().then(pendingSignOut.clear, () => undefined);
    };
    window.addEventListener("online", finish);
    return () => window.removeEventListener("online", finish);
  }, []);

  // Keep the signed-in user's data for the next time the app opens offline.
  useEffect(() => {
    if (!user) return;
    startPersisting(qc, user);
    return stopPersisting;
  }, [qc, user]);

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
      // Whoever used this browser before: their saved data goes before anything of this user's is kept.
      await clearOfflineCache();
      pendingSignOut.clear();
      qc.clear();
      await adoptToken(accessToken);
    },
    [adoptToken, qc],
  );

  const signOut = useCallback(async () => {
    try {
      await logout();
    } catch (error) {
      // Offline: signed out here now, and at the server the next time the app starts.
      if (error instanceof ApiError && error.status === 0) pendingSignOut.set();
      else throw error;
    } finally {
      forget();
    }
  }, [forget]);

  const value = useMemo<Auth>(
    () => ({ status, user, signIn, signOut, adoptToken, setUser, forget, offlineSession }),
    [status, user, signIn, signOut, adoptToken, forget, offlineSession],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}
