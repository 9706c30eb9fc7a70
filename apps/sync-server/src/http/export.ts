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
  const render = createRenderer({ files, publicUrl });
  return new Hono().get('/api/docs/:id/export', async (c) => {
    const docId = checkedDocId(c.req.param('id'));
    const format = await exportFormat(c.req.query('format'));
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
export async function exportFormat(format = 'json'): Promise<Schema.ExportFormat> {
  const { EXPORT_FORMATS, isExportFormat } = await loadSchema();
  if (!isExportFormat(format)) throw new HTTPException(400, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` });
  return format;
}

/** A document rendered in one export format, with the title that names its file. */
export type Rendered = Schema.ExportedDocument & { title: string };

/** Renders a document's whole state (a Yjs update; null: empty) in one format, as the export does. */
export type RenderState = (docId: string, state: Uint8Array | null, format: Schema.ExportFormat) => Promise<Rendered>;

/**
 * The export's renderer, for the export and for a version's content alike: the editor's own schema
 * (@collab/schema), the document's images from the file store. 422 for content the schema cannot represent.
 */
export function createRenderer({ files, publicUrl }: Pick<ExportDeps, 'files' | 'publicUrl'>): RenderState {
  return async (docId, state, format) => {
    const { UnexportableContentError, exportDocument, imageFiles, readTitle } = await loadSchema();
    // A copy of its own: rendering waits for the images' files, and a live document may take a write meanwhile.
    const doc = new Y.Doc();
    try {
      if (state) Y.applyUpdate(doc, state);
      const images = await imageSources(docId, format, imageFiles(doc));
      return { ...exportDocument(doc, format, images), title: readTitle(doc) };
    } catch (err) {
      if (err instanceof UnexportableContentError) throw new HTTPException(422, { message: err.message });
      throw err;
    } finally {
      doc.destroy();
    }
  };

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
