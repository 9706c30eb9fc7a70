// Launches @y/websocket-server 0.1.1's stock server (its `y-websocket-server` bin, unmodified) with its stock
// LevelDB persistence: setting YPERSISTENCE makes its utils.js bind every document to y-leveldb. The only
// addition is a graceful SIGTERM (the stock server has none): wait for y-leveldb's queued writes, then exit.
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

if (!process.env.YPERSISTENCE) throw new Error('set YPERSISTENCE to the data directory');
const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('@y/websocket-server/package.json'));
const bin = require('@y/websocket-server/package.json').bin['y-websocket-server'];
await import(pathToFileURL(path.join(pkgDir, bin)).href);
const { getPersistence } = await import('@y/websocket-server/utils');

process.on('SIGTERM', async () => {
  // LeveldbPersistence.destroy() waits for its transaction chain (every queued storeUpdate), then closes.
  await getPersistence()?.provider.destroy();
  process.exit(0);
});
