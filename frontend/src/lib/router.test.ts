import { describe, expect, it } from "vitest";
import { matchPath, withSearch } from "./router";

describe("matchPath", () => {
  it("captures parameters", () => {
    expect(matchPath("/projects/:id/board", "/projects/42/board")).toEqual({ id: "42" });
    expect(matchPath("/projects/:id", "/projects/42/")).toEqual({ id: "42" });
  });

  it("rejects other shapes", () => {
    expect(matchPath("/projects/:id", "/projects/42/board")).toBeNull();
    expect(matchPath("/projects/:id/board", "/projects/42/settings")).toBeNull();
  });
});

describe("withSearch", () => {
  const location = { path: "/projects/4", search: new URLSearchParams("task=9&x=1") };

  it("sets and removes query parameters, keeping the others", () => {
    expect(withSearch(location, { task: "10" })).toBe("/projects/4?task=10&x=1");
    expect(withSearch(location, { task: null, x: null })).toBe("/projects/4");
  });
});
