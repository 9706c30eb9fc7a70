import { StoreError } from './doc-store.js';

/** The roles a share link can carry: `owner` is `edit` plus managing the document. */
export type LinkRole = 'view' | 'edit' | 'owner';

const LINK_ROLES: readonly LinkRole[] = ['view', 'edit', 'owner'];

/**
 * Who may use a document, kept by every store beside the document (and after it: `DocStore.delete` leaves it,
 * so that a removed document's old links keep being refused). A document that never had one has
 * `DEFAULT_ACCESS`: generation 0 of every link, view link on, nothing expiring, not deleted.
 */
export interface DocAccess {
  /** Bumped by every stored change, so that a cache can tell a newer state from an older one. */
  version: number;
  /** The current generation of each role's link: a token of an older generation has been revoked. */
  generations: Record<LinkRole, number>;
  /** Whether view tokens are accepted. */
  viewEnabled: boolean;
  /** When edit and view links stop working (milliseconds since the epoch), or null. */
  expiresAt: { edit: number | null; view: number | null };
  /** When the document was deleted, or null while it is not. */
  deletedAt: number | null;
  /** When the removal of its content began: from then on it cannot be undeleted. */
  purgeStartedAt: number | null;
  /** When its content was gone: only this record remains. */
  purgedAt: number | null;
}

export const DEFAULT_ACCESS: DocAccess = Object.freeze({
  version: 0,
  generations: Object.freeze({ view: 0, edit: 0, owner: 0 }),
  viewEnabled: true,
  expiresAt: Object.freeze({ edit: null, view: null }),
  deletedAt: null,
  purgeStartedAt: null,
  purgedAt: null,
}) as DocAccess;

/** A document in the trash: deleted, its content not yet purged. */
export interface DeletedDoc {
  id: string;
  access: DocAccess;
}

/** Deleted and not yet purged: what `DocStore.listDeleted` returns. */
export const inTrash = (access: DocAccess): boolean => access.deletedAt !== null && access.purgedAt === null;

/** The stored form of `access` as the store writes it: `change`'s result with the next version. */
export function nextAccess(current: DocAccess, changed: DocAccess): DocAccess {
  const next = { ...changed, version: current.version + 1 };
  if (!isDocAccess(next)) throw new TypeError('an access change produced an invalid access state');
  return next;
}

/** Validates a stored access state; anything that is not the expected shape is StoreError('corrupt'). */
export function parseAccess(value: unknown): DocAccess {
  if (!isDocAccess(value)) throw new StoreError('corrupt', 'stored access state has the wrong shape');
  return value;
}

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const isTimeOrNull = (value: unknown) => value === null || Number.isFinite(value);

function isDocAccess(value: unknown): value is DocAccess {
  if (typeof value !== 'object' || value === null) return false;
  const access = value as Record<string, unknown>;
  const generations = access.generations as Record<string, unknown> | null;
  const expiresAt = access.expiresAt as Record<string, unknown> | null;
  return (
    isCount(access.version) &&
    typeof generations === 'object' &&
    generations !== null &&
    LINK_ROLES.every((role) => isCount(generations[role])) &&
    typeof access.viewEnabled === 'boolean' &&
    typeof expiresAt === 'object' &&
    expiresAt !== null &&
    isTimeOrNull(expiresAt.edit) &&
    isTimeOrNull(expiresAt.view) &&
    isTimeOrNull(access.deletedAt) &&
    isTimeOrNull(access.purgeStartedAt) &&
    isTimeOrNull(access.purgedAt)
  );
}
