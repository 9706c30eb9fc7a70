import type { AccessRole } from '../storage/local-docs';
import type { ServerChannel } from './server-channel';
import { createStore, type ReadableStore } from './store';

/**
 * The role a share token announces. The server's tokens are JWTs whose payload names the document and the
 * role; only the signature is secret, so the editor may read the claims to render the right mode at once.
 * Returns undefined for a token of any other shape.
 */
export function claimedRole(token: string): AccessRole | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    const role = (claims as { role?: unknown } | null)?.role;
    return role === 'edit' || role === 'view' || role === 'owner' ? role : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a role may change the document (the owner can do everything an editor can). */
export const canEdit = (role: AccessRole): boolean => role !== 'view';

/**
 * The role to edit with, starting from the best guess; the server stays the authority: its "permission denied"
 * (it will not apply our updates) turns the editor read-only for the rest of the session.
 */
export function followRole(channel: ServerChannel, initial: AccessRole): { role: ReadableStore<AccessRole>; dispose(): void } {
  const role = createStore<AccessRole>(initial);
  const stopDenied = channel.onDenied(() => role.set('view'));
  return { role, dispose: stopDenied };
}
