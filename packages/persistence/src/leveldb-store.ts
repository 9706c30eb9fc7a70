import { ClassicLevel } from 'classic-level';
import type { DeletedDoc, DocAccess } from './access.js';
import { StoreError, type DocMeta, type DocStore, type OpenDoc } from './doc-store.js';
import { readDocState, type DocState } from './doc-state.js';
import { DocLanes } from './doc-lanes.js';
import { GroupCommit, type LevelDb, type LevelOp, type LevelWrites, type WriteStats, unsyncedWrites } from './group-commit.js';
import { changeAccess, listTrash, readAccess } from './leveldb-access.js';
import { ALL_DOCS, assertDocId, docIdOfKey, docRange, metaKey, updateKey, updateRange } from './keys.js';
import { mergeLog } from './merge.js';
import { StoreWork, toStoreError } from './store-work.js';
import { decodeMeta, emptyMeta, encodeMeta } from './meta-codec.js';
import { LevelDbVersions } from './versions/leveldb-versions.js';
import type { VersionStore } from './versions/version-store.js';

/** Options of the embedded LevelDB store. */
export interface OpenStoreOptions {
  /** Directory of the LevelDB files; created if missing. */
  dir: string;
  /** A document whose log holds more entries than this is compacted in the background. Default 500; Infinity: never. */
  compactThreshold?: number;
  /** Receives the errors of background compactions, which have no caller to reject. Default: ignored. */
  onError?: (err: unknown) => void;
  /**
   * `fsync` (default): a write resolves once it is on the disk, many documents' writes sharing one fsync;
   * `os`: once the operating system has it, which survives the process being killed, not a power cut.
   */
  durability?: Durability;
}

export type Durability = 'fsync' | 'os';

/** The embedded store, with what it tells about its writes (for metrics). */
export interface EmbeddedStore extends DocStore {
  /** Writes made so far (appends, creations, compactions, deletes) and the fsynced batches that carried them. */
  writeStats(): WriteStats;
}

const DEFAULT_COMPACT_THRESHOLD = 500;
/**
 * An explicit compaction (the server's, when it unloads a document) also asks LevelDB to compact the
 * document's key range once the document's folds have left at least this much dead data behind. Otherwise a
 * document that stops changing keeps it: deleted entries live on as tombstones next to the values they hide,
 * in .ldb tables and the write-ahead .log, until unrelated writes happen to compact its range. After a long
 * history those files outweigh the snapshot many times over, and the first load after reopening reads past
 * every dead entry; the range compaction costs a little more time in close. Below the threshold, LevelDB's
 * own compactions keep the waste small enough.
 */
const RECLAIM_AFTER_BYTES = 1024 * 1024;

/**
 * DocStore on an embedded LevelDB (classic-level): one key per appended update, see `keys.ts`.
 *
 * Durability: a resolved append is in LevelDB's write-ahead log, fsynced with `durability: 'fsync'`, so it
 * survives a power cut; with `os`, handed to the operating system only, so it survives the process being
 * killed. Every other write goes the same way, see `write`.
 */
export class LevelDbStore implements EmbeddedStore {
  private readonly states = new Map<string, Promise<DocState>>();
  private readonly compactions = new DocLanes();
  private readonly work: StoreWork;
  private closing: Promise<void> | null = null;
  readonly versions: VersionStore;

  private constructor(
    private readonly db: LevelDb,
    private readonly writes: LevelWrites,
    private readonly compactThreshold: number,
    onError: (err: unknown) => void,
  ) {
    this.work = new StoreWork(onError);
    this.versions = new LevelDbVersions(db, writes, (work) => this.track(work));
  }

