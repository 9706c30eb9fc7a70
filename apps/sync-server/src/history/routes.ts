import type { DocStore, VersionMeta } from '@collab/persistence';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import type { Rooms } from '../collab/rooms.js';
import { ChangeNotStoredError } from '../collab/write-rounds.js';
import { type AuthorizeDeps, EDITORS, authorize } from '../http/authorize.js';
import { bearerToken } from '../http/bearer.js';
import { type RenderState, exportFormat, fileName } from '../http/export.js';
import { readJsonBody, smallBody } from '../http/json-body.js';
import { restoreVersion } from './restore.js';

export interface HistoryRoutesDeps extends AuthorizeDeps {
  store: DocStore;
  rooms: Rooms;
  /** The export's renderer (`http/export.ts`). */
  render: RenderState;
}

/** Longest version name. */
const MAX_NAME = 200;
const name = z.string().trim().min(1, 'must not be empty').max(MAX_NAME);

/** `POST /versions`: a named version, or (`kind: "restore"`, what the editor asks for before it restores) the state before a restore. */
const cutRequest = z
  .object({ name: name.nullable().optional(), kind: z.enum(['named', 'restore']).default('named') })
  .strict()
  .refine((body) => body.kind === 'restore' || body.name, { message: 'a named version needs a name', path: ['name'] });
/** `PATCH /versions/:vid`: a new name, or null to clear it. */
const renameRequest = z.object({ name: name.nullable() }).strict();

/** The Yjs update of a version's whole state: what the editor shows changes and restores from. */
const YJS_FORMAT = 'yjs';

/**
 * The version history of a document, for edit and owner tokens (in `Authorization: Bearer`): a view token gets 403.
 * Versions are listed newest first; content is rendered like the export, or given as a Yjs update
 * (`format=yjs`); a restore makes the document equal to a version as a new change that every connected
 * client receives, after keeping the state before it as a version of kind `restore`.
 */
export function historyRoutes(deps: HistoryRoutesDeps): Hono {
  const { store, rooms, render } = deps;
  /** The document of an editor's request: 400 bad id, 401/403 token or role, 404 no such document or a deleted one. */
  async function editedDoc(docId: string, authorization: string | undefined): Promise<string> {
    await authorize(deps, docId, bearerToken(authorization), EDITORS);
    if (!(await store.meta(docId))) throw new HTTPException(404, { message: 'no such document' });
    return docId;
  }

  async function versionContent(docId: string, versionId: string): Promise<Uint8Array> {
    const content = await store.versions.content(docId, versionId);
    if (!content) throw new HTTPException(404, { message: 'no such version' });
    return content;
  }

  return new Hono()
    .get('/api/docs/:id/versions', async (c) => {
      const docId = await editedDoc(c.req.param('id'), c.req.header('authorization'));
      return c.json((await store.versions.list(docId)).map(publicVersion));
    })
    .post('/api/docs/:id/versions', smallBody(), async (c) => {
      const docId = await editedDoc(c.req.param('id'), c.req.header('authorization'));
      const { kind, name } = await readJsonBody(c.req, cutRequest);
      const added = await rooms.use(docId, (room) => room.versions!.add(kind, name ?? null));
      return c.json(publicVersion(added), 201);
    })
    .get('/api/docs/:id/versions/:vid', async (c) => {
      const docId = await editedDoc(c.req.param('id'), c.req.header('authorization'));
      const requested = c.req.query('format');
      const format = requested === YJS_FORMAT ? YJS_FORMAT : exportFormat(requested);
      const content = await versionContent(docId, c.req.param('vid'));
      if (format === YJS_FORMAT) {
        c.header('Content-Type', 'application/octet-stream');
        return c.body(content.slice());
      }
      const { body, contentType, fileExtension, title } = await render(docId, content, format);
      c.header('Content-Type', contentType);
      c.header('Content-Disposition', `inline; filename="${fileName(title, docId)}.${fileExtension}"`);
      return c.body(body);
    })
    .patch('/api/docs/:id/versions/:vid', smallBody(), async (c) => {
      const docId = await editedDoc(c.req.param('id'), c.req.header('authorization'));
      const { name } = await readJsonBody(c.req, renameRequest);
      const renamed = await store.versions.rename(docId, c.req.param('vid'), name);
      if (!renamed) throw new HTTPException(404, { message: 'no such version' });
      return c.json(publicVersion(renamed));
    })
    .post('/api/docs/:id/versions/:vid/restore', async (c) => {
      const docId = await editedDoc(c.req.param('id'), c.req.header('authorization'));
      const content = await versionContent(docId, c.req.param('vid'));
      try {
        const saved = await rooms.use(docId, (room) => restoreVersion(room, content));
        return c.json({ restored: c.req.param('vid'), saved: publicVersion(saved) });
      } catch (err) {
        if (err instanceof ChangeNotStoredError) throw new HTTPException(503, { message: 'the document is busy; try again' });
        throw err;
      }
    });
}

/** A version as the API shows it: its time in ISO 8601. */
function publicVersion({ id, createdAt, name, kind, authors }: VersionMeta) {
  return { id, createdAt: new Date(createdAt).toISOString(), name, kind, authors };
}
