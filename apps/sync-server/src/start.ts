import { mkdir, access, constants } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import type { DocStore, FileStore, ThinningPolicy } from '@collab/persistence';
import type { Hono } from 'hono';
import { createAccessControl } from './access/access-control.js';
import { startPurgeSweeper } from './access/purge-sweeper.js';
import { type AppDeps, createApp } from './app.js';
import { openBackend } from './backend.js';
import { resolveSecret } from './auth/secret.js';
import { createTokens } from './auth/tokens.js';
import { ConfigError, type Config } from './config.js';
import { createConnectionLimits } from './collab/connection-limits.js';
import { createHeartbeat } from './collab/heartbeat.js';
import { createRooms } from './collab/rooms.js';
import { createExportPool } from './export/export-pool.js';
import { createHealth } from './health.js';
import { acceptCollabSockets, createCollabSocketServer } from './http/collab.js';
import { createClientInfo } from './http/client.js';
import { startFileCollector } from './files/file-collector.js';
import { startThinner } from './history/thinner.js';
import { type HistoryClock, systemClock } from './collab/version-cutter.js';
import { createRateLimiter } from './http/rate-limit.js';
import { type MemoryReclaimer, type MemoryReclaimerOptions, startMemoryReclaimer } from './memory-reclaimer.js';
import { type Logger, createLogger, createMetrics } from './observability.js';

export interface StartOptions {
  logger?: Logger;
  /** How long an empty room stays loaded. */
  unloadGraceMs?: number;
  /** Interval between keep-alive pings; a peer that misses one is dropped at the next. */
  heartbeatMs?: number;
  editorDir?: string;
  /** Wraps the opened store, for tests that need a slow or failing one. */
  decorateStore?: (store: DocStore) => DocStore;
  /** When a fall in connections or an unloaded room is worth a full garbage collection (see memory-reclaimer.ts). */
  memoryReclaim?: Pick<MemoryReclaimerOptions, 'intervalMs' | 'minPeak' | 'minRoomBytes' | 'minGrowthBytes' | 'minGapMs'>;
  /** The time, in milliseconds since the epoch, for link expiries, deletion and purging. */
  clock?: () => number;
  /** How often deleted documents past their restore window are looked for and purged. Default: hourly. */
  purgeSweepMs?: number;
  /** The version history's time (interval, thinning), for tests that move it by hand. */
  historyClock?: HistoryClock;
}

export interface RunningServer {
  /** The port actually bound (useful with PORT=0). */
  port: number;
  /** `http://host:port`, for tests and the start-up log line. */
  url: string;
  store: DocStore;
  files: FileStore;
  /** Number of documents loaded in memory now. */
  roomsLoaded(): number;
  /** Stops accepting, writes what is pending, closes every socket and the store. */
  close(): Promise<void>;
}

const DEFAULT_EDITOR_DIR = fileURLToPath(new URL('../../editor/dist', import.meta.url));

/** The server without a port: its store, rooms and HTTP app. Tests call the app's routes in process. */
export interface ServerParts extends AppDeps {
  app: Hono;
  historyClock: HistoryClock;
  thinning: ThinningPolicy;
  reclaimer: MemoryReclaimer;
  /** After `rooms.close()`: releases the buses, then the stores. */
  release(): Promise<void>;
}

/** Opens the store and builds the rooms and the HTTP app from the configuration. */
export async function assembleServer(config: Config, options: StartOptions = {}): Promise<ServerParts> {
  const logger = options.logger ?? createLogger(config.logLevel);
  await ensureWritableDir(config.dataDir);
  const metrics = createMetrics();
  const secret = await resolveSecret(config.secret, config.dataDir);
  const backend = await openBackend(config, logger, metrics);
  const store = options.decorateStore ? options.decorateStore(backend.store) : backend.store;
  const health = createHealth(backend.problem);
  const historyClock = options.historyClock ?? systemClock;
  const rooms = createRooms({
    store,
    presenceBus: backend.presenceBus,
    logger,
    metrics,
    health,
    history: { versions: store.versions, ...config.history, clock: historyClock, logger },
    limits: config.limits,
    unloadGraceMs: options.unloadGraceMs,
    onUnloaded: (storedBytes) => reclaimer.roomUnloaded(storedBytes),
  });
  const reclaimer = startMemoryReclaimer({
    connections: () => rooms.peers,
    emptying: () => rooms.emptying,
    logger,
    metrics,
    ...options.memoryReclaim,
  });
  const now = options.clock ?? Date.now;
  const access = createAccessControl({ store, bus: backend.accessBus, logger, now });
  const exports = createExportPool({ size: config.limits.maxConcurrentExports });
  const deps: AppDeps = {
    store,
    rooms,
    tokens: createTokens([secret, ...config.previousSecrets], now),
    access,
    now,
    health,
    logger,
    metrics,
    files: backend.files,
    docsLimiter: createRateLimiter(config.limits.docsPerMinute),
    filesLimiter: createRateLimiter(config.limits.filesPerMinute),
    maxFileBytes: config.limits.maxFileBytes,
    client: createClientInfo(config.trustedProxies, config.allowedOrigins, config.publicUrl),
    accessConfig: config.access,
    exports,
    publicUrl: config.publicUrl,
    editorDir: options.editorDir ?? DEFAULT_EDITOR_DIR,
  };
  return {
    ...deps,
    historyClock,
    thinning: config.history.thinning,
    reclaimer,
    app: createApp(deps),
    async release() {
      reclaimer.stop();
      access.close();
      await exports.close();
      await backend.closeBus();
      await Promise.all([store.close(), backend.files.close()]);
    },
  };
}

/** Assembles the server and listens. Everything the process owns is released by `close`. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const parts = await assembleServer(config, options);
  const { app, rooms, store, files, tokens, access, now, client, health, logger, metrics } = parts;
  const heartbeat = createHeartbeat(options.heartbeatMs ?? 15_000);
  const { limits } = config;
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const wss = createCollabSocketServer(limits.maxMessageBytes);
  acceptCollabSockets(server, wss, {
    rooms,
    tokens,
    access,
    heartbeat,
    client,
    logger,
    metrics,
    limits,
    connectionLimits: createConnectionLimits(limits),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const fileCollector = startFileCollector({ files, store, logger });
  const sweeper = startPurgeSweeper({ store, files, access, logger, now, intervalMs: options.purgeSweepMs ?? 3_600_000 });
  const thinner = startThinner({ store, thinning: parts.thinning, clock: parts.historyClock, logger });
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  async function close(): Promise<void> {
    health.stopping();
    parts.reclaimer.stop();
    await Promise.all([fileCollector.stop(), thinner.stop()]);
    const closedHttp = new Promise((resolve) => server.close(resolve));
    heartbeat.stop();
    await sweeper.stop();
    // Every socket stops being read, then what was received before is written: an update is either
    // stored or still held by its sender, which resends it when it reconnects.
    await rooms.close();
    for (const client of wss.clients) client.terminate();
    server.closeAllConnections();
    await closedHttp;
    await parts.release();
  }

  return { port, url, store, files, roomsLoaded: () => rooms.size, close };
}

async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new ConfigError(`DATA_DIR=${dir} is not a writable directory (${(err as NodeJS.ErrnoException).code})`);
  }
}
