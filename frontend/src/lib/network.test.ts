import { describe, expect, it } from "vitest";
import { isOffline, reportReachable, reportUnreachable } from "./network";

describe("whether TaskFlow can be reached", () => {
  it("is offline after a request got no answer, online again after one did", () => {
    expect(isOffline()).toBe(false);
    reportUnreachable();
    expect(isOffline()).toBe(true);
    reportReachable();
    expect(isOffline()).toBe(false);
  });
});
