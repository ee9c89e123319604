// The signed-in user's own account: profile, password, export and import, deletion.
import { ApiError, COOKIE_HEADER, api, fetchWithAuth, unwrap } from "./client";
import type { ExportDocument, ImportResult, User } from "./types";

export async function fetchMe(): Promise<User> {
  return unwrap(await api.GET("/api/v1/users/me"));
}

export type ProfileChange = {
  full_name?: string;
  username?: string;
  email?: string;
  current_password?: string;
  timezone?: string;
};

export async function updateMe(body: ProfileChange): Promise<User> {
  return unwrap(await api.PATCH("/api/v1/users/me", { body }));
}

/** Change the password; the API ends every other session and answers with a fresh token pair. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<string> {
  const pair = unwrap(
    await api.POST("/api/v1/users/me/password", {
      headers: COOKIE_HEADER,
      body: { current_password: currentPassword, new_password: newPassword },
    }),
  );
  return pair.access_token;
}

export async function deleteMe(password: string): Promise<void> {
  unwrap(await api.DELETE("/api/v1/users/me", { body: { password } }));
}

export async function exportData(): Promise<ExportDocument> {
  // `/export` also answers CSV and zip, so its generated type is a union: this is the JSON.
  return unwrap(await api.GET("/api/v1/export", { params: { query: { format: "json" } } })) as ExportDocument;
}

/** The zip export (the document and every attached file), as a Blob to save. */
export async function exportZip(): Promise<Blob> {
  const response = await fetchWithAuth(new Request("/api/v1/export?format=zip"));
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response.blob();
}

export async function importData(document: ExportDocument): Promise<ImportResult> {
  return unwrap(await api.POST("/api/v1/import", { body: document }));
}

/** Import a zip export: its files come back as attachments. */
export async function importZip(file: Blob): Promise<ImportResult> {
  const response = await fetchWithAuth(
    new Request("/api/v1/import", { method: "POST", body: file, headers: { "Content-Type": "application/zip" } }),
  );
  const body: unknown = await response.json().catch(() => null);
  if (response.status !== 201) throw new ApiError(response.status, body);
  return body as ImportResult;
}