  /** Opens (or creates) the store; a directory that cannot be opened, e.g. locked, is StoreError('io'). */
  static async open(options: OpenStoreOptions): Promise<LevelDbStore> {
    const threshold = options.compactThreshold ?? DEFAULT_COMPACT_THRESHOLD;
    if (!(threshold >= 1)) throw new RangeError(`compactThreshold must be at least 1, got ${threshold}`);
    const db: LevelDb = new ClassicLevel(options.dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (err) {
      throw new StoreError('io', `cannot open the store in ${options.dir}: ${describeOpenFailure(err)}`, {
        cause: err,
      });
    }
    const writes = (options.durability ?? 'fsync') === 'fsync' ? new GroupCommit(db) : unsyncedWrites(db);
    return new LevelDbStore(db, writes, threshold, options.onError ?? (() => undefined));
  }

  create(docId: string): Promise<DocMeta> {
    return this.withState(docId, (state) =>
      state.lane.run(async () => {
        if (state.meta === null) {
          const meta = emptyMeta(docId, Date.now());
          await this.write([{ type: 'put', key: metaKey(docId), value: encodeMeta(meta) }]);
          state.meta = meta;
        }
        return { ...state.meta };
      }),
    );
  }

  append(docId: string, updates: readonly Uint8Array[], stateAfter?: () => Uint8Array): Promise<void> {
    if (updates.length === 0) return this.track(async () => assertDocId(docId));
    const batch = [...updates];
    return this.withState(docId, (state) => {
      const firstSeq = state.nextSeq;
      state.nextSeq += batch.length;
      state.queued.push({ firstSeq, updates: batch, stateAfter });
      state.nextFlush ??= state.lane.run(() => this.flush(docId, state));
      return state.nextFlush;
    });
  }

  /**
   * One ordered range read, merged by `mergeLog`. A single entry (a compacted log) is returned as stored,
   * without decoding it. A document with an empty log, including one that was only created, loads as `null`.
   */
  load(docId: string): Promise<Uint8Array | null> {
    return this.track(async () => {
      assertDocId(docId);
      const updates = await this.db.values(updateRange(docId)).all();
      if (updates.length === 0) return null;
      // classic-level hands out Buffers; callers get a plain Uint8Array over the same bytes.
      return updates.length === 1 ? plainView(updates[0]!) : mergeLog(updates);
    });
  }

  /** This process is the only writer, so there are never remote updates to deliver. */
  async open(docId: string): Promise<OpenDoc> {
    return { state: await this.load(docId), close: () => undefined };
  }

  /**
   * Folds the log, then, if folds left enough dead data behind, compacts the document's key range in the
   * background: the fold is what callers wait for; `close` waits for the rest.
   */
  compact(docId: string): Promise<void> {
    return this.withState(docId, async (state) => {
      await this.compactNow(docId, state);
      this.reclaimIfWorthIt(docId, state);
    });
  }

  meta(docId: string): Promise<DocMeta | null> {
    return this.track(async () => {
      assertDocId(docId);
      const bytes = await this.db.get(metaKey(docId));
      return bytes === undefined ? null : decodeMeta(bytes);
    });
  }

  list(): Promise<DocMeta[]> {
    return this.track(async () => {
      const metas: DocMeta[] = [];
      const iterator = this.db.iterator(ALL_DOCS);
      try {
        for (let entry = await iterator.next(); entry !== undefined; entry = await iterator.next()) {
          const [key, value] = entry;
          const docId = docIdOfKey(key);
          if (docId === null) continue;
          if (key === metaKey(docId)) metas.push(decodeMeta(value));
          // The metadata is the first key of a document's range: skip its log, so listing costs one seek per
          // document, not one step per update.
          iterator.seek(docRange(docId).lt);
        }
      } finally {
        await iterator.close();
      }
      // Key order differs from id order ('-' sorts before the '/' that ends an id in a key).
      return metas.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
  }

  delete(docId: string): Promise<void> {
    return this.withState(docId, (state) =>
      state.lane.run(async () => {
        const keys = await this.db.keys(docRange(docId)).all();
        // One batch rather than db.clear, which deletes in chunks: a crash half-way through would leave part
        // of a log behind for `load` to serve.
        if (keys.length > 0) await this.write(keys.map((key): LevelOp => ({ type: 'del', key })));
        state.meta = null;
        state.generation += 1;
      }),
    );
  }

  writeStats(): WriteStats {
    return { ...this.writes.stats };
  }

  access(docId: string): Promise<DocAccess> {
    return this.track(async () => {
      assertDocId(docId);
      return readAccess(this.db, docId);
    });
  }

  /** On the document's lane, like every other write of it, which makes the read-change-write atomic. */
  updateAccess(docId: string, change: (current: DocAccess) => DocAccess): Promise<DocAccess> {
    return this.withState(docId, (state) => state.lane.run(() => changeAccess(this.db, docId, change)));
  }

  listDeleted(): Promise<DeletedDoc[]> {
    return this.track(() => listTrash(this.db));
  }

  /** Waits for every call in flight, background compactions included, then closes the database. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.drainAndClose();
    return this.closing;
  }

  private async drainAndClose(): Promise<void> {
    await this.work.drain();
    try {
      await this.db.close();
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /**
   * Every write of the store goes through here, each one atomic batch. With `fsync` each is fsynced before it
   * resolves, in a batch shared with other documents' writes (GroupCommit), and each needs it:
   * - an append: that is the promise; the server relays an update only once its append resolved.
   * - create and delete: a user got 201 or 204 for them; a deleted document must not come back. The version
   *   history (`LevelDbVersions`) writes the same way: a named version or a rename was answered too.
   * - a compaction's fold would keep every acknowledged update even unsynced: it is one atomic record in
   *   LevelDB's log, and losing it leaves the log it replaced. But LevelDB does not fsync a log file when it
   *   moves on to the next, so an unsynced fold in the old file could be lost while a later, synced append in
   *   the new one survives, with metadata that counts from the folded log. Syncing it costs no more disk work:
   *   it rides in the next shared batch, and that batch's fsync would flush its bytes (same file) anyway.
   * - the metadata rewrite of `reclaim` (unchanged bytes) takes the same path, for one path.
   */
  private write(ops: LevelOp[]): Promise<void> {
    return this.writes.write(ops);
  }

  /** Writes every queued append of the document, and its new metadata, in one atomic batch. */
  private async flush(docId: string, state: DocState): Promise<void> {
    state.nextFlush = null;
    const groups = state.queued.splice(0);
    const ops: LevelOp[] = [];
    let bytes = 0;
    for (const { firstSeq, updates } of groups) {
      updates.forEach((update, i) => {
        ops.push({ type: 'put', key: updateKey(docId, firstSeq + i), value: update });
        bytes += update.byteLength;
      });
    }
    const now = Date.now();
    const base = state.meta ?? emptyMeta(docId, now);
    const meta = { ...base, updatedAt: now, size: base.size + bytes, updates: base.updates + ops.length };
    ops.push({ type: 'put', key: metaKey(docId), value: encodeMeta(meta) });
    await this.write(ops);
    state.meta = meta;
    this.compactIfLong(docId, state, groups[groups.length - 1]!);
  }

  /**
   * Starts a background compaction once the log is long; never delays or fails the append that got here.
   * If that append came with its state, the snapshot is taken now, while the caller still waits for it:
   * encoding a live document is cheap next to merging its log, which costs decoding the stored snapshot plus
   * every entry since.
   */
  private compactIfLong(docId: string, state: DocState, last: DocState['queued'][number]): void {
    if (this.closing || this.compactions.busy(docId) || (state.meta?.updates ?? 0) <= this.compactThreshold) return;
    // `meta.size` now counts exactly the entries up to the snapshot's last one: the lane writes in sequence order.
    const snapshot = last.stateAfter && {
      state: last.stateAfter(),
      upToSeq: last.firstSeq + last.updates.length - 1,
      logBytes: state.meta!.size,
    };
    this.work.background(this.compactNow(docId, state, snapshot));
  }

  /** Starts `reclaim` once the document's folds have left RECLAIM_AFTER_BYTES behind. */
  private reclaimIfWorthIt(docId: string, state: DocState): void {
    if (state.discardedBytes < RECLAIM_AFTER_BYTES) return;
    state.discardedBytes = 0;
    this.work.background(this.reclaim(docId, state));
  }

  /**
   * LevelDB's own compactions are what finally drop deleted entries from disk: asks for them over the
   * document's range. They run in LevelDB's threads, beside appends and loads, and change no key's value, so
   * a crash at any point loses nothing (LevelDB swaps its files atomically).
   */
  private async reclaim(docId: string, state: DocState): Promise<void> {
    const { gte, lt } = docRange(docId);
    // Flushes the memtable, which also empties the write-ahead log, and merges each level into the next.
    await this.db.compactRange(gte, lt);
    // A flushed memtable keeps every version it held, and when nothing below overlaps it (a young store)
    // LevelDB places it on the deepest level in use, which compactRange never merges with itself: the dead
    // data would stay. Rewriting the metadata, unchanged and on the lane like every metadata write, puts a
    // table above it that the second pass merges down, dropping what was deleted or overwritten.
    await state.lane.run(async () => {
      if (state.meta !== null) await this.write([{ type: 'put', key: metaKey(docId), value: encodeMeta(state.meta) }]);
    });
    await this.db.compactRange(gte, lt);
  }

  private compactNow(docId: string, state: DocState, snapshot?: Snapshot): Promise<void> {
    // Chained behind a compaction in progress, so that this one still folds in everything appended before it.
    return this.compactions.run(docId, () => this.foldLog(docId, state, snapshot));
  }

  /**
   * Merges the log as it is now, keys up to N, then in one batch deletes those keys and puts the merged
   * snapshot at N. Appends made meanwhile have sequence numbers above N and stay. The lane writes batches in
   * sequence order, so when N is on disk every lower key that will ever exist is too. With a `snapshot`, N is
   * the last key it covers and its state replaces the merge.
   */
  private async foldLog(docId: string, state: DocState, snapshot?: Snapshot): Promise<void> {
    const generation = state.generation;
    const fold = snapshot ? await this.readKeysUpTo(docId, snapshot) : await this.mergeWholeLog(docId);
    if (!fold) return; // nothing to fold
    const lastKey = fold.keys[fold.keys.length - 1]!;
    await state.lane.run(async () => {
      if (state.generation !== generation || state.meta === null) return; // deleted meanwhile
      const meta = {
        ...state.meta,
        size: state.meta.size - fold.foldedBytes + fold.merged.byteLength,
        updates: state.meta.updates - fold.keys.length + 1,
      };
      const ops = fold.keys.map((key): LevelOp => ({ type: 'del', key }));
      // After the deletes: within a batch the last operation on a key wins, and N is among the deleted keys.
      ops.push({ type: 'put', key: lastKey, value: fold.merged });
      ops.push({ type: 'put', key: metaKey(docId), value: encodeMeta(meta) });
      await this.write(ops);
      state.meta = meta;
      // The folded entries, the old snapshot among them, stay on disk until LevelDB compacts over them.
      state.discardedBytes += fold.foldedBytes;
    });
  }

  /**
   * A snapshot needs only the keys it replaces, not their values: under sustained writing a document folds
   * its log again and again, and reading the values would hold them in memory for nothing and take time from
   * the one shared core.
   */
  private async readKeysUpTo(docId: string, snapshot: Snapshot): Promise<Fold | null> {
    const keys = await this.db.keys({ gte: updateRange(docId).gte, lte: updateKey(docId, snapshot.upToSeq) }).all();
    return keys.length < 2 ? null : { keys, merged: snapshot.state, foldedBytes: snapshot.logBytes };
  }

  private async mergeWholeLog(docId: string): Promise<Fold | null> {
    const entries = await this.db.iterator(updateRange(docId)).all();
    if (entries.length < 2) return null;
    const values = entries.map(([, value]) => value);
    return {
      keys: entries.map(([key]) => key),
      merged: mergeLog(values),
      foldedBytes: values.reduce((sum, value) => sum + value.byteLength, 0),
    };
  }

  /** Runs a call on the document's state, loaded on first use. */
  private withState<T>(docId: string, work: (state: DocState) => Promise<T>): Promise<T> {
    return this.track(async () => {
      assertDocId(docId);
      // Every call awaits the same promise, and promise reactions run first-in first-out, so calls reach
      // `work` in the order they were made.
      return work(await this.state(docId));
    });
  }

  private state(docId: string): Promise<DocState> {
    const known = this.states.get(docId);
    if (known) return known;
    const loading = readDocState(this.db, docId);
    this.states.set(docId, loading);
    // A failed read must not stick: the next call reads again.
    loading.catch(() => {
      if (this.states.get(docId) === loading) this.states.delete(docId);
    });
    return loading;
  }

  /** Rejects once the store is closing; otherwise runs `work`, reporting its failures as StoreErrors. */
  private track<T>(work: () => Promise<T>): Promise<T> {
    return this.work.call(this.closing !== null, work);
  }
}

/** A document's whole state as of the append that ended at sequence number `upToSeq`. */
interface Snapshot {
  state: Uint8Array;
  upToSeq: number;
  /** Bytes of the log entries up to `upToSeq`: what the fold takes out of the document's size. */
  logBytes: number;
}

/** What a compaction replaces (`keys`, `foldedBytes` of them) and with what. */
interface Fold {
  keys: string[];
  merged: Uint8Array;
  foldedBytes: number;
}

function describeOpenFailure(err: unknown): string {
  // abstract-level reports LEVEL_DATABASE_NOT_OPEN and keeps the reason in `cause`.
  const reason = err instanceof Error && err.cause !== undefined ? err.cause : err;
  if (reason instanceof Error && 'code' in reason && reason.code === 'LEVEL_LOCKED') {
    return 'it is already open in another process or store';
  }
  return reason instanceof Error ? reason.message : String(reason);
}

function plainView(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
