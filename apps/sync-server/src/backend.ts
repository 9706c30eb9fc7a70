import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Counter, Gauge } from 'prom-client';
import {
  type ClusterStatus,
  type DocStore,
  type FileStore,
  openClusterFileStore,
  openClusterStore,
  openFileStore,
  openStore,
  type WriteStats,
} from '@collab/persistence';
import { type AccessBus, singleProcessAccess } from './access/access-bus.js';
import type { Config } from './config.js';
import { type PresenceBus, singleProcess } from './collab/presence-bus.js';
import type { Logger, Metrics } from './observability.js';

/**
 * Where documents and files live and how presence and access changes travel: LevelDB and a file directory in
 * `DATA_DIR` and nothing to share for a single process, or Redis + PostgreSQL and Redis buses in cluster mode.
 * The rest of the server does not know which.
 */
export interface Backend {
  store: DocStore;
  files: FileStore;
  presenceBus: PresenceBus;
  accessBus: AccessBus;
  /** Why the backend's services are unreachable now (for /healthz), or null. */
  problem(): string | null;
  /** Releases the buses; the store is closed by its owner once every write is done. */
  closeBus(): Promise<void>;
}

export async function openBackend(config: Config, logger: Logger, metrics: Metrics): Promise<Backend> {
  const onError = (err: unknown) => logger.warn({ err }, 'background compaction failed');
  if (!config.cluster) {
    const store = await openStore({ dir: path.join(config.dataDir, 'store'), durability: config.durability, onError });
    const files = await openFileStore({ dir: path.join(config.dataDir, 'files') }).catch(async (err: unknown) => {
      await store.close();
      throw err;
    });
    watchWrites(metrics, () => store.writeStats());
    return {
      store,
      files,
      presenceBus: singleProcess,
      accessBus: singleProcessAccess,
      problem: () => null,
      closeBus: async () => undefined,
    };
  }

  const { redisUrl, databaseUrl } = config.cluster;
  const processId = randomUUID();
  // Imported here, like the cluster store: a single process starts without the Redis client.
  const [{ createRedisPresenceBus }, { createRedisAccessBus }] = await Promise.all([
    import('./cluster/redis-presence-bus.js'),
    import('./cluster/redis-access-bus.js'),
  ]);
  const store = await openClusterStore({ redisUrl, databaseUrl, processId, onError });
  let bus;
  let accessBus;
  let files;
  try {
    files = await openClusterFileStore({ databaseUrl });
    bus = await createRedisPresenceBus({ redisUrl, logger, processId });
    accessBus = await createRedisAccessBus({ redisUrl, logger, processId });
  } catch (err) {
    await Promise.allSettled([store.close(), files?.close(), bus?.close()]);
    throw err;
  }
  watchCluster(metrics, () => store.status());
  logger.info({ processId }, 'cluster mode: documents in Redis and PostgreSQL');
  return {
    store,
    files,
    presenceBus: bus,
    accessBus,
    problem() {
      const { redis, postgres } = store.status();
      if (!redis) return 'Redis is unreachable';
      if (!postgres) return 'PostgreSQL is unreachable';
      return null;
    },
    closeBus: async () => {
      await Promise.all([bus.close(), accessBus.close()]);
    },
  };
}

/** The embedded store's writes and the fsyncs that carried them, read when /metrics is scraped. */
function watchWrites(metrics: Metrics, stats: () => WriteStats): void {
  const counter = (name: string, help: string, read: (stats: WriteStats) => number) => {
    let reported = 0;
    new Counter({
      name,
      help,
      registers: [metrics.registry],
      collect() {
        const now = read(stats());
        this.inc(now - reported);
        reported = now;
      },
    });
  };
  counter('collab_store_writes_total', 'Writes of the document store: appends, creations, compactions, deletes', (s) => s.writes);
  counter('collab_store_fsyncs_total', 'Synced batches carrying those writes, one fsync each (DURABILITY=fsync)', (s) => s.syncedBatches);
}

/** Connectivity and stream lag of a cluster process, read when /metrics is scraped. */
function watchCluster(metrics: Metrics, status: () => ClusterStatus): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'collab_cluster_redis_up',
    help: '1 while Redis is reachable',
    registers,
    collect() {
      this.set(status().redis ? 1 : 0);
    },
  });
  new Gauge({
    name: 'collab_cluster_postgres_up',
    help: '1 while PostgreSQL is reachable',
    registers,
    collect() {
      this.set(status().postgres ? 1 : 0);
    },
  });
  new Gauge({
    name: 'collab_cluster_stream_lag_seconds',
    help: 'How far behind the document streams this process is reading',
    registers,
    collect() {
      this.set(status().lagSeconds);
    },
  });
}
