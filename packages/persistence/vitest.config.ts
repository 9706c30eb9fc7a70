import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages (@collab/test-services) are resolved to their TypeScript sources, so no build is needed.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    // Real LevelDB in temp dirs and multi-megabyte Yjs updates: give slow CI machines room. The trace replay and
    // the SIGKILL test set their own, longer limits.
    testTimeout: 60_000,
    // The cluster store's tests start real Redis and PostgreSQL servers (initdb takes a moment).
    hookTimeout: 30_000,
  },
});
