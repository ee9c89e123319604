// Renders the Markdown subset as React elements: text stays text, links are vetted.
import type { ReactNode } from "react";
import { parseMarkdown, type Block, type Inline } from "../lib/markdown";
import "./Markdown.css";

function inline(nodes: Inline[]): ReactNode[] {
  return nodes.map((node, i) => {
    switch (node.kind) {
      case "text":
        return node.text;
      case "code":
        return <code key={i}>{node.text}</code>;
      case "strong":
        return <strong key={i}>{inline(node.children)}</strong>;
      case "em":
        return <em key={i}>{inline(node.children)}</em>;
      case "link":
        return (
          <a key={i} href={node.href} target="_blank" rel="noopener noreferrer nofollow">
            {inline(node.children)}
          </a>
        );
    }
  });
}

function block(b: Block, i: number): ReactNode {
  switch (b.kind) {
    case "heading": {
      const Tag = (["h3", "h4", "h5"] as const)[b.level - 1];
      return <Tag key={i}>{inline(b.children)}</Tag>;
    }
    case "paragraph":
      return <p key={i}>{inline(b.children)}</p>;
    case "code":
      return (
        <pre key={i}>
          <code>{b.text}</code>
        </pre>
      );
    case "quote":
      return <blockquote key={i}>{inline(b.children)}</blockquote>;
    case "list": {
      const items = b.items.map((item, j) => (
        <li key={j}>
          {item.checked !== undefined && (
            <input
              type="checkbox"
              checked={item.checked}
              readOnly
              disabled
              aria-label={item.checked ? "done" : "not done"}
            />
          )}
          {inline(item.children)}
        </li>
      ));
      return b.ordered ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
    }
  }
}

export function Markdown({ source }: { source: string }) {
  return <div className="markdown">{parseMarkdown(source).map(block)}</div>;
}
