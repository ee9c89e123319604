import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown, safeHref } from "./markdown";

describe("markdown", () => {
  it("parses headings, paragraphs, lists and code", () => {
    const blocks = parseMarkdown("# Plan\n\nBuy **milk** and `eggs`\n\n- one\n- [x] two\n\n```\n<b>raw</b>\n```");
    expect(blocks.map((b) => b.kind)).toEqual(["heading", "paragraph", "list", "code"]);
    expect(blocks[3]).toEqual({ kind: "code", text: "<b>raw</b>" });
    const list = blocks[2];
    expect(list.kind === "list" && list.items[1].checked).toBe(true);
  });

  it("keeps HTML as plain text", () => {
    expect(parseMarkdown("<img src=x onerror=alert(1)>")).toEqual([
      { kind: "paragraph", children: [{ kind: "text", text: "<img src=x onerror=alert(1)>" }] },
    ]);
  });

  it("drops dangerous link targets", () => {
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref(" JavaScript:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,x")).toBeNull();
    expect(safeHref("//evil.example")).toBeNull();
    expect(safeHref("https://example.com/a")).toBe("https://example.com/a");
    const nodes = parseInline("[click](javascript:alert(1))");
    expect(nodes.every((n) => n.kind === "text")).toBe(true);
    expect(nodes.map((n) => (n.kind === "text" ? n.text : "")).join("")).toBe("[click](javascript:alert(1))");
  });

  it("links safe targets and bare URLs", () => {
    expect(parseInline("see [docs](https://example.com) or https://example.org.")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", href: "https://example.com", children: [{ kind: "text", text: "docs" }] },
      { kind: "text", text: " or " },
      { kind: "link", href: "https://example.org", children: [{ kind: "text", text: "https://example.org" }] },
      { kind: "text", text: "." },
    ]);
  });

  it("nests emphasis", () => {
    expect(parseInline("**bold _it_**")).toEqual([
      {
        kind: "strong",
        children: [
          { kind: "text", text: "bold " },
          { kind: "em", children: [{ kind: "text", text: "it" }] },
        ],
      },
    ]);
  });
});
