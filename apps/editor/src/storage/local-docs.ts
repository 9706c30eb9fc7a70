import type { CreatedDocument, LinkRole } from '../api';
import { isRecord, readJson, writeJson } from './local-json';

/** What a share token lets its holder do. */
export type AccessRole = LinkRole;

/** A document this browser has opened, for the home page's list. */
export interface RecentDocument {
  id: string;
  title: string;
  /** The link it was opened with (an edit link wins over a view link), as an in-app path. */
  path: string;
  role: AccessRole;
  lastOpened: number;
}

/** A document this browser deleted, listed on the home page while it can be undeleted. */
export interface DeletedDocument {
  id: string;
  title: string;
  deletedAt: number;
}

/** How long the server keeps a deleted document restorable (its RESTORE_WINDOW_MS). */
export const RESTORE_WINDOW_MS = 30 * 24 * 3600 * 1000;

const RECENT_KEY = 'collab.recent-documents';
const CREATED_KEY = 'collab.created-documents';
const OWNED_KEY = 'collab.owned-documents';
const DELETED_KEY = 'collab.deleted-documents';
const ROLES_KEY = 'collab.token-roles';
const MAX_RECENT = 50;

const isRecentList = (value: unknown): value is RecentDocument[] =>
  Array.isArray(value) && value.every((entry) => isRecord(entry) && typeof entry.id === 'string' && typeof entry.path === 'string');
const isCreatedMap = (value: unknown): value is Record<string, CreatedDocument> => isRecord(value);
const isStringMap = (value: unknown): value is Record<string, string> => isRecord(value);
const isDeletedMap = (value: unknown): value is Record<string, DeletedDocument> => isRecord(value);

const deletedMap = () => readJson(DELETED_KEY, {}, isDeletedMap);

/** The documents opened here, most recent first, without those deleted from here. */
export function listRecentDocuments(): RecentDocument[] {
  const deleted = deletedMap();
  return readJson(RECENT_KEY, [], isRecentList)
    .filter((entry) => !deleted[entry.id])
    .sort((a, b) => b.lastOpened - a.lastOpened);
}

/** Records a visit; a view link never replaces an edit link already known for the same document. */
export function rememberOpened(id: string, path: string, role: AccessRole): void {
  const recent = readJson(RECENT_KEY, [], isRecentList);
  const previous = recent.find((entry) => entry.id === id);
  const keepPrevious = previous?.role === 'edit' && role === 'view';
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
  const recent = readJson(RECENT_KEY, [], isRecentList);
  const entry = recent.find((other) => other.id === id);
  if (!entry || entry.title === title) return;
  entry.title = title;
  writeJson(RECENT_KEY, recent);
}

/** Keeps what `POST /api/docs` returned: the creator owns the document and can share both links later. */
export function rememberCreated(created: CreatedDocument): void {
  writeJson(CREATED_KEY, { ...readJson(CREATED_KEY, {}, isCreatedMap), [created.id]: created });
  rememberOwnerToken(created.id, created.ownerToken);
  rememberRole(created.editToken, 'edit');
  rememberRole(created.viewToken, 'view');
}

export function createdDocument(id: string): CreatedDocument | undefined {
  return readJson(CREATED_KEY, {}, isCreatedMap)[id];
}

/** The token that owns the document, if this browser holds it (it created the document, or opened an owner link). */
export function ownerTokenOf(id: string): string | undefined {
  const token = readJson(OWNED_KEY, {}, isStringMap)[id];
  return typeof token === 'string' ? token : undefined;
}

export function rememberOwnerToken(id: string, token: string): void {
  writeJson(OWNED_KEY, { ...readJson(OWNED_KEY, {}, isStringMap), [id]: token });
  rememberRole(token, 'owner');
}

/** After a reset: the link this browser keeps for the role is the new one. */
export function rememberResetLink(id: string, role: 'edit' | 'view', token: string, url: string): void {
  rememberRole(token, role);
  const created = createdDocument(id);
  if (!created) return;
  const updated = role === 'edit' ? { ...created, editToken: token, editUrl: url } : { ...created, viewToken: token, viewUrl: url };
  writeJson(CREATED_KEY, { ...readJson(CREATED_KEY, {}, isCreatedMap), [id]: updated });
}

/** The role this browser has learnt for a token: it created the document, or the server refused its edits. */
export function knownRole(token: string): AccessRole | undefined {
  const role = readJson(ROLES_KEY, {}, isStringMap)[token];
  return role === 'edit' || role === 'view' || role === 'owner' ? role : undefined;
}

export function rememberRole(token: string, role: AccessRole): void {
  writeJson(ROLES_KEY, { ...readJson(ROLES_KEY, {}, isStringMap), [token]: role });
}

/** Records a delete made here, so that the home page can offer to undo it. */
export function rememberDeleted(id: string, deletedAt: number): void {
  const title = readJson(RECENT_KEY, [], isRecentList).find((entry) => entry.id === id)?.title ?? '';
  writeJson(DELETED_KEY, { ...deletedMap(), [id]: { id, title, deletedAt } });
}

export function forgetDeleted(id: string): void {
  const { [id]: _gone, ...rest } = deletedMap();
  writeJson(DELETED_KEY, rest);
}

/** The documents deleted here that can still be undeleted (and that this browser owns), newest first. */
export function listDeletedDocuments(now = Date.now()): DeletedDocument[] {
  return Object.values(deletedMap())
    .filter((entry) => now < entry.deletedAt + RESTORE_WINDOW_MS && ownerTokenOf(entry.id) !== undefined)
    .sort((a, b) => b.deletedAt - a.deletedAt);
}
