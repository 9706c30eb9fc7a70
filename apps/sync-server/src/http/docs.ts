import { randomBytes } from 'node:crypto';
import { DEFAULT_ACCESS, type DocStore } from '@collab/persistence';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import type { AccessControl } from '../access/access-control.js';
import { isSharedToken } from '../auth/shared-token.js';
import type { Tokens } from '../auth/tokens.js';
import type { Access } from '../config.js';
import { bearerToken } from './bearer.js';
import type { ClientInfo } from './client.js';
import { readJsonBody, smallBody } from './json-body.js';
import type { RateLimiter } from './rate-limit.js';
import { linkToken, shareUrl } from './share-links.js';

export interface DocsDeps {
  store: DocStore;
  tokens: Tokens;
  access: AccessControl;
  publicUrl: string;
  docsLimiter: RateLimiter;
  client: ClientInfo;
  now: () => number;
  /** Who may create documents (ALLOW_ANONYMOUS_CREATE, CREATE_TOKEN). */
  accessConfig: Pick<Access, 'allowAnonymousCreate' | 'createToken'>;
}

/** A fresh document id: 128 random bits, URL-safe, matching the id pattern the endpoint admits. */
const newDocId = () => randomBytes(16).toString('base64url');

const YEAR = 365 * 24 * 3600;
/** Optional body of `POST /api/docs`: edit and view links that stop working after `expiresIn` seconds. */
const createRequest = z
  .object({ expiresIn: z.number().int().min(60).max(10 * YEAR).optional() })
  .strict();

/**
 * `POST /api/docs`: a new document and its three links. Whoever holds the owner token owns the document: it
 * can reset links, turn the view link off, set expiries and delete the document.
 */
export function docsRoutes({ store, tokens, access, publicUrl, docsLimiter, client, now, accessConfig }: DocsDeps): Hono {
  return new Hono().post('/api/docs', smallBody(), async (c) => {
    if (!client.creationAllowed(c.req.header('origin'), c.req.header('host'))) {
      throw new HTTPException(403, { message: 'origin not allowed' });
    }
    const { allowAnonymousCreate, createToken } = accessConfig;
    if (!allowAnonymousCreate && !isSharedToken(bearerToken(c.req.header('authorization')), createToken!)) {
      throw new HTTPException(401, { message: 'creating documents needs this server’s create token (Authorization: Bearer)' });
    }
    if (!docsLimiter.allow(client.address(c))) {
      throw new HTTPException(429, { message: 'too many documents created from this address; try again in a minute' });
    }
    const { expiresIn } = await readJsonBody(c.req, createRequest);
    const id = newDocId();
    await store.create(id);
    const expiresAt = expiresIn === undefined ? undefined : now() + expiresIn * 1000;
    if (expiresAt !== undefined) {
      await access.change(id, (current) => ({ ...current, expiresAt: { edit: expiresAt, view: expiresAt } }));
    }
    // A new document's links are generation 0: the default state, stored or not.
    const [editToken, viewToken, ownerToken] = await Promise.all(
      (['edit', 'view', 'owner'] as const).map((role) => linkToken(tokens, id, role, DEFAULT_ACCESS)),
    );
    return c.json(
      {
        id,
        editToken: editToken!,
        viewToken: viewToken!,
        ownerToken: ownerToken!,
        editUrl: shareUrl(publicUrl, id, editToken!),
        viewUrl: shareUrl(publicUrl, id, viewToken!),
        ...(expiresAt !== undefined && { expiresAt: new Date(expiresAt).toISOString() }),
      },
      201,
    );
  });
}
