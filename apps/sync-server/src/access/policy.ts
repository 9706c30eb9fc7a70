import type { DocAccess } from '@collab/persistence';
import type { Grant, Role } from '../auth/tokens.js';

/** How long a deleted document can be undeleted; afterwards it is purged. */
export const RESTORE_WINDOW_MS = 30 * 24 * 3600 * 1000;

/**
 * Why a verified token gives no access now. `deleted`: the document is (sockets 4404, HTTP 404); the others are
 * the token's link being taken back (sockets 4401, HTTP 401): reset (`revoked`), turned off (`disabled`),
 * past the expiry its owner set (`expired`). `unknown-generation`: newer than any link this state issued, which
 * a process whose cached state is behind can see; it reads the stored state again before refusing.
 */
export type DenialKind = 'deleted' | 'revoked' | 'disabled' | 'expired' | 'unknown-generation';

/** A grant refused by the document's access state; admission and the HTTP error handler map `kind`. */
export class AccessDenied extends Error {
  override readonly name = 'AccessDenied';
  constructor(readonly kind: DenialKind) {
    super(DENIAL_REASONS[kind]);
  }
}

/** The close reason and HTTP error of each kind. */
const DENIAL_REASONS: Record<DenialKind, string> = {
  deleted: 'document deleted',
  revoked: 'link revoked',
  disabled: 'link turned off',
  expired: 'link expired',
  'unknown-generation': 'token bad',
};

/** What the document's access state says of a grant now: null when it may be used. */
export function denial(grant: Grant, access: DocAccess, now: number): DenialKind | null {
  if (access.deletedAt !== null) return 'deleted';
  const current = access.generations[grant.role];
  if (grant.generation < current) return 'revoked';
  if (grant.generation > current) return 'unknown-generation';
  if (grant.role === 'view' && !access.viewEnabled) return 'disabled';
  const expiresAt = linkExpiry(access, grant.role);
  if (expiresAt !== null && now >= expiresAt) return 'expired';
  return null;
}

/** When the role's link stops working, if its owner set a time. Owner links never expire. */
export function linkExpiry(access: DocAccess, role: Role): number | null {
  return role === 'owner' ? null : access.expiresAt[role];
}

/** The roles whose links a holder of `role` may hand on: never more than it has. */
export function rolesToShare(role: Role): Role[] {
  if (role === 'owner') return ['edit', 'view', 'owner'];
  return role === 'edit' ? ['edit', 'view'] : ['view'];
}

/** Whether the link of `role` works now (a link turned off or expired is not handed on). */
export function linkWorks(access: DocAccess, role: Role, now: number): boolean {
  if (role === 'view' && !access.viewEnabled) return false;
  const expiresAt = linkExpiry(access, role);
  return expiresAt === null || now < expiresAt;
}

/** Whether a deleted document can still be undeleted at `now`. */
export function restorable(access: DocAccess, now: number): boolean {
  return access.deletedAt !== null && access.purgeStartedAt === null && now < access.deletedAt + RESTORE_WINDOW_MS;
}

/** Whether the purge of a deleted document is due (or began and must be finished). */
export function purgeDue(access: DocAccess, now: number): boolean {
  if (access.deletedAt === null || access.purgedAt !== null) return false;
  return access.purgeStartedAt !== null || now >= access.deletedAt + RESTORE_WINDOW_MS;
}
