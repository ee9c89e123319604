import { describe, expect, it } from "vitest";
import { applySuggestion, filterError, filterSuggestions, filterTokenAt, quoteName, type Names } from "./filterQuery";

const names: Names = {
  projects: ["Home", "Home Chores", "Work"],
  labels: ["bills", "errand"],
  people: ["ana", "bob"],
  sections: ["Doing", "Later"],
};

/** The suggestions' labels for the text with the caret at `‸`. */
function offered(typed: string): string[] {
  const caret = typed.indexOf("‸");
  const text = typed.replace("‸", "");
  const trigger = filterTokenAt(text, caret);
  return trigger ? filterSuggestions(trigger, names).map((s) => s.label) : [];
}

/** The text after picking the first suggestion at `‸`, the caret shown as `‸`. */
function pickFirst(typed: string): string {
  const caret = typed.indexOf("‸");
  const text = typed.replace("‸", "");
  const trigger = filterTokenAt(text, caret)!;
  const next = applySuggestion(text, trigger, filterSuggestions(trigger, names)[0].insert);
  return next.text.slice(0, next.caret) + "‸" + next.text.slice(next.caret);
}

describe("filterTokenAt and filterSuggestions", () => {
  it.each([
    ["tod‸", ["today"]],
    ["p‸", ["p1", "p2", "p3", "p4"]],
    ["overdue | no‸", ["no date"]],
    ["!(ass‸", ["assigned to:", "assigned"]],
    ["next 3‸", ["next 3 days"]],
    ["#ho‸", ["#Home", "#Home Chores"]],
    ['#"home c‸', ["#Home Chores"]],
    ["today & @b‸", ["@bills"]],
    ["+a‸", ["assigned to: ana"]],
    ["assigned to: ‸", ["me", "ana", "bob"]],
    ["created by: b‸", ["bob"]],
    ["status: in‸", ["in progress"]],
    ["section: la‸", ["Later"]],
  ])("%s offers %j", (typed, expected) => {
    expect(offered(typed)).toEqual(expected);
  });

  it.each([["today‸"], ["search: two words‸"], ["2026‸"], ["status: done‸"], ["‸"]])("%s offers nothing", (typed) => {
    expect(offered(typed)).toEqual([]);
  });

  it.each([
    ["tod‸", "today ‸"],
    ["due b‸", "due before: ‸"],
    ["#hom‸ & p1", "#Home ‸& p1"],
    ['today & #"home c‸', 'today & #"Home Chores" ‸'],
    ["+b‸", "assigned to: bob ‸"],
    ["assigned to: b‸", "assigned to: bob ‸"],
    ["@bi‸lls & today", "@bills ‸& today"],
  ])("picking in %s gives %s", (typed, expected) => {
    expect(pickFirst(typed)).toBe(expected);
  });

  it("quotes names the grammar would not read as one word", () => {
    expect(quoteName("Home")).toBe("Home");
    expect(quoteName("Home Chores")).toBe('"Home Chores"');
    expect(quoteName("a&b")).toBe('"a&b"');
  });
});

describe("filterError", () => {
  it("reads the position and message of the server's 422", () => {
    expect(filterError({ detail: "q: position 8: unexpected '&'" })).toEqual({
      position: 8,
      message: "unexpected '&'",
    });
    expect(filterError({ detail: "query: position 0: the expression is empty" })).toEqual({
      position: 0,
      message: "the expression is empty",
    });
  });

  it("is null for anything else", () => {
    expect(filterError({ detail: "Not found" })).toBeNull();
    expect(filterError({ detail: [{ loc: ["query", "q"], msg: "too long" }] })).toBeNull();
    expect(filterError(null)).toBeNull();
  });
});
