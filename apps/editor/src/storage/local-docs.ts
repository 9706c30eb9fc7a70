import type { CreatedDocument } from '../api';
import { isRecord, readJson, writeJson } from './local-json';

/** What a share token lets its holder do. */
export type AccessRole = 'edit' | 'view';

/** A document this browser has opened, for the home page's list. */
export interface RecentDocument {
  id: string;
  title: string;
  /** The link it was opened with (an edit link wins over a view link), as an in-app path. */
  path: string;
  role: AccessRole;
  lastOpened: number;
}

const RECENT_KEY = 'collab.recent-documents';
const CREATED_KEY = 'collab.created-documents';
const ROLES_KEY = 'collab.token-roles';
const MAX_RECENT = 50;

const isRecentList = (value: unknown): value is RecentDocument[] =>
  Array.isArray(value) && value.every((entry) => isRecord(entry) && typeof entry.id === 'string' && typeof entry.path === 'string');
const isCreatedMap = (value: unknown): value is Record<string, CreatedDocument> => isRecord(value);
const isRoleMap = (value: unknown): value is Record<string, AccessRole> => isRecord(value);

export function listRecentDocuments(): RecentDocument[] {
  return readJson(RECENT_KEY, [], isRecentList).sort((a, b) => b.lastOpened - a.lastOpened);
}

/** Records a visit; a view link never replaces an edit link already known for the same document. */
export function rememberOpened(id: string, path: string, role: AccessRole): void {
  const recent = listRecentDocuments();
  const previous = recent.find((entry) => entry.id === id);
  const keepPrevious = previous?.role === 'edit' && role !== 'edit';
  const entry: RecentDocument = {
    id,
    title: previous?.title ?? '',
    path: keepPrevious ? previous.path : path,
    role: keepPrevious ? previous.role : role,
    lastOpened: Date.now(),
  };
  writeJson(RECENT_KEY, [entry, ...recent.filter((other) => other.id !== id)].slice(0, MAX_RECENT));
}

export function rememberTitle(id: string, title: string): void {
  const recent = listRecentDocuments();
  const entry = recent.find((other) => other.id === id);
  if (!entry || entry.title === title) return;
  entry.title = title;
  writeJson(RECENT_KEY, recent);
}

/** Keeps the links `POST /api/docs` returned, so the creator can share both of them later. */
export function rememberCreated(created: CreatedDocument): void {
  writeJson(CREATED_KEY, { ...readJson(CREATED_KEY, {}, isCreatedMap), [created.id]: created });
  rememberRole(created.editToken, 'edit');
  rememberRole(created.viewToken, 'view');
}

export function createdDocument(id: string): CreatedDocument | undefined {
  return readJson(CREATED_KEY, {}, isCreatedMap)[id];
}

/** The role this browser has learnt for a token: it created the document, or the server refused its edits. */
export function knownRole(token: string): AccessRole | undefined {
  const role = readJson(ROLES_KEY, {}, isRoleMap)[token];
  return role === 'edit' || role === 'view' ? role : undefined;
}

export function rememberRole(token: string, role: AccessRole): void {
  writeJson(ROLES_KEY, { ...readJson(ROLES_KEY, {}, isRoleMap), [token]: role });
}
