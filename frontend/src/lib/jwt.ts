// Reads (never verifies) an access token's expiry, to refresh it a little before it lapses.

export function tokenExpiry(token: string): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(
      payload
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(payload.length / 4) * 4, "="),
    );
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Milliseconds to wait before refreshing: at 80 % of the remaining lifetime, at least 5 s. */
export function refreshDelay(token: string, now: number = Date.now()): number | null {
  const expiry = tokenExpiry(token);
  if (expiry === null) return null;
  return Math.max(5_000, Math.floor((expiry - now) * 0.8));
}
