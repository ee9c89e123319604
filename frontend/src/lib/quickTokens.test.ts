import { describe, expect, it } from "vitest";
import { complete, segments, suggestions, tokenAt } from "./quickTokens";

describe("segments", () => {
  it("cuts the text at the spans", () => {
    const text = "Pay rent tomorrow p1 #Home";
    const pieces = segments(text, [
      { start: 9, end: 17, kind: "date" },
      { start: 18, end: 20, kind: "priority" },
      { start: 21, end: 26, kind: "project" },
    ]);
    expect(pieces).toEqual([
      { text: "Pay rent " },
      { text: "tomorrow", kind: "date" },
      { text: " " },
      { text: "p1", kind: "priority" },
      { text: " " },
      { text: "#Home", kind: "project" },
    ]);
    expect(pieces.map((p) => p.text).join("")).toBe(text);
  });

  it("counts code points as the server does, and skips stale spans", () => {
    const text = "🎉 party today";
    expect(segments(text, [{ start: 8, end: 13, kind: "date" }])).toEqual([
      { text: "🎉 party " },
      { text: "today", kind: "date" },
    ]);
    expect(segments("short", [{ start: 3, end: 40, kind: "date" }])).toEqual([{ text: "short" }]);
  });
});

describe("tokenAt and complete", () => {
  it("finds the # or @ word at the caret", () => {
    expect(tokenAt("Buy milk #ho", 12)).toEqual({ kind: "project", query: "ho", start: 9, end: 12 });
    expect(tokenAt("Buy @urg now", 8)).toEqual({ kind: "label", query: "urg", start: 4, end: 8 });
    expect(tokenAt("Buy milk", 8)).toBeNull();
    expect(tokenAt("mail a@b", 8)).toBeNull();
    expect(tokenAt('x #"Two wo', 10)).toEqual({ kind: "project", query: "Two wo", start: 2, end: 10 });
  });

  it("puts the chosen name in, quoted when it has spaces", () => {
    const token = tokenAt("Buy milk #ho tomorrow", 12)!;
    expect(complete("Buy milk #ho tomorrow", token, "Home")).toEqual({ text: "Buy milk #Home tomorrow", caret: 15 });
    const two = tokenAt("x #Tw", 5)!;
    expect(complete("x #Tw", two, "Two words").text).toBe('x #"Two words" ');
  });

  it("suggests names that start with the query first", () => {
    expect(suggestions(["Work", "Homework", "Home"], "ho")).toEqual(["Homework", "Home"]);
    expect(suggestions(["Work", "Homework", "Home"], "work")).toEqual(["Work", "Homework"]);
  });
});
