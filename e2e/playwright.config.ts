import { defineConfig } from '@playwright/test';

/**
 * Browser tests against the real, built server: each worker starts its own on a free port with a temporary
 * DATA_DIR (fixtures/server.ts), so a test may restart it. Chromium is Debian's, never a downloaded one.
 */
export default defineConfig({
  testDir: './tests',
  // Two users per test already mean two browser contexts; two workers keep a 2-core machine busy enough.
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
});
