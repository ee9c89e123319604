/**
 * Hand-written stand-in for the generated schema, following SPEC.md §3.
 * `npm run generate` overwrites this file from ../openapi.json once the
 * API exists (the lead's Makefile writes it with `taskflow openapi`).
 */

type Json<T> = { content: { "application/json": T } };
type NoContent = { content?: never };
type Err = Json<components["schemas"]["ErrorDetail"]>;
type Errors = { 400: Err; 401: Err; 403: Err; 404: Err; 409: Err; 412: Err; 422: Err; 429: Err };
type Op<P, B, R> = { parameters: P; responses: R & Errors } & ([B] extends [never]
  ? { requestBody?: never }
  : undefined extends B
    ? { requestBody?: Exclude<B, undefined> }
    : { requestBody: B });
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type PathP<T> = { query?: never; header?: never; path: T; cookie?: never };
type PathHeaderP<T, H> = { query?: never; header?: H; path: T; cookie?: never };
type Pagination = { limit?: number; offset?: number };
type S = components["schemas"];

export interface paths {
  "/api/v1/auth/register": { post: Op<NoParams, Json<S["UserCreate"]>, { 201: Json<S["UserPublic"]> }> };
  "/api/v1/auth/token": {
    post: Op<
      NoParams,
      { content: { "application/x-www-form-urlencoded": S["Body_login"] } },
      { 200: Json<S["TokenPair"]> }
    >;
  };
  "/api/v1/auth/refresh": {
    post: Op<NoParams, { content: { "application/json": S["RefreshRequest"] } } | undefined, { 200: Json<S["TokenPair"]> }>;
  };
  "/api/v1/auth/logout": {
    post: Op<NoParams, { content: { "application/json": S["RefreshRequest"] } } | undefined, { 204: NoContent }>;
  };
  "/api/v1/auth/logout-all": { post: Op<NoParams, never, { 204: NoContent }> };
  "/api/v1/auth/sessions": { get: Op<NoParams, never, { 200: Json<S["Page_SessionPublic_"]> }> };
  "/api/v1/auth/sessions/{session_id}": {
    delete: Op<PathP<{ session_id: number }>, never, { 204: NoContent }>;
  };
  "/api/v1/auth/verify/request": { post: Op<NoParams, never, { 202: NoContent }> };
  "/api/v1/auth/verify/confirm": { post: Op<NoParams, Json<S["TokenBody"]>, { 200: Json<S["UserPublic"]> }> };
  "/api/v1/auth/password-reset/request": {
    post: Op<NoParams, Json<S["PasswordResetRequest"]>, { 202: NoContent }>;
  };
  "/api/v1/auth/password-reset/confirm": {
    post: Op<NoParams, Json<S["PasswordResetConfirm"]>, { 204: NoContent }>;
  };
  "/api/v1/users/me": {
    get: Op<NoParams, never, { 200: Json<S["UserPublic"]> }>;
    patch: Op<NoParams, Json<S["UserUpdate"]>, { 200: Json<S["UserPublic"]> }>;
    delete: Op<NoParams, Json<S["PasswordBody"]>, { 204: NoContent }>;
  };
  "/api/v1/users/me/password": {
    post: Op<NoParams, Json<S["PasswordChange"]>, { 200: Json<S["TokenPair"]> }>;
  };
  "/api/v1/projects": {
    get: Op<
      { query?: Pagination & { archived?: boolean }; header?: never; path?: never; cookie?: never },
      never,
      { 200: Json<S["Page_ProjectPublic_"]> }
    >;
    post: Op<NoParams, Json<S["ProjectCreate"]>, { 201: Json<S["ProjectPublic"]> }>;
  };
  "/api/v1/projects/{project_id}": {
    get: Op<PathP<{ project_id: number }>, never, { 200: Json<S["ProjectPublic"]> }>;
    patch: Op<PathP<{ project_id: number }>, Json<S["ProjectUpdate"]>, { 200: Json<S["ProjectPublic"]> }>;
    delete: Op<PathP<{ project_id: number }>, never, { 204: NoContent }>;
  };
  "/api/v1/projects/{project_id}/members": {
    get: Op<
      { query?: Pagination; header?: never; path: { project_id: number }; cookie?: never },
      never,
      { 200: Json<S["Page_MemberPublic_"]> }
    >;
    post: Op<PathP<{ project_id: number }>, Json<S["MemberCreate"]>, { 201: Json<S["MemberPublic"]> }>;
  };
  "/api/v1/projects/{project_id}/members/{user_id}": {
    patch: Op<
      PathP<{ project_id: number; user_id: number }>,
      Json<S["MemberUpdate"]>,
      { 200: Json<S["MemberPublic"]> }
    >;
    delete: Op<PathP<{ project_id: number; user_id: number }>, never, { 204: NoContent }>;
  };
  "/api/v1/projects/{project_id}/labels": {
    get: Op<
      { query?: Pagination; header?: never; path: { project_id: number }; cookie?: never },
      never,
      { 200: Json<S["Page_LabelPublic_"]> }
    >;
    post: Op<PathP<{ project_id: number }>, Json<S["LabelCreate"]>, { 201: Json<S["LabelPublic"]> }>;
  };
  "/api/v1/labels/{label_id}": {
    patch: Op<PathP<{ label_id: number }>, Json<S["LabelUpdate"]>, { 200: Json<S["LabelPublic"]> }>;
    delete: Op<PathP<{ label_id: number }>, never, { 204: NoContent }>;
  };
  "/api/v1/projects/{project_id}/activity": {
    get: Op<
      { query?: Pagination; header?: never; path: { project_id: number }; cookie?: never },
      never,
      { 200: Json<S["Page_ActivityPublic_"]> }
    >;
  };
  "/api/v1/tasks": {
    get: Op<
      { query?: S["TaskQuery"]; header?: never; path?: never; cookie?: never },
      never,
      { 200: Json<S["Page_TaskPublic_"]> }
    >;
    post: Op<NoParams, Json<S["TaskCreate"]>, { 201: Json<S["TaskPublic"]> }>;
  };
  "/api/v1/tasks/bulk": { post: Op<NoParams, Json<S["BulkAction"]>, { 200: Json<S["BulkResult"]> }> };
  "/api/v1/tasks/{task_id}": {
    get: Op<PathP<{ task_id: number }>, never, { 200: Json<S["TaskPublic"]> }>;
    put: Op<
      PathHeaderP<{ task_id: number }, { "If-Match"?: string }>,
      Json<S["TaskUpdate"]>,
      { 200: Json<S["TaskPublic"]> }
    >;
    patch: Op<
      PathHeaderP<{ task_id: number }, { "If-Match"?: string }>,
      Json<S["TaskUpdate"]>,
      { 200: Json<S["TaskPublic"]> }
    >;
    delete: Op<PathP<{ task_id: number }>, never, { 204: NoContent }>;
  };
  "/api/v1/tasks/{task_id}/vote": {
    put: Op<PathP<{ task_id: number }>, never, { 204: NoContent }>;
    delete: Op<PathP<{ task_id: number }>, never, { 204: NoContent }>;
  };
  "/api/v1/tasks/{task_id}/comments": {
    get: Op<
      { query?: Pagination; header?: never; path: { task_id: number }; cookie?: never },
      never,
      { 200: Json<S["Page_CommentPublic_"]> }
    >;
    post: Op<PathP<{ task_id: number }>, Json<S["CommentCreate"]>, { 201: Json<S["CommentPublic"]> }>;
  };
  "/api/v1/comments/{comment_id}": {
    patch: Op<PathP<{ comment_id: number }>, Json<S["CommentCreate"]>, { 200: Json<S["CommentPublic"]> }>;
    delete: Op<PathP<{ comment_id: number }>, never, { 204: NoContent }>;
  };
  "/api/v1/tasks/{task_id}/activity": {
    get: Op<
      { query?: Pagination; header?: never; path: { task_id: number }; cookie?: never },
      never,
      { 200: Json<S["Page_ActivityPublic_"]> }
    >;
  };
  "/api/v1/export": { get: Op<NoParams, never, { 200: Json<Record<string, unknown>> }> };
}

