import type * as Y from 'yjs';
import type { ThinningPolicy } from './thinning.js';

/**
 * Version history of documents: whole states of a document kept at moments worth going back to. Both stores
 * implement it (LevelDB beside the documents in single-process mode, PostgreSQL in a cluster) and pass the
 * behaviour suite in `version-store.suite.ts`.
 *
 * A version's state always includes everything in the version before it: the store keeps the union, so a cut
 * from a copy of the document that lags behind the newest version (another process's, in a cluster) loses
 * nothing of it. A store runs the calls for one document one at a time, in call order (in a cluster, also
 * one at a time across processes). How states are stored (deltas, keyframes) is in `version-codec.ts`.
 */
export interface VersionStore {
  /** Adds a version of `version.doc` as it is now, whether or not it changed since the newest version. */
  add(docId: string, version: NewVersion): Promise<VersionMeta>;

  /**
   * Adds a version only if the document holds something the newest version does not, and, with `minGapMs`,
   * only if the newest version is at least that much older than this one. Returns `null` when it adds
   * nothing. Since calls are serialized per document, two processes of a cluster that cut the same state at
   * once add it once, and with the same `minGapMs` they add at most one version per gap between them.
   */
  addIfChanged(docId: string, version: NewVersion, options?: { minGapMs?: number }): Promise<VersionMeta | null>;

  /** Every version of the document, newest first: metadata only. An unknown document has none. */
  list(docId: string): Promise<VersionMeta[]>;

  /** The document's whole state at that version, as one Yjs update; `null` for an unknown version. */
  content(docId: string, versionId: string): Promise<Uint8Array | null>;

  /**
   * Sets (or, with `null`, clears) a version's name. The kind stays what it was cut as; any version with a
   * name is kept by thinning forever. `null` for an unknown version.
   */
  rename(docId: string, versionId: string, name: string | null): Promise<VersionMeta | null>;

  /**
   * Deletes the versions `policy` drops as of `now` (see `thinning.ts`); named versions and the newest one
   * always stay. Atomic: a crash leaves the versions as before or as after. Returns the deleted ids.
   */
  thin(docId: string, now: number, policy?: ThinningPolicy): Promise<string[]>;

  /** Deletes every version of the document, atomically (for purging a deleted document). */
  deleteAll(docId: string): Promise<void>;
}

/**
 * Lends a document for one synchronous read: calls `read` with it at a moment of the lender's choosing and
 * settles with what `read` returned (or rejects, and the store adds nothing).
 */
export type LendDoc = <T>(read: (doc: Y.Doc) => T) => Promise<T>;

export type VersionKind = 'auto' | 'named' | 'restore';

export const VERSION_KINDS: readonly VersionKind[] = ['auto', 'named', 'restore'];

/** Someone whose edits went into a version, as presence showed them. */
export interface VersionAuthor {
  name: string;
  color: string;
}

export interface VersionMeta {
  /** Unique within the document; a decimal number, higher for later versions. */
  id: string;
  docId: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  name: string | null;
  kind: VersionKind;
  authors: VersionAuthor[];
}

export interface NewVersion {
  /**
   * The document to keep a version of. The store reads it synchronously once the call's turn comes (after
   * earlier calls for the same document), so the version is the document as it is then; keep it alive until
   * the call settles. A `LendDoc` instead chooses when the store reads: for a document that changes while the
   * call waits for its turn (a server's live copy, which may hold updates not yet stored between two reads).
   */
  doc: Y.Doc | LendDoc;
  kind: VersionKind;
  name?: string | null;
  authors?: readonly VersionAuthor[];
  /** Milliseconds since the epoch; default: now. */
  createdAt?: number;
}
