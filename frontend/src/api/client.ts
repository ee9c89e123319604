// The typed API client (generated types + openapi-fetch) and the session's token store.
import createClient from "openapi-fetch";
import type { paths } from "./schema";
import { reportReachable, reportUnreachable } from "../lib/network";
import { OFFLINE, humanMessage } from "./errors";
import { TokenStore, authFetch } from "./tokens";

/** Asks the API to set and read the refresh cookie (SPEC §3 Auth, CSRF guard). */
export const COOKIE_HEADER = { "X-Requested-With": "taskflow" } as const;

/** `fetch`, with a network failure turned into an ApiError the user can read (status 0). */
/**
 * Each answer, or its absence, also tells the offline banner whether the server is there
 * (a proxy's 502/503/504 means TaskFlow behind it is not).
 */
const plainFetch = (request: Request) =>
  globalThis.fetch(request).then(
    (response) => {
      if ([502, 503, 504].includes(response.status)) reportUnreachable();
      else reportReachable();
      return response;
    },
    (error: unknown) => {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      reportUnreachable();
      throw new ApiError(0, null, OFFLINE);
    },
  );

/** Client for the auth endpoints that must not go through the 401 retry. */
export const authApi = createClient<paths>({ baseUrl: "", fetch: plainFetch, credentials: "same-origin" });

async function refreshOnce(): Promise<string | null> {
  const { data } = await authApi.POST("/api/v1/auth/refresh", {
    headers: COOKIE_HEADER,
    body: {},
  });
  return data?.access_token ?? null;
}

/**
 * Refresh tokens are single-use and shared by every tab through the cookie: two tabs
 * refreshing at once would present a spent token and end the session. A Web Lock
 * makes the tabs take turns, so each one sends the cookie the previous one set.
 */
function refreshAccessToken(): Promise<string | null> {
  if (typeof navigator !== "undefined" && navigator.locks) {
    return navigator.locks.request("taskflow-refresh", refreshOnce).then((token) => token);
  }
  return refreshOnce();
}

export const tokens = new TokenStore(refreshAccessToken);

let signedOutHandler: () => void = () => {};
export function onSignedOut(handler: () => void): void {
  signedOutHandler = handler;
}

/** `fetch` with the bearer token, one silent refresh and retry on 401 (files, blobs). */
export const fetchWithAuth = authFetch(tokens, plainFetch, () => signedOutHandler());

/** Client for everything else: bearer token, one silent refresh and retry on 401. */
export const api = createClient<paths>({
  baseUrl: "",
  credentials: "same-origin",
  fetch: fetchWithAuth,
});

/** The API's `{"detail": ...}` turned into one sentence for the user. */
export function errorMessage(error: unknown, fallback = "Something went wrong."): string {
  if (error instanceof Error) return error.message || fallback;
  return humanMessage(-1, error, fallback);
}

/** An API failure carrying the HTTP status, thrown from query/mutation functions. */
export class ApiError extends Error {
  readonly status: number;
  /** The response's JSON body, for the few places that read more than the sentence (the filter box's error position). */
  readonly body: unknown;
  constructor(status: number, body: unknown, fallback?: string) {
    super(fallback && body == null ? fallback : humanMessage(status, body, fallback ?? `Request failed (${status}).`));
    this.status = status;
    this.body = body;
  }
}

/** Unwrap an openapi-fetch result: the data, or an ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(result.response.status, result.error);
  }
  return result.data as T;
}
