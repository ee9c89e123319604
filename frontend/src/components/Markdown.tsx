// Renders Markdown (CommonMark + GFM) with react-markdown: raw HTML is never rendered (it shows
// as text), link targets are vetted, images stay links (no tracking pixels), and task-list
// boxes tick when the caller lets them (`onToggleTask`).
import { createContext, useContext, type ComponentProps } from "react";
import ReactMarkdown, { type Components, type ExtraProps } from "react-markdown";
import remarkGfm from "remark-gfm";
import { safeHref } from "../lib/markdown";
import "./Markdown.css";

type TaskItem = { offset: number; label: string };
const TaskItemContext = createContext<TaskItem | null>(null);
const ToggleContext = createContext<((offset: number) => void) | undefined>(undefined);

type HastNode = { type: string; value?: string; tagName?: string; children?: HastNode[] };

/** The text of a list item, without its nested lists (the name of its checkbox). */
function itemText(node: HastNode | undefined): string {
  if (!node) return "";
  if (node.type === "text") return node.value ?? "";
  if (node.tagName === "ul" || node.tagName === "ol") return "";
  return (node.children ?? []).map(itemText).join("");
}

function ListItem({ node, children, className, ...rest }: ComponentProps<"li"> & ExtraProps) {
  const offset = node?.position?.start.offset;
  const task = className?.includes("task-list-item") && offset !== undefined;
  return (
    <li className={className} {...rest}>
      <TaskItemContext.Provider value={task ? { offset, label: itemText(node as HastNode).trim() } : null}>
        {children}
      </TaskItemContext.Provider>
    </li>
  );
}

function TaskBox({ type, checked }: ComponentProps<"input"> & ExtraProps) {
  const item = useContext(TaskItemContext);
  const toggle = useContext(ToggleContext);
  if (type !== "checkbox") return null;
  const label = `${item?.label || "Item"}: ${checked ? "done" : "not done"}`;
  return (
    <input
      type="checkbox"
      checked={!!checked}
      disabled={!toggle || !item}
      aria-label={label}
      onChange={() => item && toggle?.(item.offset)}
    />
  );
}

function MarkdownLink({ href, children }: ComponentProps<"a"> & ExtraProps) {
  if (!href) return <span>{children}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

function MarkdownImage({ src, alt }: ComponentProps<"img"> & ExtraProps) {
  const href = typeof src === "string" ? src : "";
  return href ? (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {alt || href}
    </a>
  ) : (
    <span>{alt}</span>
  );
}

// Headings start at h3: the panel's own headings are h2 and h3.
const COMPONENTS: Components = {
  h1: ({ children }) => <h3>{children}</h3>,
  h2: ({ children }) => <h4>{children}</h4>,
  h3: ({ children }) => <h5>{children}</h5>,
  h4: ({ children }) => <h6>{children}</h6>,
  h5: ({ children }) => <h6>{children}</h6>,
  h6: ({ children }) => <h6>{children}</h6>,
  a: MarkdownLink,
  img: MarkdownImage,
  li: ListItem,
  input: TaskBox,
};

const PLUGINS = [remarkGfm];
const urlTransform = (url: string) => safeHref(url) ?? "";

export function Markdown({ source, onToggleTask }: { source: string; onToggleTask?: (offset: number) => void }) {
  return (
    <div className="markdown">
      <ToggleContext.Provider value={onToggleTask}>
        <ReactMarkdown remarkPlugins={PLUGINS} components={COMPONENTS} urlTransform={urlTransform}>
          {source}
        </ReactMarkdown>
      </ToggleContext.Provider>
    </div>
  );
}
