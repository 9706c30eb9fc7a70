/**
 * The store of uploaded files (images) beside the documents: content-addressed by the SHA-256 of their bytes,
 * so identical bytes are kept once however many documents use them. Each upload records that its document
 * references the file; a file is served for a document only through such a reference. Both implementations
 * (a directory on disk for one process, PostgreSQL for a cluster) pass the behaviour suite in
 * `file-store.suite.ts`.
 */
export interface FileStore {
  /**
   * Stores the bytes `chunks` yields as one file of `type` referenced by `docId`, and resolves once both are
   * durable. If `chunks` throws (a body over the size limit, a client that went away) or the store fails, nothing
   * is kept: no partial file and no reference.
   */
  put(docId: string, type: string, chunks: AsyncIterable<Uint8Array>): Promise<StoredFile>;

  /** The file `sha` as `docId` references it, or null when that document holds no reference to it. */
  get(docId: string, sha: string): Promise<FileContent | null>;

  /** The ids of the documents that reference at least one file. */
  documents(): Promise<string[]>;

  /**
   * Drops every reference `docId` holds (its document is gone). A file nothing references any more becomes
   * unreferenced as of now; `deleteUnreferenced` removes it once the grace period has passed.
   */
  forgetDocument(docId: string): Promise<void>;

  /**
   * Deletes every file that has had no reference for the grace period (30 days by default) and anything a
   * crashed upload left behind; returns the hashes of the files deleted.
   */
  deleteUnreferenced(): Promise<string[]>;

  /** Waits for work in progress, then releases the store. */
  close(): Promise<void>;
}

export interface StoredFile {
  /** Lowercase hex SHA-256 of the bytes. */
  sha: string;
  /** The media type recorded at upload (the server sniffs it from the bytes). */
  type: string;
  size: number;
}

export interface FileContent extends StoredFile {
  /** The bytes, read when the stream is consumed. */
  stream(): ReadableStream<Uint8Array>;
}

/** Options every implementation takes. */
export interface FileStoreClock {
  /** Milliseconds since the epoch; tests move it forward to check the grace period. Default Date.now. */
  now?: () => number;
  /** How long a file stays after its last reference went. Default 30 days. */
  unreferencedGraceMs?: number;
}

/** A file's id: the lowercase hex SHA-256 of its bytes. */
export const FILE_SHA_PATTERN = /^[0-9a-f]{64}$/;

export const DEFAULT_UNREFERENCED_GRACE_MS = 30 * 24 * 3600 * 1000;
