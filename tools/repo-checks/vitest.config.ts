import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Reading every file of the repository takes a while when the rest of the suite shares the cores.
  test: { testTimeout: 30_000 },
});
