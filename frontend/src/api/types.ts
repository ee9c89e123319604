// Names the app uses for the API's schemas; the one place to adjust after `npm run generate`.
import type { components } from "./schema";

type Schemas = components["schemas"];

/** Ids are integers in the API; the app reads them from URLs with `parseId`. */
export type Id = number;

export function parseId(value: string | null | undefined): Id | undefined {
  return value && /^[1-9][0-9]{0,17}$/.test(value) ? Number(value) : undefined;
}
export type User = Schemas["UserPublic"];
export type Session = Schemas["SessionPublic"];
export type Project = Schemas["ProjectPublic"];
export type Member = Schemas["MemberPublic"];
export type Role = Member["role"];
export type Label = Schemas["LabelPublic"];
export type Section = Schemas["SectionPublic"];
export type SavedFilter = Schemas["FilterPublic"];
export type Task = Schemas["TaskPublic"];
export type Attachment = Schemas["AttachmentPublic"];
export type TrashItem = Schemas["TrashItemPublic"];
export type TaskStatus = Task["status"];
export type TaskCreate = Schemas["TaskCreate"];
export type TaskUpdate = Schemas["TaskUpdate"];
export type QuickDraft = Schemas["QuickDraft"];
export type Comment = Schemas["CommentPublic"];
export type Activity = Schemas["ActivityPublic"];
export type ExportDocument = Schemas["ExportDocument"];
export type ImportResult = Schemas["ImportResult"];
export type UserCreate = Schemas["UserCreate"];
export type Page<T> = { items: T[]; total: number; limit: number; offset: number };

export const STATUSES: { value: TaskStatus; label: string }[] = [
  { value: "todo", label: "To do" },
  { value: "in_progress", label: "In progress" },
  { value: "done", label: "Done" },
];

/** The one naming of priorities, in the panel, the list's badges and the filter. */
export const PRIORITIES: { value: number; label: string }[] = [
  { value: 0, label: "None" },
  { value: 1, label: "Low" },
  { value: 2, label: "Medium" },
  { value: 3, label: "High" },
  { value: 4, label: "Urgent" },
];

export const ROLES: Role[] = ["owner", "admin", "editor", "viewer"];

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };
export function roleAtLeast(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}
