import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Starting PostgreSQL (initdb) takes a few seconds on a slow machine.
  test: { testTimeout: 30_000, hookTimeout: 30_000 },
});
