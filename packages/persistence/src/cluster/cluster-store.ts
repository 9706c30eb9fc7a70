import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DeletedDoc, DocAccess } from '../access.js';
import { StoreError, type DocMeta, type DocStore, type OpenDoc } from '../doc-store.js';
import { DocLanes } from '../doc-lanes.js';
import { StoreWork, messageOf } from '../store-work.js';
import { assertDocId } from '../keys.js';
import { compactDoc } from './compaction.js';
import { combineMeta, readLogMeta, scanLogMetas } from './doc-meta.js';
import { deleteDoc, finishDelete } from './delete-doc.js';
import { changeAccess, listTrash, readAccess } from './pg-access.js';
import { DocumentRows } from './pg-rows.js';
import { PgVersions } from './pg-versions.js';
import { readDoc, type DocRead } from './read-doc.js';
import { REDIS_COMMAND_TIMEOUT_MS, connectRedis } from './redis-connection.js';
import { logKey, metaKey } from './redis-keys.js';
import { execOrThrow } from './redis-multi.js';
import { appendFields } from './stream-codec.js';
import { StreamReader } from './stream-reader.js';
import type { VersionStore } from '../versions/version-store.js';

/** Options of the cluster store. */
export interface ClusterStoreOptions {
  /** Redis 6.2 or later, with AOF (`appendonly yes`, `appendfsync always`) and `maxmemory-policy noeviction`. */
  redisUrl: string;
  /** PostgreSQL, home of the compacted states; the table is created if missing. */
  databaseUrl: string;
  /** Names this process in the streams, so that it skips its own entries. Default: a random UUID. */
  processId?: string;
  /** A document whose stream holds more entries than this is compacted in the background. Default 500; Infinity: never. */
  compactThreshold?: number;
  /** Receives the errors of background work (compactions, remote delivery), which have no caller. Default: ignored. */
  onError?: (err: unknown) => void;
}

/** Connectivity and replication health, cheap enough to read on every /healthz and /metrics request. */
export interface ClusterStatus {
  redis: boolean;
  postgres: boolean;
  /** How far behind the other processes' writes the reader is, in seconds; 0 when caught up. */
  lagSeconds: number;
}

/**
 * A DocStore shared by every process of a cluster. `open` delivers what the other processes append. `compact`
 * does nothing while another process holds the document's compaction lease: that process is compacting it.
 */
export interface ClusterStore extends DocStore {
  status(): ClusterStatus;
}

const DEFAULT_COMPACT_THRESHOLD = 500;

/**
 * DocStore on Redis Streams and PostgreSQL. Each document's stream is its durable log (an append is one
 * MULTI: the XADD and the metadata hash) and the bus between processes (see StreamReader); PostgreSQL keeps
 * each document's compacted snapshot (see compactDoc).
 */
export class RedisPostgresStore implements ClusterStore {
  private readonly lanes = new DocLanes();
  private readonly compactions = new DocLanes();
  private readonly work: StoreWork;
  private readonly reader: StreamReader;
  private closing: Promise<void> | null = null;
  readonly versions: VersionStore;

  private constructor(
    private readonly redis: Redis,
    private readonly readerConnection: Redis,
    private readonly rows: DocumentRows,
    private readonly processId: string,
    private readonly compactThreshold: number,
    onError: (err: unknown) => void,
  ) {
    this.work = new StoreWork(onError);
    this.versions = new PgVersions(rows.pool, (work) => this.track(work));
    this.reader = new StreamReader({
      connection: readerConnection,
      control: redis,
      processId,
      reload: (docId) => this.read(docId),
      onError: (err) => this.work.report(err),
    });
  }

  /** Connects to both services and creates the table if needed; either unreachable is StoreError('io'). */
  static async open(options: ClusterStoreOptions): Promise<RedisPostgresStore> {
    const threshold = options.compactThreshold ?? DEFAULT_COMPACT_THRESHOLD;
    if (!(threshold >= 1)) throw new RangeError(`compactThreshold must be at least 1, got ${threshold}`);
    const processId = options.processId ?? randomUUID();
    const opened: { close(): unknown }[] = [];
    try {
      const redis = await connectRedis(options.redisUrl, `collab-store:${processId}`, REDIS_COMMAND_TIMEOUT_MS);
      opened.push({ close: () => redis.disconnect() });
      const reader = await connectRedis(options.redisUrl, `collab-reader:${processId}`);
      opened.push({ close: () => reader.disconnect() });
      const rows = await DocumentRows.open(options.databaseUrl).catch((err: unknown) => {
        throw new StoreError('io', `cannot open the PostgreSQL database: ${messageOf(err)}`, { cause: err });
      });
      return new RedisPostgresStore(redis, reader, rows, processId, threshold, options.onError ?? (() => undefined));
    } catch (err) {
      for (const connection of opened) connection.close();
      throw err instanceof StoreError ? err : new StoreError('io', `cannot connect to Redis: ${messageOf(err)}`, { cause: err });
    }
  }

  create(docId: string): Promise<DocMeta> {
    return this.track(async () => {
      assertDocId(docId);
      await this.lanes.run(docId, () => this.rows.insertEmpty(docId, Date.now()));
      return (await this.readMeta(docId))!;
    });
  }

