import type { ExportFormat } from '@collab/schema';

/** What `POST /api/docs` answers: a new document and its two share links. */
export interface CreatedDocument {
  id: string;
  editToken: string;
  viewToken: string;
  editUrl: string;
  viewUrl: string;
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
