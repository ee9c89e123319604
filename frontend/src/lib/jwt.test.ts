import { describe, expect, it } from "vitest";
import { refreshDelay, tokenExpiry } from "./jwt";

function token(payload: object): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b64({ alg: "HS256" })}.${b64(payload)}.signature`;
}

describe("tokenExpiry", () => {
  it("reads exp in milliseconds", () => {
    expect(tokenExpiry(token({ exp: 1_700_000_000, sub: "1" }))).toBe(1_700_000_000_000);
  });

  it("gives null for anything else", () => {
    expect(tokenExpiry("opaque")).toBeNull();
    expect(tokenExpiry("a.!!!.c")).toBeNull();
    expect(tokenExpiry(token({ sub: "1" }))).toBeNull();
  });
});

describe("refreshDelay", () => {
  it("refreshes at 80% of the remaining lifetime", () => {
    const now = 1_000_000_000_000;
    expect(refreshDelay(token({ exp: (now + 900_000) / 1000 }), now)).toBe(720_000);
  });

  it("waits at least five seconds", () => {
    const now = 1_000_000_000_000;
    expect(refreshDelay(token({ exp: now / 1000 - 10 }), now)).toBe(5_000);
  });
});
