import type { DocStore, FileStore } from '@collab/persistence';
import type * as Schema from '@collab/schema';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as Y from 'yjs';
import { RoomGoneError } from '../collab/room.js';
import type { Rooms } from '../collab/rooms.js';
import { ANY_ROLE, type AuthorizeDeps, authorize, checkedDocId } from './authorize.js';
import { bearerToken } from './bearer.js';
import { fileUrl } from './files.js';

export interface ExportDeps extends AuthorizeDeps {
  store: DocStore;
  files: FileStore;
  rooms: Rooms;
  publicUrl: string;
}

/**
 * The export code (TipTap, ProseMirror, happy-dom) is loaded by the first export, not at start: it is a large
 * share of an idle server's resident memory, and many servers never export anything.
 */
let schema: Promise<typeof Schema> | undefined;
const loadSchema = () => (schema ??= import('@collab/schema'));

/**
 * `GET /api/docs/:id/export?format=json|html|markdown|text`, with any role's token as a Bearer header or
 * `?token=`. Renders with the editor's own schema (@collab/schema), from the document as stored.
 */
export function exportRoutes(deps: ExportDeps): Hono {
  const { store, files, rooms, publicUrl } = deps;
  return new Hono().get('/api/docs/:id/export', async (c) => {
    const docId = checkedDocId(c.req.param('id'));
    const { EXPORT_FORMATS, UnexportableContentError, exportDocument, imageFiles, isExportFormat, readTitle } = await loadSchema();
    const format = c.req.query('format') ?? 'json';
    if (!isExportFormat(format)) {
      throw new HTTPException(400, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` });
    }
    await authorize(deps, docId, bearerToken(c.req.header('authorization')) ?? c.req.query('token'), ANY_ROLE);

    const { body, contentType, fileExtension, title } = await withDoc(docId, async (doc) => {
      const images = await imageSources(docId, format, imageFiles(doc));
      try {
        return { ...exportDocument(doc, format, images), title: readTitle(doc) };
      } catch (err) {
        if (err instanceof UnexportableContentError) throw new HTTPException(422, { message: err.message });
        throw err;
      }
    });
    c.header('Content-Type', contentType);
    c.header('Content-Disposition', `attachment; filename="${fileName(title, docId)}.${fileExtension}"`);
    return c.body(body);
  });

  /**
   * Where the export's images come from: HTML embeds each file as a data: URI (the page stands alone), Markdown
   * links it by its absolute address (which needs the document's token to open).
   */
  async function imageSources(docId: string, format: Schema.ExportFormat, shas: string[]): Promise<Schema.ImageSources | undefined> {
    if (format === 'markdown') return { src: (sha) => fileUrl(publicUrl, docId, sha) };
    if (format !== 'html' || shas.length === 0) return undefined;
    const dataUris = new Map<string, string>();
    for (const sha of shas) {
      const file = await files.get(docId, sha);
      if (file) dataUris.set(sha, `data:${file.type};base64,${(await readAll(file.stream())).toString('base64')}`);
    }
    return { src: (sha) => dataUris.get(sha) };
  }

  /**
   * Runs `read` on a copy of the document as stored. A copy, because `read` waits for the images' files and
   * the live document may take a write meanwhile.
   */
  async function withDoc<T>(docId: string, read: (doc: Y.Doc) => Promise<T>): Promise<T> {
    const state = await storedState(docId);
    const doc = new Y.Doc();
    try {
      if (state) Y.applyUpdate(doc, state);
      return await read(doc);
    } finally {
      doc.destroy();
    }
  }

  /**
   * The document's whole state as stored: the live room's, taken between its write rounds (never with updates
   * not yet stored), or the store's when nobody has it open.
   */
  async function storedState(docId: string): Promise<Uint8Array | null> {
    const live = rooms.readLoaded(docId, (doc) => Y.encodeStateAsUpdate(doc));
    if (live) {
      try {
        return await live;
      } catch (err) {
        // Unloaded while the read waited for a write round: the store has everything it held.
        if (!(err instanceof RoomGoneError)) throw err;
      }
    }
    const state = await store.load(docId);
    if (!state && !(await store.meta(docId))) throw new HTTPException(404, { message: 'no such document' });
    return state;
  }
}

/** An ASCII file name from the title (header values must stay plain), or the id when nothing is left. */
const fileName = (title: string, docId: string) =>
  title
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9 ._-]+/g, '')
    .trim()
    .slice(0, 80) || docId;

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part);
  return Buffer.concat(parts);
}
