// Access token held in memory only, with one shared in-flight refresh.
//
// The refresh token never reaches JavaScript: it is the HttpOnly cookie
// `taskflow_refresh`, sent by the browser to /api/v1/auth/* only.

export type RefreshFn = () => Promise<string | null>;

export class TokenStore {
  private token: string | null = null;
  private inflight: Promise<string | null> | null = null;
  private listeners = new Set<(token: string | null) => void>();
  private readonly refreshFn: RefreshFn;

  constructor(refreshFn: RefreshFn) {
    this.refreshFn = refreshFn;
  }

  get accessToken(): string | null {
    return this.token;
  }

  set(token: string | null): void {
    this.token = token;
    for (const listener of this.listeners) listener(token);
  }

  subscribe(listener: (token: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Refresh once for every caller waiting at the same time. */
  refresh(): Promise<string | null> {
    if (!this.inflight) {
      this.inflight = this.refreshFn()
        .catch(() => null)
        .then((token) => {
          this.set(token);
          return token;
        })
        .finally(() => {
          this.inflight = null;
        });
    }
    return this.inflight;
  }

  /**
   * A request sent with `usedToken` came back 401. If another request has
   * already refreshed since, reuse that token; otherwise refresh.
   */
  tokenAfterUnauthorized(usedToken: string | null): Promise<string | null> {
    if (this.inflight) return this.inflight;
    if (this.token && this.token !== usedToken) return Promise.resolve(this.token);
    return this.refresh();
  }
}

const AUTH_PATHS_WITHOUT_RETRY = [
  "/api/v1/auth/token",
  "/api/v1/auth/refresh",
  "/api/v1/auth/logout",
  "/api/v1/auth/register",
];

function skipsRetry(url: string): boolean {
  const path = new URL(url, "http://x").pathname;
  return AUTH_PATHS_WITHOUT_RETRY.includes(path);
}

/**
 * Wrap `fetch` so every request carries the bearer token and a 401 is
 * answered by one refresh and one retry. Used as openapi-fetch's `fetch`.
 */
export function authFetch(
  store: TokenStore,
  baseFetch: (request: Request) => Promise<Response>,
  onSignedOut: () => void = () => {},
): (request: Request) => Promise<Response> {
  return async (request: Request) => {
    const retry = request.clone();
    const used = store.accessToken;
    if (used) request.headers.set("Authorization", `Bearer ${used}`);
    const response = await baseFetch(request);
    if (response.status !== 401 || skipsRetry(request.url)) return response;
    const fresh = await store.tokenAfterUnauthorized(used);
    if (!fresh) {
      onSignedOut();
      return response;
    }
    retry.headers.set("Authorization", `Bearer ${fresh}`);
    return baseFetch(retry);
  };
}
