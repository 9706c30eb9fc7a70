// `npm run build`: bundles the server into dist/server.js and the export render worker into
// dist/render-worker.js (plus shared chunks and the lazily imported cluster modules), with esbuild.
// Why a bundle: a restarted server must listen again quickly, and resolving and compiling the hundreds of
// files that tsc's output and its dependencies would load costs more than our own start-up work.
// Type checking is `npm run typecheck` (tsc); tests run from the TypeScript sources.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * classic-level's JavaScript is bundled; only its native addon's loader stays in node_modules, because it finds
 * the compiled addon relative to its own directory.
 */
const nativeBindingsExternal = {
  name: 'native-bindings-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/binding$/ }, ({ importer }) =>
      /[\\/]classic-level[\\/][^\\/]+$/.test(importer) ? { path: 'classic-level/binding.js', external: true } : undefined,
    );
  },
};

const outdir = path.join(import.meta.dirname, 'dist');
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: ['src/server.ts', 'src/export/render-worker.ts'],
  absWorkingDir: import.meta.dirname,
  outdir,
  // Flat: export-pool.ts finds `./render-worker.js` next to the file it was bundled into.
  entryNames: '[name]',
  bundle: true,
  // Dynamic imports (cluster mode's Redis and PostgreSQL modules) stay separate files, loaded when used.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  plugins: [nativeBindingsExternal],
  // Bundled CommonJS packages (pino, prom-client, ws) call `require` for Node's own modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
