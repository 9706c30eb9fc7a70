import { DOC_ID_PATTERN, type DocStore } from '@collab/persistence';
import type * as Schema from '@collab/schema';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as Y from 'yjs';
import type { Tokens } from '../auth/tokens.js';
import type { Rooms } from '../collab/rooms.js';

export interface ExportDeps {
  store: DocStore;
  rooms: Rooms;
  tokens: Tokens;
}

/**
 * The export code (TipTap, ProseMirror, happy-dom) is loaded by the first export, not at start: it is a large
 * share of an idle server's resident memory, and many servers never export anything.
 */
let schema: Promise<typeof Schema> | undefined;
const loadSchema = () => (schema ??= import('@collab/schema'));

/**
 * `GET /api/docs/:id/export?format=json|html|markdown|text`, with a view or edit token as a Bearer header or
 * `?token=`. Renders with the editor's own schema (@collab/schema), from the live document when it is loaded.
 */
export function exportRoutes({ store, rooms, tokens }: ExportDeps): Hono {
  return new Hono().get('/api/docs/:id/export', async (c) => {
    const docId = c.req.param('id');
    if (!DOC_ID_PATTERN.test(docId)) throw new HTTPException(400, { message: 'invalid document id' });
    const { EXPORT_FORMATS, UnexportableContentError, exportDocument, isExportFormat, readTitle } = await loadSchema();
    const format = c.req.query('format') ?? 'json';
    if (!isExportFormat(format)) {
      throw new HTTPException(400, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` });
    }
    const bearer = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    await tokens.verify(bearer ?? c.req.query('token'), docId);

    const { body, contentType, fileExtension, title } = await withDoc(docId, (doc) => {
      try {
        return { ...exportDocument(doc, format), title: readTitle(doc) };
      } catch (err) {
        if (err instanceof UnexportableContentError) throw new HTTPException(422, { message: err.message });
        throw err;
      }
    });
    c.header('Content-Type', contentType);
    c.header('Content-Disposition', `attachment; filename="${fileName(title, docId)}.${fileExtension}"`);
    return c.body(body);
  });

  /** Runs `read` on the live document, or on a copy loaded from the store when nobody has it open. */
  async function withDoc<T>(docId: string, read: (doc: Y.Doc) => T): Promise<T> {
    const live = rooms.loadedDoc(docId);
    if (live) return read(live);
    const state = await store.load(docId);
    if (!state && !(await store.meta(docId))) throw new HTTPException(404, { message: 'no such document' });
    const doc = new Y.Doc();
    try {
      if (state) Y.applyUpdate(doc, state);
      return read(doc);
    } finally {
      doc.destroy();
    }
  }
}

/** An ASCII file name from the title (header values must stay plain), or the id when nothing is left. */
const fileName = (title: string, docId: string) =>
  title
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9 ._-]+/g, '')
    .trim()
    .slice(0, 80) || docId;
