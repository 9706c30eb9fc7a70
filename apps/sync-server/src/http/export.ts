import type { DocStore, FileStore } from '@collab/persistence';
import { EXPORT_FORMATS, type ExportFormat, isExportFormat } from '@collab/schema/export-formats';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as Y from 'yjs';
import { RoomGoneError } from '../collab/room.js';
import type { Rooms } from '../collab/rooms.js';
import { ExportFailedError, type ExportPool, type ExportResult, UnexportableError } from '../export/export-pool.js';
import { ANY_ROLE, type AuthorizeDeps, authorize, checkedDocId } from './authorize.js';
import { bearerToken } from './bearer.js';
import { fileUrl } from './files.js';

export interface ExportDeps extends AuthorizeDeps {
  store: DocStore;
  files: FileStore;
  rooms: Rooms;
  publicUrl: string;
  exports: ExportPool;
}

/**
 * `GET /api/docs/:id/export?format=json|html|markdown|text`, with any role's token as a Bearer header or
 * `?token=`. Renders with the editor's own schema (@collab/schema) in an export worker (`export-pool.ts`),
 * from the live document when it is loaded: this thread only encodes its state.
 */
export function exportRoutes(deps: ExportDeps): Hono {
  const { store, rooms } = deps;
  const render = createRenderer(deps);
  return new Hono().get('/api/docs/:id/export', async (c) => {
    const docId = checkedDocId(c.req.param('id'));
    const format = exportFormat(c.req.query('format'));
    await authorize(deps, docId, bearerToken(c.req.header('authorization')) ?? c.req.query('token'), ANY_ROLE);

    const { body, contentType, fileExtension, title } = await render(docId, await storedState(docId), format);
    c.header('Content-Type', contentType);
    c.header('Content-Disposition', `attachment; filename="${fileName(title, docId)}.${fileExtension}"`);
    return c.body(body);
  });

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

/** The `format` of an export request (default json); 400 for one the export does not know. */
export function exportFormat(format = 'json'): ExportFormat {
  if (!isExportFormat(format)) throw new HTTPException(400, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` });
  return format;
}

/** A document rendered in one export format, with the title that names its file. */
export type Rendered = ExportResult;

/** Renders a document's whole state (a Yjs update; null: empty) in one format, as the export does. */
export type RenderState = (docId: string, state: Uint8Array | null, format: ExportFormat) => Promise<Rendered>;

/**
 * The export's renderer, for the export and for a version's content alike: the editor's own schema
 * (@collab/schema) in an export worker (`export-pool.ts`), the document's images from the file store. 422 for
 * content the schema cannot represent, 413 for a document too big for a worker's heap; while every worker is
 * busy, ExportBusyError (503 with Retry-After).
 */
export function createRenderer({ files, publicUrl, exports }: Pick<ExportDeps, 'files' | 'publicUrl' | 'exports'>): RenderState {
  return async (docId, state, format) => {
    try {
      return await exports.render({
        state: state ?? Y.encodeStateAsUpdate(new Y.Doc()),
        format,
        // Markdown links an image by its absolute address (which needs the document's token to open).
        imageBase: fileUrl(publicUrl, docId, ''),
        loadImages: (shas) => dataUris(docId, shas),
      });
    } catch (err) {
      if (err instanceof UnexportableError) throw new HTTPException(422, { message: err.message });
      if (err instanceof ExportFailedError) throw new HTTPException(err.status, { message: err.message });
      throw err;
    }
  };

  /** The images an HTML export embeds (the page stands alone), as data: URIs. */
  async function dataUris(docId: string, shas: string[]): Promise<Array<[string, string]>> {
    const found: Array<[string, string]> = [];
    for (const sha of shas) {
      const file = await files.get(docId, sha);
      if (file) found.push([sha, `data:${file.type};base64,${(await readAll(file.stream())).toString('base64')}`]);
    }
    return found;
  }
}

/** An ASCII file name from the title (header values must stay plain), or the id when nothing is left. */
export const fileName = (title: string, docId: string) =>
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
