import { describe, expect, it } from "vitest";
import { fuzzyRank, fuzzyScore } from "./fuzzy";

const names = (query: string, items: string[]) => fuzzyRank(query, items, (s) => s);

describe("fuzzyScore", () => {
  it("matches the query's letters in order, in any case", () => {
    expect(fuzzyScore("hme", "Home")).not.toBeNull();
    expect(fuzzyScore("HOME", "home")).not.toBeNull();
    expect(fuzzyScore("emh", "Home")).toBeNull();
    expect(fuzzyScore("homes", "Home")).toBeNull();
  });

  it("treats an empty query as matching everything equally", () => {
    expect(fuzzyScore("", "Anything")).toBe(0);
    expect(fuzzyScore("  ", "Anything")).toBe(0);
  });
});

describe("fuzzyRank", () => {
  it("puts a prefix before a substring before scattered letters", () => {
    expect(names("up", ["Setup", "Sign up", "Upcoming", "Ultra plan"])).toEqual([
      "Upcoming",
      "Sign up",
      "Setup",
      "Ultra plan",
    ]);
  });

  it("prefers word starts over letters inside words", () => {
    expect(names("ma", ["Format", "Monthly accounts", "Summary"])[0]).toBe("Format");
    expect(names("mac", ["Some arcane", "Monthly accounts"])).toEqual(["Monthly accounts", "Some arcane"]);
  });

  it("prefers consecutive letters, and the shorter text on a tie", () => {
    expect(names("tod", ["To do later", "Today"])).toEqual(["Today", "To do later"]);
    expect(names("tdy", ["Today", "The daily"])).toEqual(["The daily", "Today"]);
  });

  it("drops what does not match and keeps the given order for equal scores", () => {
    expect(names("", ["b", "a"])).toEqual(["b", "a"]);
    expect(names("zz", ["Inbox", "Trash"])).toEqual([]);
  });
});
