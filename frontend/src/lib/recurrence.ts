// Recurrence rules (RFC 5545 RRULE bodies, as the API stores them): the picker's presets,
// and any rule in words. The server parses and expands rules; this only reads them.

export const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DAY_NAMES: Record<Weekday, string> = {
  MO: "Monday",
  TU: "Tuesday",
  WE: "Wednesday",
  TH: "Thursday",
  FR: "Friday",
  SA: "Saturday",
  SU: "Sunday",
};
export const DAY_SHORT: Record<Weekday, string> = {
  MO: "Mon",
  TU: "Tue",
  WE: "Wed",
  TH: "Thu",
  FR: "Fri",
  SA: "Sat",
  SU: "Sun",
};

export type Rule = Record<string, string>;

/** `FREQ=WEEKLY;BYDAY=MO` → `{FREQ: "WEEKLY", BYDAY: "MO"}`; null if it is not `KEY=VALUE;…`. */
export function parseRule(body: string | null | undefined): Rule | null {
  if (!body) return null;
  const rule: Rule = {};
  for (const part of body.trim().replace(/^RRULE:/i, "").split(";")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    rule[part.slice(0, eq).toUpperCase()] = part.slice(eq + 1).toUpperCase();
  }
  return rule.FREQ ? rule : null;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function dayPart(token: string): string | null {
  const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(token);
  if (!m) return null;
  const name = DAY_NAMES[m[2] as Weekday];
  if (!m[1]) return name;
  const n = Number(m[1]);
  if (n === -1) return `last ${name}`;
  return n > 0 ? `${ordinal(n)} ${name}` : `${ordinal(-n)} last ${name}`;
}

function monthDay(token: string): string | null {
  const n = Number(token);
  if (!Number.isInteger(n) || n === 0 || Math.abs(n) > 31) return null;
  if (n === -1) return "the last day";
  return n > 0 ? `the ${ordinal(n)}` : `the ${ordinal(-n)} last day`;
}

const UNITS: Record<string, [string, string]> = {
  DAILY: ["day", "days"],
  WEEKLY: ["week", "weeks"],
  MONTHLY: ["month", "months"],
  YEARLY: ["year", "years"],
  HOURLY: ["hour", "hours"],
  MINUTELY: ["minute", "minutes"],
};

/** A rule in words: "Every 2 weeks on Monday and Friday", "Every month on the last day". */
export function describeRule(body: string | null | undefined): string {
  const rule = parseRule(body);
  if (!rule) return body ? `Custom rule: ${body}` : "Does not repeat";
  const unit = UNITS[rule.FREQ];
  if (!unit) return `Custom rule: ${body}`;
  const interval = Number(rule.INTERVAL ?? "1");
  if (!Number.isInteger(interval) || interval < 1) return `Custom rule: ${body}`;
  let text = interval === 1 ? `Every ${unit[0]}` : `Every ${interval} ${unit[1]}`;
  const days = rule.BYDAY ? rule.BYDAY.split(",").map(dayPart) : [];
  if (days.includes(null)) return `Custom rule: ${body}`;
  const plainDays = rule.BYDAY ? rule.BYDAY.split(",") : [];
  if (rule.FREQ === "WEEKLY" && interval === 1 && plainDays.join(",") === "MO,TU,WE,TH,FR") {
    text = "Every weekday";
  } else if (rule.FREQ === "DAILY" && interval === 1 && plainDays.join(",") === "MO,TU,WE,TH,FR") {
    text = "Every weekday";
  } else if (days.length > 0) {
    text += ` on ${list(days as string[])}`;
  }
  if (rule.BYMONTHDAY) {
    const parts = rule.BYMONTHDAY.split(",").map(monthDay);
    if (parts.includes(null)) return `Custom rule: ${body}`;
    text += ` on ${list(parts as string[])}`;
  }
  if (rule.BYMONTH) {
    const months = rule.BYMONTH.split(",").map((m) => MONTHS[Number(m) - 1]);
    if (months.some((m) => !m)) return `Custom rule: ${body}`;
    text += ` in ${list(months)}`;
  }
  if (rule.COUNT) text += `, ${rule.COUNT} time${rule.COUNT === "1" ? "" : "s"}`;
  if (rule.UNTIL) {
    const m = /^(\d{4})(\d{2})(\d{2})/.exec(rule.UNTIL);
    text += m ? `, until ${m[1]}-${m[2]}-${m[3]}` : `, until ${rule.UNTIL}`;
  }
  const known = new Set(["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL", "WKST"]);
  const extra = Object.keys(rule).filter((k) => !known.has(k));
  if (extra.length > 0) text += ` (${extra.map((k) => `${k}=${rule[k]}`).join(";")})`;
  return text;
}

export type Preset = "none" | "daily" | "weekdays" | "weekly" | "monthly" | "monthly-last" | "yearly" | "custom";

export const PRESETS: { value: Preset; label: string }[] = [
  { value: "none", label: "Does not repeat" },
  { value: "daily", label: "Every day" },
  { value: "weekdays", label: "Every weekday (Mon–Fri)" },
  { value: "weekly", label: "Weekly on chosen days" },
  { value: "monthly", label: "Monthly on the due day" },
  { value: "monthly-last", label: "Monthly on the last day" },
  { value: "yearly", label: "Every year" },
  { value: "custom", label: "Custom rule (RRULE)" },
];

/** Which preset a rule is (the picker shows it selected), "custom" for anything else. */
export function presetOf(body: string | null | undefined): Preset {
  const rule = parseRule(body);
  if (!body) return "none";
  if (!rule) return "custom";
  const keys = Object.keys(rule).sort().join(",");
  const interval = rule.INTERVAL ?? "1";
  if (keys === "FREQ" && rule.FREQ === "DAILY") return "daily";
  if (keys === "FREQ" && rule.FREQ === "YEARLY") return "yearly";
  if (rule.FREQ === "WEEKLY" && keys.replace(",INTERVAL", "") === "BYDAY,FREQ") {
    if (interval === "1" && rule.BYDAY === "MO,TU,WE,TH,FR") return "weekdays";
    if (rule.BYDAY.split(",").every((d) => (WEEKDAYS as readonly string[]).includes(d))) return "weekly";
  }
  if (rule.FREQ === "WEEKLY" && (keys === "FREQ" || keys === "FREQ,INTERVAL")) return "weekly";
  if (rule.FREQ === "MONTHLY" && keys === "BYMONTHDAY,FREQ") {
    return rule.BYMONTHDAY === "-1" ? "monthly-last" : /^\d+$/.test(rule.BYMONTHDAY) ? "monthly" : "custom";
  }
  return "custom";
}

/** The weekday of a `YYYY-MM-DD` day. */
export function weekdayOf(day: string): Weekday {
  const [y, m, d] = day.split("-").map(Number);
  return WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7];
}

/** The rule a preset makes for a task due on `dueDay` (local `YYYY-MM-DD`). */
export function ruleFor(preset: Exclude<Preset, "none" | "custom">, dueDay: string): string {
  switch (preset) {
    case "daily":
      return "FREQ=DAILY";
    case "weekdays":
      return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR";
    case "weekly":
      return `FREQ=WEEKLY;BYDAY=${weekdayOf(dueDay)}`;
    case "monthly":
      return `FREQ=MONTHLY;BYMONTHDAY=${Number(dueDay.slice(8, 10))}`;
    case "monthly-last":
      return "FREQ=MONTHLY;BYMONTHDAY=-1";
    case "yearly":
      return "FREQ=YEARLY";
  }
}

/** A weekly rule with its days and interval changed (days kept in week order). */
export function weeklyRule(days: Weekday[], interval: number): string {
  const ordered = WEEKDAYS.filter((d) => days.includes(d));
  const parts = ["FREQ=WEEKLY"];
  if (interval > 1) parts.push(`INTERVAL=${interval}`);
  if (ordered.length > 0) parts.push(`BYDAY=${ordered.join(",")}`);
  return parts.join(";");
}
