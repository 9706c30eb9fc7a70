// Launches @hocuspocus/server 4.7 with @hocuspocus/extension-sqlite, stock settings except the database file
// (the extension's default is ":memory:", which would persist nothing). Hocuspocus's own SIGTERM handler
// (stopOnSignals, on by default) stores pending documents and exits.
//
// If better-sqlite3's native module cannot be loaded (its install script did not build it), this falls back to
// @hocuspocus/extension-database storing each document's state in a file, the same fetch/store contract the
// SQLite extension implements, and says so on stderr and in BENCH_STORAGE so that results are marked.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { Server } from '@hocuspocus/server';

const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error('set DATA_DIR');
mkdirSync(dataDir, { recursive: true });

async function storage() {
  try {
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    new BetterSqlite3(':memory:').close();
    const { SQLite } = await import('@hocuspocus/extension-sqlite');
    return new SQLite({ database: path.join(dataDir, 'hocuspocus.sqlite') });
  } catch (err) {
    process.stderr.write(`BENCH_STORAGE=file-fallback: better-sqlite3 unavailable (${err.message})\n`);
    const { Database } = await import('@hocuspocus/extension-database');
    const file = (name) => path.join(dataDir, `${encodeURIComponent(name)}.ydoc`);
    return new Database({
      fetch: async ({ documentName }) => {
        try {
          return readFileSync(file(documentName));
        } catch {
          return null;
        }
      },
      store: async ({ documentName, state }) => writeFileSync(file(documentName), state),
    });
  }
}

const server = new Server({
  port: Number(process.env.PORT),
  address: process.env.HOST ?? '127.0.0.1',
  quiet: true,
  extensions: [await storage()],
});
await server.listen();
