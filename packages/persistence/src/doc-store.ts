import type { DeletedDoc, DocAccess } from './access.js';
import type { VersionStore } from './versions/version-store.js';

/**
 * The storage boundary of the sync server. Every backend (embedded LevelDB, the cluster's Redis + PostgreSQL)
 * implements this interface and passes the shared behaviour suite in `doc-store.suite.ts`.
 *
 * A document is an ordered log of Yjs updates. The server appends every update before it relays it, so
 * `append` is on the latency path of each keystroke and must stay one cheap write; everything expensive
 * (merging the log into one snapshot) happens in `compact`, which never blocks appends.
 */
export interface DocStore {
  /** Records a new, empty document so that it shows up in `list` and `meta`. Idempotent. */
  create(docId: string): Promise<DocMeta>;

  /**
   * Durably appends updates to a document's log as one atomic write, in the given order. Resolves once the
   * write is done: a process killed right afterwards loses none of them. Creates the document if needed.
   *
   * `stateAfter` is for a caller that holds the document live (a server's room): it returns the document's
   * whole state with these updates applied, and stays valid until the returned promise settles. A store
   * that compacts after this write may snapshot that state instead of merging its log, which would decode
   * the whole history again on the thread every document shares.
   */
  append(docId: string, updates: readonly Uint8Array[], stateAfter?: () => Uint8Array): Promise<void>;

  /**
   * The document's whole state as one Yjs update (everything appended so far, merged), or `null` for a
   * document that has never been written. Reads the log in one ordered range read.
   */
  load(docId: string): Promise<Uint8Array | null>;

  /**
   * Opens a document for live use by one server process: its state now (as `load`), and from then on every
   * update that *other* processes append to it, passed to `onRemoteUpdates` in the order the store holds
   * them, with nothing missed between the two. An embedded store has no other writers and never calls it.
   * `close` stops the updates; the server calls it when it unloads the document.
   */
  open(docId: string, onRemoteUpdates: (updates: Uint8Array[]) => void): Promise<OpenDoc>;

  /**
   * Replaces the document's log with one merged snapshot, atomically: a crash at any moment leaves either
   * the old log or the new snapshot, never a partial document. Appends made while it runs are kept.
   */
  compact(docId: string): Promise<void>;

  /** Metadata of one document, or `null` if it does not exist. */
  meta(docId: string): Promise<DocMeta | null>;

  /** Metadata of every document, ordered by id. */
  list(): Promise<DocMeta[]>;

  /**
   * Removes a document and all its updates, whole: a crash at any moment leaves the document either as it was
   * or gone. Its access state stays (see `access`). Deleting a missing document is not an error.
   */
  delete(docId: string): Promise<void>;

  /**
   * The document's access state (link generations, view link, expiries, deletion), `DEFAULT_ACCESS` if it
   * never had one. It outlives `delete`: a removed document's record stays as its tombstone.
   */
  access(docId: string): Promise<DocAccess>;

  /**
   * Replaces the access state with `change(current)` atomically: no other change of the same document, from
   * this process or another, comes between the read and the write. The write is durable when it resolves,
   * whatever the store's setting for appends. Resolves with the state now stored, its `version` one higher;
   * when `change` returns `current` itself, nothing is written and `current` is returned.
   */
  updateAccess(docId: string, change: (current: DocAccess) => DocAccess): Promise<DocAccess>;

  /** Every document deleted and not purged yet (`inTrash`), with its access state, in no particular order. */
  listDeleted(): Promise<DeletedDoc[]>;

  /** Waits for writes and compactions in progress, then releases the store. Further calls reject. */
  close(): Promise<void>;

  /**
   * The documents' version histories, kept beside them. Independent of the document's log: `delete` leaves
   * them (a deleted document can be restored), `versions.deleteAll` removes them. `close` waits for them too.
   */
  readonly versions: VersionStore;
}

/** A document opened with `DocStore.open`. */
export interface OpenDoc {
  /** The document's whole state when it was opened, or `null` if it has never been written. */
  state: Uint8Array | null;
  /** Stops delivering remote updates. Idempotent. */
  close(): void;
}

export interface DocMeta {
  id: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Milliseconds since the epoch of the last append (or of creation). */
  updatedAt: number;
  /** Bytes of Yjs updates the document's log holds now (shrinks on compaction). */
  size: number;
  /** Number of entries in the document's log (1 right after compaction). */
  updates: number;
}

export type StoreErrorCode = 'invalid-id' | 'closed' | 'corrupt' | 'io';

/** Every failure a store reports is a StoreError; `code` says which kind, `cause` keeps the original. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Document ids every store accepts; the same shape the WebSocket endpoint admits. */
export const DOC_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
