import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defaultServerConditions, defineConfig, type Plugin } from 'vite';

// `npm run dev` talks to a sync server started separately (npm run dev in apps/sync-server).
const syncServer = 'http://127.0.0.1:1234';

/**
 * Emits /sw.js (sw/service-worker.js) with the list of every file of this build to keep for offline use, and a
 * version derived from it, so that a new release replaces the kept files instead of adding to them.
 */
function serviceWorker(): Plugin {
  return {
    name: 'collab-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = ['/', ...Object.keys(bundle).filter((file) => file.startsWith('assets/')).map((file) => `/${file}`)];
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      const template = readFileSync(new URL('./sw/service-worker.js', import.meta.url), 'utf8');
      const source = template
        .replace('self.__PRECACHE__', JSON.stringify(files))
        .replace('self.__VERSION__', JSON.stringify(version));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  plugins: [react(), serviceWorker()],
  resolve: {
    // `source` first: workspace packages (@collab/schema) are bundled from their TypeScript source, so the
    // editor builds without building them first. Vite's own defaults are kept after it.
    conditions: ['source', ...defaultClientConditions],
  },
  // The same for Vitest, which resolves modules as for server-side rendering: without it the editor's tests
  // would import @collab/schema's dist, which a fresh clone has not built.
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  server: {
    proxy: {
      '/api': syncServer,
      '/collab': { target: syncServer, ws: true },
    },
  },
  build: {
    target: 'es2022',
    // The document screen is one deliberate large chunk (TipTap, ProseMirror, Yjs), loaded only with a document:
    // the warning is for a chunk that grows past it.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      treeshake: {
        // @collab/schema also exports the server's Markdown export, which the editor never calls, and the full
        // schema with TipTap's Table, which the editor loads in a chunk of its own (editor/table-editing.ts).
        // These packages declare no `sideEffects`, so without this rule the unused Markdown renderer (marked)
        // and prosemirror-tables would ship in the document's chunk anyway.
        moduleSideEffects: [{ test: /[\\/]node_modules[\\/](@tiptap[\\/](markdown|extension-table|pm[\\/]dist[\\/]tables)|marked|prosemirror-tables)[\\/]/, sideEffects: false }],
      },
    },
  },
});
