import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages are resolved to their TypeScript sources, so tests never need a build first.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
