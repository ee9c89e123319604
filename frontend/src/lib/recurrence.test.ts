import { describe, expect, it } from "vitest";
import { describeRule, parseRule, presetOf, ruleFor, weekdayOf, weeklyRule } from "./recurrence";

describe("describeRule", () => {
  it.each([
    [null, "Does not repeat"],
    ["FREQ=DAILY", "Every day"],
    ["FREQ=DAILY;INTERVAL=3", "Every 3 days"],
    ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday"],
    ["FREQ=WEEKLY;BYDAY=MO,WE", "Every week on Monday and Wednesday"],
    ["FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "Every 2 weeks on Friday"],
    ["FREQ=MONTHLY;BYMONTHDAY=1", "Every month on the 1st"],
    ["FREQ=MONTHLY;BYMONTHDAY=-1", "Every month on the last day"],
    ["FREQ=MONTHLY;BYDAY=1MO", "Every month on 1st Monday"],
    ["FREQ=MONTHLY;BYDAY=-1FR", "Every month on last Friday"],
    ["FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=22", "Every year on the 22nd in March"],
    ["FREQ=DAILY;COUNT=5", "Every day, 5 times"],
    ["FREQ=WEEKLY;UNTIL=20270101T000000Z", "Every week, until 2027-01-01"],
    ["freq=daily", "Every day"],
    ["nonsense", "Custom rule: nonsense"],
    ["FREQ=FORTNIGHTLY", "Custom rule: FREQ=FORTNIGHTLY"],
  ])("%s → %s", (body, words) => {
    expect(describeRule(body)).toBe(words);
  });
});

describe("presets", () => {
  it("recognises the picker's rules and calls the rest custom", () => {
    expect(presetOf(null)).toBe("none");
    expect(presetOf("FREQ=DAILY")).toBe("daily");
    expect(presetOf("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")).toBe("weekdays");
    expect(presetOf("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH")).toBe("weekly");
    expect(presetOf("FREQ=MONTHLY;BYMONTHDAY=15")).toBe("monthly");
    expect(presetOf("FREQ=MONTHLY;BYMONTHDAY=-1")).toBe("monthly-last");
    expect(presetOf("FREQ=YEARLY")).toBe("yearly");
    expect(presetOf("FREQ=DAILY;INTERVAL=3")).toBe("custom");
    expect(presetOf("FREQ=MONTHLY;BYDAY=1MO")).toBe("custom");
  });

  it("builds rules from the due day", () => {
    expect(weekdayOf("2026-12-01")).toBe("TU");
    expect(ruleFor("weekly", "2026-12-01")).toBe("FREQ=WEEKLY;BYDAY=TU");
    expect(ruleFor("monthly", "2026-12-09")).toBe("FREQ=MONTHLY;BYMONTHDAY=9");
    expect(weeklyRule(["FR", "MO"], 2)).toBe("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR");
    expect(parseRule(ruleFor("weekdays", "2026-12-01"))).toEqual({ FREQ: "WEEKLY", BYDAY: "MO,TU,WE,TH,FR" });
  });
});
