import { describe, expect, it } from "vitest";
import { EXPIRED_LINK, OFFLINE, SERVER_TROUBLE, SESSION_ENDED, humanMessage, validationMessage } from "./errors";

describe("humanMessage", () => {
  it("shows the sentence of a server rule without its field and 'Value error' prefix", () => {
    const body = {
      detail: [
        { loc: ["body", "password"], msg: "Value error, This password is too common; choose a less guessable one" },
      ],
    };
    expect(humanMessage(422, body)).toBe("This password is too common; choose a less guessable one.");
  });

  it("never shows token errors or the browser's network error", () => {
    expect(humanMessage(401, { detail: "Invalid or expired token" })).toBe(SESSION_ENDED);
    expect(humanMessage(400, { detail: "Invalid or expired token" })).toBe(EXPIRED_LINK);
    expect(humanMessage(0, null)).toBe(OFFLINE);
  });

  it("keeps the API's own sentences, and says something plain for a bare 5xx", () => {
    expect(humanMessage(409, { detail: "Username is taken" })).toBe("Username is taken.");
    expect(humanMessage(503, { detail: "Database unavailable, try again shortly" })).toBe(
      "Database unavailable, try again shortly.",
    );
    expect(humanMessage(502, null)).toBe(SERVER_TROUBLE);
  });
});

describe("validationMessage", () => {
  it("names the field as a person would", () => {
    expect(validationMessage(["body", "new_password"], "String should have at most 128 characters")).toBe(
      "New password should have at most 128 characters.",
    );
    expect(validationMessage(["body", "email"], "Field required")).toBe("Email is required.");
    expect(validationMessage(["body", "username"], "String should match pattern '^[a-z]+$'")).toBe(
      "Username contains characters that aren't allowed.",
    );
  });
});
