// Cluster mode's modules (and with them the Redis and PostgreSQL clients) are loaded only when cluster mode
// opens them: a single process starts without them, and a restarted server listens sooner.
import type { ClusterStore, ClusterStoreOptions } from './cluster/cluster-store.js';
import type { connectRedis as ConnectRedis } from './cluster/redis-connection.js';
import { LevelDbStore, type EmbeddedStore, type OpenStoreOptions } from './leveldb-store.js';
import { DiskFileStore, type DiskFileStoreOptions } from './files/disk-file-store.js';
import type { FileStore } from './files/file-store.js';
import type { PgFileStoreOptions } from './files/pg-file-store.js';

export { DEFAULT_ACCESS } from './access.js';
export type { DeletedDoc, DocAccess, LinkRole } from './access.js';
export { DOC_ID_PATTERN, StoreError } from './doc-store.js';
export type { DocMeta, DocStore, OpenDoc, StoreErrorCode } from './doc-store.js';
export type { Durability, EmbeddedStore, OpenStoreOptions } from './leveldb-store.js';
export type { WriteStats } from './group-commit.js';
export type { ClusterStatus, ClusterStore, ClusterStoreOptions } from './cluster/cluster-store.js';
export { DEFAULT_UNREFERENCED_GRACE_MS, FILE_SHA_PATTERN } from './files/file-store.js';
export type { FileContent, FileStore, FileStoreClock, StoredFile } from './files/file-store.js';
export type { DiskFileStoreOptions } from './files/disk-file-store.js';
export type { PgFileStoreOptions } from './files/pg-file-store.js';
/** The command timeout of cluster mode's Redis connections, for the server's own (its presence bus). */
export { REDIS_COMMAND_TIMEOUT_MS } from './cluster/redis-command-timeout.js';
export type { LendDoc, NewVersion, VersionAuthor, VersionKind, VersionMeta, VersionStore } from './versions/version-store.js';
export { assertThinningPolicy, DEFAULT_THINNING } from './versions/thinning.js';
export type { ThinningPolicy, ThinningTier } from './versions/thinning.js';

/**
 * Opens the embedded LevelDB store in `options.dir` (created if missing). Fails with StoreError('io') naming
 * the directory if it cannot be opened: locked by another process, not writable, not a directory.
 */
export function openStore(options: OpenStoreOptions): Promise<EmbeddedStore> {
  return LevelDbStore.open(options);
}

/**
 * Opens the cluster store: documents shared by every process on the same Redis (each document's stream is its
 * log and the bus between processes) and PostgreSQL (compacted states; the table is created if missing).
 * Fails with StoreError('io') if either cannot be reached.
 */
export async function openClusterStore(options: ClusterStoreOptions): Promise<ClusterStore> {
  const { RedisPostgresStore } = await import('./cluster/cluster-store.js');
  return RedisPostgresStore.open(options);
}

/**
 * Opens the file store of a single process in `options.dir` (`DATA_DIR/files`, created if missing): files on
 * disk named by their SHA-256, an index of which document references which. Removes what a crashed upload left.
 */
export function openFileStore(options: DiskFileStoreOptions): Promise<FileStore> {
  return DiskFileStore.open(options);
}

/** Opens the file store of a cluster in PostgreSQL (its tables are created if missing): every process serves every file. */
export async function openClusterFileStore(options: PgFileStoreOptions): Promise<FileStore> {
  const { PgFileStore } = await import('./files/pg-file-store.js');
  return PgFileStore.open(options);
}

/** Opens a Redis connection of cluster mode (see `cluster/redis-connection.ts`). */
export const connectRedis: typeof ConnectRedis = async (...args) =>
  (await import('./cluster/redis-connection.js')).connectRedis(...args);