  /**
   * No `stateAfter` here: one process's copy of a document is not a snapshot of the stream, which other
   * processes append to meanwhile, so compaction merges what Redis and PostgreSQL hold.
   */
  append(docId: string, updates: readonly Uint8Array[]): Promise<void> {
    return this.track(async () => {
      assertDocId(docId);
      if (updates.length === 0) return;
      // The contract: no new updates while either service is away. The stream alone would take them, but a
      // document whose snapshot cannot be read could not be loaded by anyone to show them.
      if (!this.rows.reachable) throw new StoreError('io', 'PostgreSQL is unreachable: not accepting updates');
      const batch = [...updates];
      // The lane task only sends the MULTI; wrapping the reply keeps the lane from waiting for it.
      const sent = await this.lanes.run(docId, async () => ({ reply: this.appendNow(docId, batch) }));
      const length = await sent.reply;
      if (length > this.compactThreshold) this.compactInBackground(docId);
    });
  }

  load(docId: string): Promise<Uint8Array | null> {
    return this.track(async () => {
      assertDocId(docId);
      return (await this.read(docId)).state;
    });
  }

  open(docId: string, onRemoteUpdates: (updates: Uint8Array[]) => void): Promise<OpenDoc> {
    return this.track(async () => {
      assertDocId(docId);
      const { state, lastId } = await this.read(docId);
      return { state, close: this.reader.subscribe(docId, lastId, onRemoteUpdates) };
    });
  }

  compact(docId: string): Promise<void> {
    return this.track(async () => {
      assertDocId(docId);
      await this.compactNow(docId);
    });
  }

  meta(docId: string): Promise<DocMeta | null> {
    return this.track(async () => {
      assertDocId(docId);
      return this.readMeta(docId);
    });
  }

  list(): Promise<DocMeta[]> {
    return this.track(async () => {
      // A document only appended to has no row yet, and one only created has no hash.
      const [rows, logMetas] = await Promise.all([this.rows.listMeta(), scanLogMetas(this.redis)]);
      const ids = new Set([...rows.map((row) => row.id), ...logMetas.keys()]);
      const rowById = new Map(rows.map((row) => [row.id, row]));
      return [...ids]
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .flatMap((id) => combineMeta(id, rowById.get(id) ?? null, logMetas.get(id) ?? null) ?? []);
    });
  }

  /** Crash-safe across the two services: see delete-doc.ts. On the lane, so later appends of this process wait. */
  delete(docId: string): Promise<void> {
    return this.track(async () => {
      assertDocId(docId);
      await this.lanes.run(docId, () => deleteDoc(this.redis, this.rows, docId, Date.now()));
    });
  }

  access(docId: string): Promise<DocAccess> {
    return this.track(async () => {
      assertDocId(docId);
      return readAccess(this.rows, docId);
    });
  }

  updateAccess(docId: string, change: (current: DocAccess) => DocAccess): Promise<DocAccess> {
    return this.track(async () => {
      assertDocId(docId);
      return changeAccess(this.rows, docId, change);
    });
  }

  listDeleted(): Promise<DeletedDoc[]> {
    return this.track(() => listTrash(this.rows));
  }

  status(): ClusterStatus {
    return {
      redis: this.redis.status === 'ready' && this.readerConnection.status === 'ready',
      postgres: this.rows.reachable,
      lagSeconds: this.reader.lagSeconds(),
    };
  }

  /** Stops remote delivery, waits for every call and compaction in flight, then disconnects. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.drainAndClose();
    return this.closing;
  }

  private async drainAndClose(): Promise<void> {
    await this.reader.stop();
    await this.work.drain();
    await this.redis.quit().catch(() => this.redis.disconnect());
    await this.rows.close().catch(() => undefined);
  }

  /**
   * Reads a document; one whose delete a crash interrupted reads as gone, and what Redis still holds of it is
   * removed in the background.
   */
  private async read(docId: string): Promise<DocRead> {
    const read = await readDoc(this.redis, this.rows, docId);
    if (read.deleting && !this.closing) {
      this.work.background(this.lanes.run(docId, () => finishDelete(this.redis, this.rows, docId, { wait: false })));
    }
    return read;
  }

  /** One MULTI: the entry, and the metadata hash it changes. Resolves with the stream's length after it. */
  private async appendNow(docId: string, updates: Uint8Array[]): Promise<number> {
    const bytes = updates.reduce((sum, update) => sum + update.byteLength, 0);
    const now = Date.now();
    const replies = await execOrThrow(
      this.redis
        .multi()
        .xadd(logKey(docId), '*', ...appendFields(updates, this.processId))
        .hsetnx(metaKey(docId), 'createdAt', now)
        .hset(metaKey(docId), 'updatedAt', now)
        .hincrby(metaKey(docId), 'logBytes', bytes)
        .hincrby(metaKey(docId), 'logUpdates', updates.length)
        .xlen(logKey(docId)),
    );
    return Number(replies[5]);
  }

  private async readMeta(docId: string): Promise<DocMeta | null> {
    const [row, log] = await Promise.all([this.rows.readMeta(docId), readLogMeta(this.redis, docId)]);
    return combineMeta(docId, row, log);
  }

  /**
   * Chained behind a compaction of the same document in progress in this process, so that this one still
   * folds in everything appended before it was asked for.
   */
  private compactNow(docId: string): Promise<void> {
    return this.compactions.run(docId, () => compactDoc(this.redis, this.rows, docId));
  }

  /** Starts a compaction once the stream is long; never delays or fails the append that got here. */
  private compactInBackground(docId: string): void {
    if (this.closing || this.compactions.busy(docId)) return;
    this.work.background(this.compactNow(docId));
  }

  /** Rejects once the store is closing; otherwise runs `work`, reporting its failures as StoreErrors. */
  private track<T>(work: () => Promise<T>): Promise<T> {
    return this.work.call(this.closing !== null, work);
  }
}
