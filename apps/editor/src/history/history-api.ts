import { ApiError } from '../api';

/** A version as `GET /api/docs/:id/versions` lists it. */
export interface Version {
  id: string;
  /** ISO 8601. */
  createdAt: string;
  name: string | null;
  kind: 'auto' | 'named' | 'restore';
  authors: Array<{ name: string; color: string }>;
}

/** The versions routes of one document, with the edit token. */
export interface HistoryApi {
  list(): Promise<Version[]>;
  /** A version's whole state, as one Yjs update. */
  state(versionId: string): Promise<Uint8Array>;
  /** A named version of the current state. */
  name(name: string): Promise<Version>;
  rename(versionId: string, name: string | null): Promise<Version>;
  /** Keeps the current state as a version of kind `restore`, before this editor restores another. */
  keepBeforeRestore(): Promise<Version>;
}

export function historyApi(id: string, token: string): HistoryApi {
  const base = `/api/docs/${encodeURIComponent(id)}/versions`;
  async function call(path: string, init: RequestInit = {}, ok = 200): Promise<Response> {
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    });
    if (response.status !== ok) throw new ApiError(response.status);
    return response;
  }
  const json = async <T>(response: Promise<Response>) => (await (await response).json()) as T;
  return {
    list: () => json<Version[]>(call('')),
    state: async (versionId) => new Uint8Array(await (await call(`/${encodeURIComponent(versionId)}?format=yjs`)).arrayBuffer()),
    name: (name) => json<Version>(call('', { method: 'POST', body: JSON.stringify({ name }) }, 201)),
    rename: (versionId, name) =>
      json<Version>(call(`/${encodeURIComponent(versionId)}`, { method: 'PATCH', body: JSON.stringify({ name }) })),
    keepBeforeRestore: () => json<Version>(call('', { method: 'POST', body: JSON.stringify({ kind: 'restore' }) }, 201)),
  };
}
