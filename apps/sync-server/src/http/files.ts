import { FILE_SHA_PATTERN, type DocStore, type FileStore, type StoredFile } from '@collab/persistence';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { type Upload, readUpload } from '../files/upload-body.js';
import { ANY_ROLE, type AuthorizeDeps, EDITORS, authorize } from './authorize.js';
import { bearerToken } from './bearer.js';
import type { ClientInfo } from './client.js';
import type { RateLimiter } from './rate-limit.js';

export interface FilesDeps extends AuthorizeDeps {
  store: DocStore;
  files: FileStore;
  client: ClientInfo;
  filesLimiter: RateLimiter;
  maxFileBytes: number;
  publicUrl: string;
}

/** The address of a document's file; it needs the document's token in an Authorization header. */
export const fileUrl = (publicUrl: string, docId: string, sha: string) => `${publicUrl}/api/docs/${docId}/files/${sha}`;

/**
 * Files are named by their content, so one never changes: browsers may keep it for a year without asking again.
 * Private, because it is served only to holders of the document's token, which the cache key must include.
 */
const CACHE_CONTROL = 'private, max-age=31536000, immutable';

/**
 * `POST /api/docs/:id/files` (edit token; the body is the file) and `GET /api/docs/:id/files/:sha` (any token
 * of the document). Tokens only in the Authorization header: a token in a URL ends up in <img src>, logs and
 * Referer headers.
 */
export function filesRoutes(deps: FilesDeps): Hono {
  const { store, files, client, filesLimiter, maxFileBytes, publicUrl } = deps;
  const tooLarge = () => new HTTPException(413, { message: `file too large: at most ${maxFileBytes} bytes (MAX_FILE_BYTES)` });

  return new Hono()
    // What the editor checks before it inserts an image, so that a file too large is refused before upload.
    .get('/api/limits', (c) => c.json({ maxFileBytes }))
    .post('/api/docs/:id/files', async (c) => {
      const docId = c.req.param('id');
      await authorize(deps, docId, bearerToken(c.req.header('authorization')), EDITORS);
      if (!client.originAllowed(c.req.header('origin'))) throw new HTTPException(403, { message: 'origin not allowed' });
      if (!filesLimiter.allow(client.address(c))) {
        throw new HTTPException(429, { message: 'too many uploads from this address; try again in a minute' });
      }
      if (!(await store.meta(docId))) throw new HTTPException(404, { message: 'no such document' });

      let stored: StoredFile;
      try {
        if (Number(c.req.header('content-length')) > maxFileBytes) throw tooLarge();
        stored = await storeUpload(docId, c.req.raw.body);
      } catch (err) {
        // The rest of the body was not read: the connection cannot carry another request.
        if (err instanceof HTTPException) c.header('Connection', 'close');
        throw err;
      }
      return c.json({ ...stored, url: fileUrl(publicUrl, docId, stored.sha) }, 201);
    })
    .get('/api/docs/:id/files/:sha', async (c) => {
      const docId = c.req.param('id');
      await authorize(deps, docId, bearerToken(c.req.header('authorization')), ANY_ROLE);
      const sha = c.req.param('sha');
      if (!FILE_SHA_PATTERN.test(sha)) throw new HTTPException(400, { message: 'invalid file id: a lowercase hex SHA-256' });
      const file = await files.get(docId, sha);
      if (!file) throw new HTTPException(404, { message: 'no such file in this document' });

      c.header('Cache-Control', CACHE_CONTROL);
      c.header('ETag', `"${sha}"`);
      c.header('Vary', 'Authorization');
      c.header('X-Content-Type-Options', 'nosniff');
      if (c.req.header('if-none-match') === `"${sha}"`) return c.body(null, 304);
      c.header('Content-Type', file.type);
      c.header('Content-Length', String(file.size));
      return c.body(file.stream());
    });

  /** Sniffs the body's type and streams it into the file store; maps what went wrong with the body to a 4xx. */
  async function storeUpload(docId: string, body: ReadableStream<Uint8Array> | null): Promise<StoredFile> {
    const upload = await readUpload(body, maxFileBytes);
    const type = upload.type;
    if (!type) {
      throw failureError(upload) ?? new HTTPException(415, { message: 'only PNG, JPEG, GIF and WebP images can be uploaded (SVG is refused)' });
    }
    try {
      return await files.put(docId, type, upload.chunks);
    } catch (err) {
      throw failureError(upload) ?? err;
    }
  }

  function failureError(upload: Upload): HTTPException | null {
    switch (upload.failure()) {
      case 'too-large':
        return tooLarge();
      case 'interrupted':
        return new HTTPException(400, { message: 'the upload was interrupted' });
      case null:
        return null;
    }
  }
}
