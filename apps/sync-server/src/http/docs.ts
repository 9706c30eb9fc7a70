import { randomBytes } from 'node:crypto';
import type { DocStore } from '@collab/persistence';
import { Hono } from 'hono';
import type { Tokens } from '../auth/tokens.js';

export interface DocsDeps {
  store: DocStore;
  tokens: Tokens;
  publicUrl: string;
}

/** A fresh document id: 128 random bits, URL-safe, matching the id pattern the endpoint admits. */
const newDocId = () => randomBytes(16).toString('base64url');

/** The editor's address for a document; the token in the query gives edit or view rights. */
export const shareUrl = (publicUrl: string, docId: string, token: string) =>
  `${publicUrl}/d/${docId}?token=${encodeURIComponent(token)}`;

export function docsRoutes({ store, tokens, publicUrl }: DocsDeps): Hono {
  return new Hono().post('/api/docs', async (c) => {
    const id = newDocId();
    await store.create(id);
    const [editToken, viewToken] = await Promise.all([
      tokens.sign({ docId: id, role: 'edit' }),
      tokens.sign({ docId: id, role: 'view' }),
    ]);
    return c.json(
      {
        id,
        editToken,
        viewToken,
        editUrl: shareUrl(publicUrl, id, editToken),
        viewUrl: shareUrl(publicUrl, id, viewToken),
      },
      201,
    );
  });
}
