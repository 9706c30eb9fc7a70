import type { ExportFormat } from '@collab/schema';

/** What `POST /api/docs` answers: a new document, its two share links and the token that owns it. */
export interface CreatedDocument {
  id: string;
  editToken: string;
  viewToken: string;
  /** Whoever holds it owns the document: resets links, turns the view link off, deletes. Never in a URL bar. */
  ownerToken: string;
  editUrl: string;
  viewUrl: string;
}

/** The roles of share tokens; `owner` can do everything `edit` can, and manage the document. */
export type LinkRole = 'view' | 'edit' | 'owner';

/** What `GET /api/docs/:id/links` answers: the links a token may hand on, and for the owner their settings. */
export interface DocumentLinks {
  role: LinkRole;
  editUrl?: string;
  viewUrl?: string;
  ownerUrl?: string;
  viewEnabled?: boolean;
}

export class ApiError extends Error {
  constructor(readonly status: number) {
    super(`The server answered ${status}`);
  }
}

export async function createDocument(): Promise<CreatedDocument> {
  const response = await fetch('/api/docs', { method: 'POST' });
  if (response.status !== 201) throw new ApiError(response.status);
  return (await response.json()) as CreatedDocument;
}

/** A call on one document, the token in the Authorization header (never in a URL a proxy would log). */
async function call(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  const response = await fetch(`/api/docs/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new ApiError(response.status);
  return response;
}

const docPath = (id: string) => encodeURIComponent(id);

export async function fetchLinks(id: string, token: string): Promise<DocumentLinks> {
  return (await (await call('GET', `${docPath(id)}/links`, token)).json()) as DocumentLinks;
}

/** A new link for `role`; every older link of that role stops working at once. */
export async function resetLink(id: string, ownerToken: string, role: LinkRole): Promise<{ token: string; url: string }> {
  return (await (await call('POST', `${docPath(id)}/links/${role}/reset`, ownerToken)).json()) as { token: string; url: string };
}

export async function setViewLinkEnabled(id: string, ownerToken: string, enabled: boolean): Promise<DocumentLinks> {
  return (await (await call('PATCH', `${docPath(id)}/links/view`, ownerToken, { enabled })).json()) as DocumentLinks;
}

export async function deleteDocument(id: string, ownerToken: string): Promise<void> {
  await call('DELETE', docPath(id), ownerToken);
}

/** Restores a deleted document; ApiError 410 once it can no longer be restored. */
export async function undeleteDocument(id: string, ownerToken: string): Promise<void> {
  await call('POST', `${docPath(id)}/undelete`, ownerToken);
}

/** A same-origin link to the server's export, so an <a download> can save it directly. */
export function exportUrl(id: string, token: string, format: ExportFormat): string {
  const query = new URLSearchParams({ format, token });
  return `/api/docs/${encodeURIComponent(id)}/export?${query}`;
}

/** The sync endpoint on the page's own origin (the server serves the editor and /collab on one port). */
export function collabUrl(): string {
  const protocol = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${protocol}://${window.location.host}/collab`;
}