export interface components {
  schemas: {
    ErrorDetail: { detail?: unknown };
    UserPublic: {
      id: number;
      email: string;
      username: string;
      full_name: string;
      is_active: boolean;
      is_verified: boolean;
      is_superuser: boolean;
      created_at: string;
    };
    UserCreate: { email: string; username: string; password: string; full_name?: string };
    UserUpdate: { email?: string | null; username?: string | null; full_name?: string | null; current_password?: string | null };
    Body_login: { username: string; password: string; grant_type?: string | null; scope?: string };
    TokenPair: { access_token: string; refresh_token: string; token_type: string; expires_in: number };
    RefreshRequest: { refresh_token?: string | null };
    TokenBody: { token: string };
    PasswordBody: { password: string };
    PasswordChange: { current_password: string; new_password: string };
    PasswordResetRequest: { email: string };
    PasswordResetConfirm: { token: string; new_password: string };
    SessionPublic: {
      id: number;
      created_at: string;
      last_used_at: string;
      user_agent: string;
      ip: string;
      current: boolean;
    };
    Page_SessionPublic_: { items: S["SessionPublic"][]; total: number; limit: number; offset: number };
    ProjectPublic: {
      id: number;
      name: string;
      description: string;
      color: string;
      is_inbox: boolean;
      archived: boolean;
      role: "owner" | "admin" | "editor" | "viewer";
      created_at: string;
    };
    ProjectCreate: { name: string; description?: string; color?: string };
    ProjectUpdate: { name?: string; description?: string; color?: string; archived?: boolean };
    Page_ProjectPublic_: { items: S["ProjectPublic"][]; total: number; limit: number; offset: number };
    MemberUser: { id: number; username: string; email: string; full_name: string };
    MemberPublic: { user: S["MemberUser"]; role: "owner" | "admin" | "editor" | "viewer"; created_at: string };
    MemberCreate: { user: string; role?: "admin" | "editor" | "viewer" };
    MemberUpdate: { role: "owner" | "admin" | "editor" | "viewer" };
    Page_MemberPublic_: { items: S["MemberPublic"][]; total: number; limit: number; offset: number };
    LabelPublic: { id: number; name: string; color: string };
    LabelCreate: { name: string; color?: string };
    LabelUpdate: { name?: string; color?: string };
    Page_LabelPublic_: { items: S["LabelPublic"][]; total: number; limit: number; offset: number };
    TaskPublic: {
      id: number;
      project_id: number;
      parent_id: number | null;
      title: string;
      description: string;
      status: "todo" | "in_progress" | "done";
      priority: number;
      due_at: string | null;
      completed_at: string | null;
      assignee_id: number | null;
      labels: S["LabelPublic"][];
      position: number;
      vote_count: number;
      voted_by_me: boolean;
      comment_count: number;
      created_by: number | null;
      created_at: string;
      updated_at: string;
      version: number;
    };
    TaskCreate: {
      title: string;
      project_id?: number | null;
      description?: string | null;
      status?: "todo" | "in_progress" | "done";
      priority?: number;
      due_at?: string | null;
      assignee_id?: number | null;
      label_ids?: number[];
      parent_id?: number | null;
    };
    TaskUpdate: {
      title?: string;
      project_id?: number | null;
      description?: string;
      status?: "todo" | "in_progress" | "done";
      priority?: number;
      due_at?: string | null;
      assignee_id?: number | null;
      label_ids?: number[];
      parent_id?: number | null;
      position?: number | null;
    };
    TaskQuery: {
      limit?: number;
      offset?: number;
      project_id?: number;
      status?: ("todo" | "in_progress" | "done")[];
      priority?: number;
      label_id?: number;
      /** A user id or `me` */
      assignee_id?: string;
      due_before?: string;
      due_after?: string;
      parent_id?: number;
      search?: string;
      sort?: string;
    };
    Page_TaskPublic_: { items: S["TaskPublic"][]; total: number; limit: number; offset: number };
    BulkAction: { ids: number[]; action: "complete" | "reopen" | "delete" | "move"; project_id?: number | null };
    BulkResult: { updated: number };
    CommentAuthor: { id: number; username: string };
    CommentPublic: {
      id: number;
      task_id: number;
      author: S["CommentAuthor"];
      body: string;
      created_at: string;
      updated_at: string;
    };
    CommentCreate: { body: string };
    Page_CommentPublic_: { items: S["CommentPublic"][]; total: number; limit: number; offset: number };
    ActivityPublic: {
      id: number;
      actor: S["CommentAuthor"] | null;
      verb: string;
      task_id: number | null;
      changes: Record<string, unknown>;
      created_at: string;
    };
    Page_ActivityPublic_: { items: S["ActivityPublic"][]; total: number; limit: number; offset: number };
  };
}
