import type { DocStore } from './doc-store.js';
import { LevelDbStore, type OpenStoreOptions } from './leveldb-store.js';

export { DOC_ID_PATTERN, StoreError } from './doc-store.js';
export type { DocMeta, DocStore, OpenDoc, StoreErrorCode } from './doc-store.js';
export type { OpenStoreOptions } from './leveldb-store.js';

/**
 * Opens the embedded LevelDB store in `options.dir` (created if missing). Fails with StoreError('io') naming
 * the directory if it cannot be opened: locked by another process, not writable, not a directory.
 */
export function openStore(options: OpenStoreOptions): Promise<DocStore> {
  return LevelDbStore.open(options);
}
