import { describe, expect, it } from "vitest";
import { daysUntil, dueInDays, dueRange, formatDue, fromDateInput, timeAgo, toDateInput } from "./dates";

// Local-time constructors keep these tests independent of the machine's time zone.
const now = new Date(2026, 10, 21, 15, 30); // Sat 21 Nov 2026, 15:30 local

describe("date inputs", () => {
  it("round-trips a picked day", () => {
    const iso = fromDateInput("2026-11-24");
    expect(iso).not.toBeNull();
    expect(toDateInput(iso)).toBe("2026-11-24");
  });

  it("stores the end of the local day", () => {
    const d = new Date(fromDateInput("2026-11-24")!);
    expect([d.getHours(), d.getMinutes()]).toEqual([23, 59]);
  });

  it("rejects malformed input and shows nothing for no date", () => {
    expect(fromDateInput("")).toBeNull();
    expect(fromDateInput("24/11/2026")).toBeNull();
    expect(toDateInput(null)).toBe("");
    expect(toDateInput("not a date")).toBe("");
  });

  it("reads an instant with an offset from the API", () => {
    const iso = new Date(2026, 0, 5, 12).toISOString().replace("Z", "+00:00");
    expect(toDateInput(iso)).toBe("2026-01-05");
  });
});

describe("formatDue", () => {
  const at = (days: number, hour = 9) => new Date(2026, 10, 21 + days, hour).toISOString();

  it("names nearby days", () => {
    expect(formatDue(at(0), now)).toEqual({ text: "Today", tone: "today" });
    expect(formatDue(at(1), now)).toEqual({ text: "Tomorrow", tone: "soon" });
    expect(formatDue(at(-1), now)).toEqual({ text: "Yesterday", tone: "overdue" });
    expect(formatDue(at(3), now).text).toBe("Tuesday");
  });

  it("shows a date further out, with the year only when it differs", () => {
    expect(formatDue(at(10), now)).toEqual({ text: "1 Dec", tone: "later" });
    expect(formatDue(new Date(2027, 1, 3).toISOString(), now).text).toBe("3 Feb 2027");
  });

  it("counts calendar days, not 24-hour spans", () => {
    expect(daysUntil(new Date(2026, 10, 22, 0, 5).toISOString(), now)).toBe(1);
    expect(daysUntil(new Date(2026, 10, 21, 0, 5).toISOString(), now)).toBe(0);
  });
});

describe("dueRange", () => {
  it("bounds today inclusively", () => {
    const { dueAfter, dueBefore } = dueRange("today", now);
    expect(new Date(dueAfter!).getTime()).toBe(new Date(2026, 10, 21).getTime());
    expect(new Date(dueBefore!).getTime()).toBe(new Date(2026, 10, 21, 23, 59, 59, 999).getTime());
  });

  it("gives only an upper bound for overdue and nothing for any", () => {
    expect(dueRange("overdue", now).dueAfter).toBeUndefined();
    expect(new Date(dueRange("overdue", now).dueBefore!).getTime()).toBeLessThan(now.getTime());
    expect(dueRange("", now)).toEqual({});
  });

  it("covers seven days for this week", () => {
    const { dueBefore } = dueRange("week", now);
    expect(new Date(dueBefore!).getDate()).toBe(27);
  });
});

describe("timeAgo", () => {
  it("speaks plainly", () => {
    expect(timeAgo(new Date(now.getTime() - 10_000).toISOString(), now)).toBe("just now");
    expect(timeAgo(new Date(now.getTime() - 60_000).toISOString(), now)).toBe("1 minute ago");
    expect(timeAgo(new Date(now.getTime() - 3 * 3600_000).toISOString(), now)).toBe("3 hours ago");
    expect(timeAgo(new Date(now.getTime() - 2 * 86400_000).toISOString(), now)).toBe("2 days ago");
  });
});

describe("dueInDays", () => {
  it("is the end of today or a later local day", () => {
    expect(toDateInput(dueInDays(0, now))).toBe("2026-11-21");
    expect(toDateInput(dueInDays(1, now))).toBe("2026-11-22");
    expect(formatDue(dueInDays(1, now), now).text).toBe("Tomorrow");
  });
});
