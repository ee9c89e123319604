import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { safeHref, toggleTaskItem } from "../lib/markdown";
import { Markdown } from "./Markdown";

const html = (source: string, onToggleTask?: (offset: number) => void) =>
  renderToStaticMarkup(<Markdown source={source} onToggleTask={onToggleTask} />);

describe("Markdown", () => {
  it("renders CommonMark and GFM, headings from h3 down", () => {
    const out = html(
      "# Plan\n\nBuy **milk** and `eggs`, ~~bread~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n<b>raw</b>\n```",
    );
    expect(out).toContain("<h3>Plan</h3>");
    expect(out).toContain("<strong>milk</strong>");
    expect(out).toContain("<code>eggs</code>");
    expect(out).toContain("<del>bread</del>");
    expect(out).toContain("<table>");
    expect(out).toContain("<code>&lt;b&gt;raw&lt;/b&gt;\n</code>");
  });

  it("shows raw HTML as text, never as HTML", () => {
    const out = html("<img src=x onerror=alert(1)>\n\nhi <script>alert(1)</script>");
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<script");
    expect(out).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("drops dangerous link targets and keeps safe ones", () => {
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref(" JavaScript:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,x")).toBeNull();
    expect(safeHref("//evil.example")).toBeNull();
    expect(safeHref("https://example.com/a")).toBe("https://example.com/a");
    const out = html("[click](javascript:alert(1)) and [ok](https://example.com) and https://bare.example/x");
    expect(out).not.toContain("javascript:");
    expect(out).toContain("<span>click</span>");
    expect(out).toContain('<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">ok</a>');
    expect(out).toContain('href="https://bare.example/x"');
  });

  it("turns images into links (no tracking pixel loads)", () => {
    const out = html("![chart](https://example.com/p.png)");
    expect(out).not.toContain("<img");
    expect(out).toContain('<a href="https://example.com/p.png"');
  });

  it("task boxes are named by their item and tick only when the caller allows it", () => {
    const source = "- [x] draft\n- [ ] review";
    const readOnly = html(source);
    expect(readOnly).toContain('aria-label="draft: done"');
    expect(readOnly).toContain('aria-label="review: not done"');
    expect(readOnly.match(/disabled=""/g)).toHaveLength(2);
    expect(html(source, () => {})).not.toContain("disabled");
  });
});

describe("toggleTaskItem", () => {
  const source = "Intro\n\n- [x] draft\n- [ ] review\n  1. [ ] nested\n- plain\n* [X] star";
  it("ticks and unticks the item starting at an offset", () => {
    expect(toggleTaskItem(source, source.indexOf("- [ ] review"))).toBe(source.replace("- [ ] review", "- [x] review"));
    expect(toggleTaskItem(source, source.indexOf("- [x] draft"))).toBe(source.replace("- [x] draft", "- [ ] draft"));
    expect(toggleTaskItem(source, source.indexOf("1. [ ]"))).toBe(source.replace("1. [ ] nested", "1. [x] nested"));
    expect(toggleTaskItem(source, source.indexOf("* [X]"))).toBe(source.replace("* [X] star", "* [ ] star"));
  });

  it("changes nothing where no task item starts", () => {
    expect(toggleTaskItem(source, 0)).toBeNull();
    expect(toggleTaskItem(source, source.indexOf("- plain"))).toBeNull();
  });
});
