import { describe, expect, it } from "vitest";
import { addDays, dayKey, daysBetween, endOfDayInstant, moveToDay, timeKey, zonedInstant } from "./zoned";

describe("zoned days", () => {
  it("reads an instant's local day and time in the user's zone, not the browser's", () => {
    const instant = "2026-12-01T23:30:00Z";
    expect(dayKey(instant, "UTC")).toBe("2026-12-01");
    expect(dayKey(instant, "Europe/Berlin")).toBe("2026-12-02");
    expect(timeKey(instant, "Europe/Berlin")).toBe("00:30");
    expect(dayKey(instant, "America/New_York")).toBe("2026-12-01");
  });

  it("turns a local day and time into the instant, on both sides of a DST change", () => {
    expect(zonedInstant("2026-03-28", "09:00", "Europe/Berlin").toISOString()).toBe("2026-03-28T08:00:00.000Z");
    expect(zonedInstant("2026-03-30", "09:00", "Europe/Berlin").toISOString()).toBe("2026-03-30T07:00:00.000Z");
    expect(zonedInstant("2026-10-26", "09:00", "Europe/Berlin").toISOString()).toBe("2026-10-26T08:00:00.000Z");
    expect(endOfDayInstant("2026-12-01", "Asia/Tokyo").toISOString()).toBe("2026-12-01T14:59:59.000Z");
  });

  it("puts a time a spring-forward skips just after the jump, as the clock shows it", () => {
    // 02:30 does not exist on these nights: 03:30 summer time.
    expect(zonedInstant("2026-03-29", "02:30", "Europe/Berlin").toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(zonedInstant("2026-03-08", "02:30", "America/New_York").toISOString()).toBe("2026-03-08T07:30:00.000Z");
    // An hour that happens twice (the autumn change) takes one of its two instants.
    expect(["2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z"]).toContain(
      zonedInstant("2026-10-25", "02:30", "Europe/Berlin").toISOString(),
    );
  });

  it("moves a task to another day at the same wall-clock time", () => {
    expect(moveToDay("2026-03-27T08:00:00Z", "2026-03-30", "Europe/Berlin")).toBe("2026-03-30T07:00:00.000Z");
  });

  it("counts calendar days across months", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(daysBetween("2026-02-27", "2026-03-01")).toBe(2);
  });
});
