/**
 * The servers under test, each a child process pinned to core 1 (`taskset -c 1`) while the load generator
 * runs on core 0. Every run starts from an empty data directory; `restart` reuses it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DialectName } from './protocol.js';

/**
 * `ours` runs with the default `DURABILITY=fsync`, `ours-os` with `DURABILITY=os`, `ours-history` like `ours`
 * but cutting a version every second of editing (HISTORY_INTERVAL_S=1; the default 300 cuts none in a run).
 */
export type ServerName = 'ours' | 'ours-os' | 'ours-history' | 'y-websocket' | 'hocuspocus' | 'relay';
export const isOurs = (name: ServerName) => name === 'ours' || name === 'ours-os' || name === 'ours-history';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_DIR = path.resolve(BENCH_DIR, '..');
/** Our built server; `BENCH_OURS_ENTRY` measures another build (an older one, to compare with). */
export const OUR_SERVER_ENTRY = process.env.BENCH_OURS_ENTRY ?? path.join(REPO_DIR, 'apps/sync-server/dist/server.js');
/** Every process of ours signs links with this key, so the cluster processes accept each other's tokens. */
const SECRET = 'bench-secret-0123456789abcdef0123456789';

/** Where a client connects for one document. */
export interface DocTarget {
  url: string;
  docName: string;
  dialect: DialectName;
  /** False for the bare relay, which has no sync handshake to speak. */
  handshake: boolean;
}

interface Spec {
  label: string;
  dialect: DialectName;
  script: string;
  env(port: number, dataDir: string): Record<string, string>;
  readyPath: string;
}

/**
 * Our server: LOG_LEVEL=warn, as the peers log nothing per connection either. The rate limits are raised
 * because the bench exceeds them by design (1,000 documents created in a second; writers replaying a trace far
 * above 2,000 messages/s), and so is the cap on sockets per document, which the search for the largest room
 * passes; the peers have no such limits.
 */
const ourSpec = (label: string, durability: 'fsync' | 'os', more: Record<string, string> = {}): Spec => ({
  label,
  dialect: 'y-websocket',
  script: OUR_SERVER_ENTRY,
  env: (port, dataDir) => ({
    PORT: `${port}`,
    DATA_DIR: dataDir,
    COLLAB_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    DOCS_RATE_LIMIT: '1000000',
    MESSAGE_RATE_LIMIT: '1000000',
    MAX_CONNECTIONS_PER_DOC: '1000000',
    // Every bench client comes from 127.0.0.1: the per-address socket limit would cap the crowds at 1,000.
    MAX_CONNECTIONS_PER_ADDRESS: '1000000',
    DURABILITY: durability,
    ...more,
  }),
  readyPath: '/healthz',
});

const SPECS: Record<ServerName, Spec> = {
  ours: ourSpec('ours (fsync)', 'fsync'),
  'ours-os': ourSpec('ours (os)', 'os'),
  'ours-history': ourSpec('ours (fsync, a version each second)', 'fsync', { HISTORY_INTERVAL_S: '1' }),
  'y-websocket': {
    label: 'y-websocket-server',
    dialect: 'y-websocket',
    script: path.join(BENCH_DIR, 'servers/y-websocket.mjs'),
    env: (port, dataDir) => ({ PORT: `${port}`, YPERSISTENCE: dataDir }),
    readyPath: '/',
  },
  hocuspocus: {
    label: 'hocuspocus',
    dialect: 'hocuspocus',
    script: path.join(BENCH_DIR, 'servers/hocuspocus.mjs'),
    env: (port, dataDir) => ({ PORT: `${port}`, DATA_DIR: dataDir }),
    readyPath: '/',
  },
  relay: {
    label: 'bare ws relay',
    dialect: 'y-websocket',
    script: path.join(BENCH_DIR, 'servers/relay.mjs'),
    env: (port) => ({ PORT: `${port}` }),
    readyPath: '/',
  },
};

export const serverLabel = (name: ServerName) => SPECS[name].label;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Every server still running, killed if the bench itself exits early (a crash, Ctrl-C). */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

export class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  readonly dataDir: string;
  port = 0;

  constructor(
    readonly name: ServerName,
    workDir: string,
    /** Added to the server's environment, e.g. REDIS_URL and DATABASE_URL for our cluster mode. */
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.dataDir = path.join(workDir, `${name}-${randomBytes(4).toString('hex')}`);
    mkdirSync(this.dataDir, { recursive: true });
  }

  get dialect(): DialectName {
    return SPECS[this.name].dialect;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error(`${this.name} is not running`);
    return this.child.pid;
  }

  /**
   * Starts the process (again, on the same data directory) and resolves once it answers HTTP, with the time
   * from spawning it until then (ms, to within `pollMs`).
   */
  async start(pollMs = 50): Promise<number> {
    const spec = SPECS[this.name];
    // A restart keeps the port: clients reconnect to the same URL.
    if (this.port === 0) this.port = await freePort();
    const log = openSync(path.join(path.dirname(this.dataDir), `${path.basename(this.dataDir)}.log`), 'a');
    const spawned = performance.now();
    const child = spawn('taskset', ['-c', '1', process.execPath, spec.script], {
      cwd: REPO_DIR,
      env: { ...process.env, HOST: '127.0.0.1', ...spec.env(this.port, this.dataDir), ...this.extraEnv },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    running.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        running.delete(child);
        resolve(code);
      }),
    );
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode} at start (see ${this.dataDir}.log)`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}${spec.readyPath}`);
        await res.arrayBuffer();
        if (res.ok) return performance.now() - spawned;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not start within 20 s`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** SIGTERM and wait for a clean exit; returns how long the shutdown took in ms. */
  async stop(timeoutMs = 30_000): Promise<number> {
    if (!this.child || this.child.exitCode !== null) return 0;
    const started = performance.now();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    return performance.now() - started;
  }

  /** SIGKILL, at once: called from inside a message handler, before anything else runs. */
  killNow(): void {
    this.child?.kill('SIGKILL');
  }

  async waitExit(): Promise<void> {
    await this.exited;
  }

  /** A new document: ours through its API (with an edit token), the others by name. */
  async createDoc(): Promise<DocTarget> {
    const spec = SPECS[this.name];
    const base = `ws://127.0.0.1:${this.port}`;
    const handshake = this.name !== 'relay';
    if (isOurs(this.name)) {
      const res = await fetch(`http://127.0.0.1:${this.port}/api/docs`, { method: 'POST' });
      if (res.status !== 201) throw new Error(`POST /api/docs answered ${res.status}`);
      const { id, editToken } = (await res.json()) as { id: string; editToken: string };
      return { url: `${base}/collab/${id}?token=${encodeURIComponent(editToken)}`, docName: id, dialect: spec.dialect, handshake };
    }
    const docName = `doc-${randomBytes(6).toString('hex')}`;
    // Hocuspocus reads the document name from every message, not from the URL.
    const url = this.name === 'hocuspocus' ? `${base}/` : `${base}/${docName}`;
    return { url, docName, dialect: spec.dialect, handshake };
  }

  /** The same document (name, token) reached through this process: another process of the same cluster. */
  sameDocHere(doc: DocTarget): DocTarget {
    const url = new URL(doc.url);
    url.port = `${this.port}`;
    return { ...doc, url: url.toString() };
  }
}
