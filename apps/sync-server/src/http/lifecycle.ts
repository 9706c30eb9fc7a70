import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AccessControl } from '../access/access-control.js';
import { AccessDenied, type DenialKind, RESTORE_WINDOW_MS, denial, restorable } from '../access/policy.js';
import type { Tokens } from '../auth/tokens.js';
import { OWNER, authorize, checkedDocId } from './authorize.js';
import { bearerToken } from './bearer.js';

export interface LifecycleDeps {
  tokens: Tokens;
  access: AccessControl;
  now: () => number;
}

/**
 * Deleting and undeleting a document, with the owner token in `Authorization: Bearer T`:
 * - `DELETE /api/docs/:id`: 204; every socket of the document closes with 4404, and from then on sockets get
 *   4404 and requests 404. The content is kept for RESTORE_WINDOW_MS, then purged (see purge-sweeper.ts).
 * - `POST /api/docs/:id/undelete`: 200 while the document can be restored (also when it is not deleted);
 *   410 once it cannot.
 */
export function lifecycleRoutes(deps: LifecycleDeps): Hono {
  const { tokens, access, now } = deps;
  return new Hono()
    .delete('/api/docs/:id', async (c) => {
      const docId = c.req.param('id');
      await authorize(deps, docId, bearerToken(c.req.header('authorization')), OWNER);
      const at = now();
      await access.change(docId, (current) => (current.deletedAt === null ? { ...current, deletedAt: at } : current));
      return c.body(null, 204);
    })
    .post('/api/docs/:id/undelete', async (c) => {
      const docId = checkedDocId(c.req.param('id'));
      // Not `authorize`: it refuses every token of a deleted document, and this is the one call that is for them.
      const grant = await tokens.verify(bearerToken(c.req.header('authorization')), docId);
      if (grant.role !== 'owner') throw new HTTPException(403, { message: 'only the owner link can undelete a document' });
      const at = now();
      const outcome: { refused: DenialKind | 'too-late' | null } = { refused: null };
      await access.change(docId, (current) => {
        // The owner link must be the current one, as for any other call; only the deletion is overlooked.
        outcome.refused = denial(grant, { ...current, deletedAt: null }, at);
        if (outcome.refused !== null || current.deletedAt === null) return current;
        if (!restorable(current, at)) {
          outcome.refused = 'too-late';
          return current;
        }
        return { ...current, deletedAt: null };
      });
      const { refused } = outcome;
      if (refused === 'too-late') {
        throw new HTTPException(410, {
          message: `deleted more than ${RESTORE_WINDOW_MS / (24 * 3600 * 1000)} days ago: it can no longer be restored`,
        });
      }
      if (refused !== null) throw new AccessDenied(refused);
      return c.json({ id: docId });
    });
}
