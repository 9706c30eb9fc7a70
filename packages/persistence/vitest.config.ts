import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Real LevelDB in temp dirs and multi-megabyte Yjs updates: give slow CI machines room. The trace replay and
    // the SIGKILL test set their own, longer limits.
    testTimeout: 20_000,
  },
});
