import type { BatchOperation, ClassicLevel } from 'classic-level';

export type LevelDb = ClassicLevel<string, Uint8Array>;
export type LevelOp = BatchOperation<LevelDb, string, Uint8Array>;

/** How a store's writes reach LevelDB. */
export interface LevelWrites {
  /** Writes `ops` as one atomic batch, or as part of one; resolves once it is as durable as promised. */
  write(ops: LevelOp[]): Promise<void>;
  /** `writes` made so far, and how many `syncedBatches` (one fsync each) carried them. */
  readonly stats: WriteStats;
}

export interface WriteStats {
  writes: number;
  syncedBatches: number;
}

/** Each write its own batch, handed to the operating system without fsync: survives a process crash only. */
export function unsyncedWrites(db: LevelDb): LevelWrites {
  const stats: WriteStats = { writes: 0, syncedBatches: 0 };
  return {
    stats,
    write(ops) {
      stats.writes += 1;
      return db.batch(ops);
    },
  };
}

/**
 * Synced writes shared by every document (group commit). LevelDB's `sync: true` fsyncs its write-ahead log
 * once per batch, and that fsync, not the write, is what a synced write costs. So one batch is in flight at a
 * time; the writes that arrive meanwhile, from any document, wait together and go out as the next batch:
 * many documents writing at once pay for one fsync, and a write waits at most for the batch in flight and
 * its own.
 *
 * A batch starts on the next turn of the event loop (setImmediate) rather than at once: the writes made in
 * the same turn then share it, above all those of the documents whose previous write the last batch just
 * finished, which queue their next one from its completion (their lanes run on promise callbacks).
 *
 * Order: batches are written one after another, each with its writes in call order, and LevelDB applies a
 * batch's operations in order, so no write lands before one made earlier. A failed batch fails every write it
 * carried: it was one atomic write, none of which is stored.
 */
export class GroupCommit implements LevelWrites {
  readonly stats: WriteStats = { writes: 0, syncedBatches: 0 };
  private next: Batch | null = null;
  /** A batch is written or about to be: the next one waits for it. */
  private busy = false;

  constructor(private readonly db: LevelDb) {}

  write(ops: LevelOp[]): Promise<void> {
    this.stats.writes += 1;
    const batch = (this.next ??= new Batch());
    batch.parts.push(ops);
    if (!this.busy) this.schedule();
    return batch.done;
  }

  private schedule(): void {
    this.busy = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.next!;
    this.next = null;
    this.stats.syncedBatches += 1;
    await this.db.batch(batch.parts.flat(), { sync: true }).then(batch.resolve, batch.reject);
    if (this.next) this.schedule();
    else this.busy = false;
  }
}

/** The writes that will go out together, and the promise they all resolve with. */
class Batch {
  readonly parts: LevelOp[][] = [];
  resolve!: () => void;
  reject!: (err: unknown) => void;
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}
