import { existsSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>Collaborative editor</title>
<p>The sync server is running, but the editor has not been built. Run <code>npm run build</code> (or
<code>npm start</code>, which builds what is missing) at the repository root.</p>`;

/** Paths the server answers itself; everything else without a file extension is a client-side route. */
const isClientRoute = (p: string) => !path.extname(p) && !p.startsWith('/api/') && !p.startsWith('/collab/');

/** Serves the built editor; client-side routes fall back to its index.html. */
export function editorRoutes(editorDir: string): Hono {
  const app = new Hono();
  if (!existsSync(path.join(editorDir, 'index.html'))) {
    return app.get('*', (c, next) => (isClientRoute(c.req.path) ? c.html(NOT_BUILT_PAGE) : next()));
  }
  const indexHtml = serveStatic({ root: editorDir, path: 'index.html' });
  return app
    .use('*', serveStatic({ root: editorDir }))
    .get('*', (c, next) => (isClientRoute(c.req.path) ? indexHtml(c, next) : next()));
}
