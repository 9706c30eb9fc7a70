import { execFileSync, type SpawnOptions } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestService } from './test-service.js';
import { findExecutable, freePort, startProcess, stopProcess, waitUntilReady, type ServerProcess } from './server-process.js';

const BIN_DIR = '/usr/lib/postgresql/15/bin';
const DATABASE = 'collab_test';

/**
 * Starts Debian's PostgreSQL 15 on a free port, with a fresh cluster in a temp dir, listening on 127.0.0.1 only
 * (and a unix socket inside the temp dir), trust authentication, and an empty database `collab_test`.
 */
export async function startPostgres(): Promise<TestService> {
  const hint = 'install postgresql: apt-get install -y postgresql';
  const postgres = await findExecutable(`${BIN_DIR}/postgres`, hint);
  const initdb = await findExecutable(`${BIN_DIR}/initdb`, hint);
  const dir = await mkdtemp(join(tmpdir(), 'collab-postgres-'));
  const data = join(dir, 'data');
  const port = await freePort();
  // PostgreSQL refuses to run as root. Spawning with the postgres user's ids (what `runuser -u postgres` does)
  // keeps the server our direct child, so stop() signals the postmaster itself rather than a wrapper.
  const asOwner: SpawnOptions = { cwd: dir, ...(await serverUser(dir)) };

  let server: ServerProcess | null = null;
  const start = async () => {
    // fsync=off: tests only ever restart gracefully, which writes everything out, and it makes commits cheap.
    const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'];
    server = startProcess(postgres, args, asOwner);
    await waitUntilReady('postgres', server, () => answersQuery(`postgres://postgres@127.0.0.1:${port}/postgres`));
  };
  // SIGINT is PostgreSQL's "fast" shutdown: it disconnects clients (SIGTERM would wait for them) and checkpoints.
  const halt = async () => {
    if (server) await stopProcess(server, 'SIGINT');
    server = null;
  };

  try {
    const init = startProcess(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--locale=C', '-E', 'UTF8'], asOwner);
    await init.exited;
    if (init.child.exitCode !== 0) throw new Error(`initdb failed:\n${init.output()}`);
    await start();
    await withClient(`postgres://postgres@127.0.0.1:${port}/postgres`, (client) =>
      client.query(`CREATE DATABASE ${DATABASE}`),
    );
  } catch (err) {
    await halt();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    url: `postgres://postgres@127.0.0.1:${port}/${DATABASE}`,
    async restart() {
      await halt();
      await start();
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** As root: the postgres user's ids, after giving it the temp dir. Otherwise the server runs as we do. */
async function serverUser(dir: string): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  const uid = id('-u');
  const gid = id('-g');
  await chown(dir, uid, gid);
  return { uid, gid };
}

async function answersQuery(url: string): Promise<boolean> {
  // Refused connections and "the database system is starting up" both mean: not yet.
  await withClient(url, (client) => client.query('SELECT 1'));
  return true;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
