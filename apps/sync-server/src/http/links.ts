import type { DocAccess } from '@collab/persistence';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import type { AccessControl } from '../access/access-control.js';
import type { Role, Tokens } from '../auth/tokens.js';
import { ANY_ROLE, OWNER, authorize } from './authorize.js';
import { bearerToken } from './bearer.js';
import { readJsonBody, smallBody } from './json-body.js';
import { linkToken, linksFor, shareUrl } from './share-links.js';

export interface LinksDeps {
  tokens: Tokens;
  access: AccessControl;
  publicUrl: string;
  now: () => number;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** `PATCH /api/docs/:id/links/:role`: turn the view link off or on, set (an ISO 8601 time) or clear (null) an expiry. */
const linkSettings = z
  .object({
    enabled: z.boolean().optional(),
    expiresAt: z.union([z.iso.datetime({ offset: true }), z.null()]).optional(),
  })
  .strict()
  .refine((body) => body.enabled !== undefined || body.expiresAt !== undefined, 'give "enabled" or "expiresAt"');

/**
 * The links of a document, token in `Authorization: Bearer T`:
 * - `GET /api/docs/:id/links` (any role): the links the caller may hand on (see `linksFor`).
 * - `POST /api/docs/:id/links/:role/reset` (owner): a new link for the role; every older token of it stops
 *   working at once, on open sockets too.
 * - `PATCH /api/docs/:id/links/:role` (owner): `{"enabled": bool}` for the view link, `{"expiresAt": ISO | null}`
 *   for the edit and view links. Answers like `GET /links`.
 */
export function linksRoutes(deps: LinksDeps): Hono {
  const { tokens, access, publicUrl, now } = deps;
  const owned = async (docId: string, token: string | undefined) => authorize(deps, docId, token, OWNER);

  return new Hono()
    .get('/api/docs/:id/links', async (c) => {
      const docId = c.req.param('id');
      const { grant, state } = await authorize(deps, docId, bearerToken(c.req.header('authorization')), ANY_ROLE);
      return c.json(await linksFor(deps, docId, grant.role, state, now()));
    })
    .post('/api/docs/:id/links/:role/reset', async (c) => {
      const docId = c.req.param('id');
      await owned(docId, bearerToken(c.req.header('authorization')));
      const role = linkRole(c.req.param('role'), ['edit', 'view', 'owner']);
      const state = await access.change(docId, (current) => ({
        ...current,
        generations: { ...current.generations, [role]: current.generations[role] + 1 },
      }));
      const token = await linkToken(tokens, docId, role, state);
      return c.json({ token, url: shareUrl(publicUrl, docId, token) });
    })
    .patch('/api/docs/:id/links/:role', smallBody(), async (c) => {
      const docId = c.req.param('id');
      await owned(docId, bearerToken(c.req.header('authorization')));
      const role = linkRole(c.req.param('role'), ['edit', 'view']);
      const settings = await readJsonBody(c.req, linkSettings);
      if (settings.enabled !== undefined && role !== 'view') {
        throw new HTTPException(400, { message: 'only the view link can be turned off; reset the edit link instead' });
      }
      const expiresAt = settings.expiresAt === undefined ? undefined : expiryTime(settings.expiresAt, now());
      const state = await access.change(docId, (current) => withSettings(current, role, settings.enabled, expiresAt));
      return c.json(await linksFor(deps, docId, 'owner', state, now()));
    });
}

function linkRole<R extends Role>(param: string, allowed: readonly R[]): R {
  if (!(allowed as readonly string[]).includes(param)) {
    throw new HTTPException(400, { message: `the link must be one of ${allowed.join(', ')}` });
  }
  return param as R;
}

/** An expiry as stored: null clears it; a time must be in the future and at most ten years away. */
function expiryTime(iso: string | null, now: number): number | null {
  if (iso === null) return null;
  const at = Date.parse(iso);
  if (at <= now) throw new HTTPException(400, { message: 'expiresAt must be in the future' });
  if (at > now + 10 * YEAR_MS) throw new HTTPException(400, { message: 'expiresAt must be within ten years' });
  return at;
}

function withSettings(current: DocAccess, role: 'edit' | 'view', enabled?: boolean, expiresAt?: number | null): DocAccess {
  return {
    ...current,
    viewEnabled: enabled ?? current.viewEnabled,
    expiresAt: expiresAt === undefined ? current.expiresAt : { ...current.expiresAt, [role]: expiresAt },
  };
}
