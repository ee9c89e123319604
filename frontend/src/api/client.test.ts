import { describe, expect, it } from "vitest";
import { ApiError, errorMessage, unwrap } from "./client";

describe("errorMessage", () => {
  it("uses a string detail as is", () => {
    expect(errorMessage({ detail: "Username already registered" })).toBe("Username already registered.");
  });

  it("names the field of a validation error", () => {
    expect(
      errorMessage({ detail: [{ loc: ["body", "password"], msg: "String should have at least 8 characters" }] }),
    ).toBe("Password should have at least 8 characters.");
  });

  it("falls back for anything else", () => {
    expect(errorMessage(undefined)).toBe("Something went wrong.");
    expect(errorMessage({ detail: [] }, "Nope.")).toBe("Nope.");
  });
});

describe("unwrap", () => {
  it("returns the data of a success", () => {
    expect(unwrap({ data: { a: 1 }, response: new Response(null, { status: 200 }) })).toEqual({ a: 1 });
  });

  it("throws an ApiError with the status and the API's words", () => {
    try {
      unwrap({ error: { detail: "Task not found" }, response: new Response(null, { status: 404 }) });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(404);
      expect((e as ApiError).message).toBe("Task not found.");
    }
  });
});
