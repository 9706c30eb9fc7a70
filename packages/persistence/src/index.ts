import { RedisPostgresStore, type ClusterStore, type ClusterStoreOptions } from './cluster/cluster-store.js';
import type { DocStore } from './doc-store.js';
import { LevelDbStore, type OpenStoreOptions } from './leveldb-store.js';

export { DOC_ID_PATTERN, StoreError } from './doc-store.js';
export type { DocMeta, DocStore, OpenDoc, StoreErrorCode } from './doc-store.js';
export type { OpenStoreOptions } from './leveldb-store.js';
export type { ClusterStatus, ClusterStore, ClusterStoreOptions } from './cluster/cluster-store.js';

/**
 * Opens the embedded LevelDB store in `options.dir` (created if missing). Fails with StoreError('io') naming
 * the directory if it cannot be opened: locked by another process, not writable, not a directory.
 */
export function openStore(options: OpenStoreOptions): Promise<DocStore> {
  return LevelDbStore.open(options);
}

/**
 * Opens the cluster store: documents shared by every process on the same Redis (each document's stream is its
 * log and the bus between processes) and PostgreSQL (compacted states; the table is created if missing).
 * Fails with StoreError('io') if either cannot be reached.
 */
export function openClusterStore(options: ClusterStoreOptions): Promise<ClusterStore> {
  return RedisPostgresStore.open(options);
}
