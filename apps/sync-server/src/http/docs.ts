import { randomBytes } from 'node:crypto';
import type { DocStore } from '@collab/persistence';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { Tokens } from '../auth/tokens.js';
import type { ClientInfo } from './client.js';
import type { RateLimiter } from './rate-limit.js';

export interface DocsDeps {
  store: DocStore;
  tokens: Tokens;
  publicUrl: string;
  docsLimiter: RateLimiter;
  client: ClientInfo;
}

/** A fresh document id: 128 random bits, URL-safe, matching the id pattern the endpoint admits. */
const newDocId = () => randomBytes(16).toString('base64url');

/** The editor's address for a document; the token in the query gives edit or view rights. */
export const shareUrl = (publicUrl: string, docId: string, token: string) =>
  `${publicUrl}/d/${docId}?token=${encodeURIComponent(token)}`;

const YEAR = 365 * 24 * 3600;
/** Optional body of `POST /api/docs`: links that stop working after `expiresIn` seconds. */
const createRequest = z
  .object({ expiresIn: z.number().int().min(60).max(10 * YEAR).optional() })
  .strict();

export function docsRoutes({ store, tokens, publicUrl, docsLimiter, client }: DocsDeps): Hono {
  return new Hono().post(
    '/api/docs',
    bodyLimit({
      maxSize: 4 * 1024,
      onError: () => {
        throw new HTTPException(413, { message: 'request body too large' });
      },
    }),
    async (c) => {
      if (!client.originAllowed(c.req.header('origin'))) throw new HTTPException(403, { message: 'origin not allowed' });
      if (!docsLimiter.allow(client.address(c))) {
        throw new HTTPException(429, { message: 'too many documents created from this address; try again in a minute' });
      }
      const { expiresIn } = await readCreateRequest(c.req);
      const id = newDocId();
      await store.create(id);
      const [editToken, viewToken] = await Promise.all([
        tokens.sign({ docId: id, role: 'edit' }, expiresIn),
        tokens.sign({ docId: id, role: 'view' }, expiresIn),
      ]);
      return c.json(
        {
          id,
          editToken,
          viewToken,
          editUrl: shareUrl(publicUrl, id, editToken),
          viewUrl: shareUrl(publicUrl, id, viewToken),
          ...(expiresIn !== undefined && { expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString() }),
        },
        201,
      );
    },
  );
}

async function readCreateRequest(req: { text(): Promise<string> }): Promise<z.infer<typeof createRequest>> {
  const text = await req.text();
  if (text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HTTPException(400, { message: 'body must be JSON' });
  }
  const parsed = createRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HTTPException(400, { message: `${issue.path.join('.') || 'body'}: ${issue.message}` });
  }
  return parsed.data;
}
