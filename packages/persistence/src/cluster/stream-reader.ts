import type { Redis } from 'ioredis';
import { docIdOfLogKey, logKey } from './redis-keys.js';
import { decodeEntry, type RawEntry, type StreamEntry } from './stream-codec.js';
import { compareIds, idTime } from './stream-id.js';

/** Entries per stream per read: bounds the memory of one reply when the reader is far behind. */
const COUNT = 100;
/** Longest wait of one read; a new document interrupts it sooner (CLIENT UNBLOCK), so this only bounds surprises. */
const BLOCK_MS = 5_000;
/** Pause after a failed reload, so that a document whose reload keeps failing does not spin the loop. */
const RETRY_MS = 500;

export interface ReaderOptions {
  /** A connection for the reader alone: XREAD BLOCK holds it for the whole wait. */
  connection: Redis;
  /** Another connection, to send CLIENT UNBLOCK to the reader's while it waits. */
  control: Redis;
  /** Entries written by this process are skipped: its rooms applied them already. */
  processId: string;
  /** A document's whole state and the stream id it covers, for a reader that missed trimmed entries. */
  reload(docId: string): Promise<{ state: Uint8Array | null; lastId: string }>;
  onError(err: unknown): void;
}

interface Subscription {
  docId: string;
  /** Every entry up to this id has been delivered or was part of the state the document was opened with. */
  lastId: string;
  deliver(updates: Uint8Array[]): void;
}

/**
 * The one reader of a process: a loop of `XREAD BLOCK` over the streams of every open document, delivering the
 * entries of other processes to that document's subscribers in stream order. After a lost connection the loop
 * waits for ioredis to reconnect and reads on from each document's last id, so nothing is missed.
 */
export class StreamReader {
  private readonly subscriptions = new Map<string, Set<Subscription>>();
  private stopped = false;
  private readonly loop: Promise<void>;
  /** Wakes the loop while it waits for a first subscription or for the connection. */
  private wake: (() => void) | null = null;
  /** The reader connection's CLIENT ID, which changes with each reconnect; `null` until asked again. */
  private clientId: number | null = null;
  /** Counts reads; an XREAD is in progress while `reading` is true. */
  private round = 0;
  private reading = false;
  /** Timestamp of the newest id delivered by the last read if that read was cut short by COUNT (behind). */
  private behindAt: number | null = null;

  constructor(private readonly options: ReaderOptions) {
    options.connection.on('ready', () => {
      this.clientId = null;
      this.notify();
    });
    this.loop = this.run();
  }

  /** Delivers the updates other processes append to `docId` after `fromId`, until the returned function is called. */
  subscribe(docId: string, fromId: string, deliver: (updates: Uint8Array[]) => void): () => void {
    const subscription: Subscription = { docId, lastId: fromId, deliver };
    let set = this.subscriptions.get(docId);
    if (!set) this.subscriptions.set(docId, (set = new Set()));
    set.add(subscription);
    this.notify();
    this.interrupt();
    return () => {
      set.delete(subscription);
      // A stream left out of the next read costs nothing; no need to interrupt the current one.
      if (set.size === 0 && this.subscriptions.get(docId) === set) this.subscriptions.delete(docId);
    };
  }

  /** Seconds between now and the newest entry delivered while behind; 0 once a read came back short. */
  lagSeconds(): number {
    return this.behindAt === null ? 0 : Math.max(0, (Date.now() - this.behindAt) / 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.notify();
    // Rejects a read in progress at once.
    this.options.connection.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.subscriptions.size === 0 || this.options.connection.status !== 'ready') {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      try {
        await this.readOnce();
      } catch (err) {
        // A dropped connection rejects the read; the loop then waits for 'ready'. Anything else is reported.
        if (!this.stopped && this.options.connection.status === 'ready') {
          this.options.onError(err);
          await sleep(RETRY_MS);
        }
      }
    }
  }

  private async readOnce(): Promise<void> {
    const { connection } = this.options;
    this.clientId ??= Number(await connection.client('ID'));
    const docIds = [...this.subscriptions.keys()];
    const fromIds = docIds.map((docId) => this.earliestId(docId));
    this.round += 1;
    this.reading = true;
    let reply: [Buffer, RawEntry[]][] | null;
    try {
      reply = await connection.xreadBuffer(
        'COUNT',
        COUNT,
        'BLOCK',
        BLOCK_MS,
        'STREAMS',
        ...docIds.map(logKey),
        ...fromIds,
      );
    } finally {
      this.reading = false;
    }
    let behindAt: number | null = null;
    for (const [key, entries] of reply ?? []) {
      const docId = docIdOfLogKey(key.toString());
      if (docId === null || entries.length === 0) continue;
      for (const subscription of [...(this.subscriptions.get(docId) ?? [])]) await this.deliver(subscription, entries);
      if (entries.length === COUNT) {
        const newest = idTime(entries[entries.length - 1]![0].toString());
        behindAt = Math.min(behindAt ?? newest, newest);
      }
    }
    this.behindAt = behindAt;
  }

  /**
   * Passes on the entries after the subscription's last id, coalesced into one call. A trim marker for entries
   * past that id means compaction removed some before they were read; the document's state is then reloaded
   * and delivered whole (Yjs ignores what a document already has).
   */
  private async deliver(subscription: Subscription, entries: RawEntry[]): Promise<void> {
    const readFrom = subscription.lastId;
    const updates: Uint8Array[] = [];
    for (const [rawId, fields] of entries) {
      const id = rawId.toString();
      if (compareIds(id, subscription.lastId) <= 0) continue; // read for another subscriber that is further behind
      let entry: StreamEntry;
      try {
        entry = decodeEntry(fields);
      } catch (err) {
        // Retrying cannot fix an entry that does not decode; report it and read on.
        this.options.onError(err);
        subscription.lastId = id;
        continue;
      }
      // Every entry up to `upTo` was trimmed before this read was served: those after `readFrom` were missed.
      // Back to `readFrom`, so that if the reload fails, the next read finds this marker again.
      if (entry.kind === 'trimmed' && compareIds(entry.upTo, readFrom) > 0) {
        subscription.lastId = readFrom;
        return this.reload(subscription);
      }
      if (entry.kind === 'append' && entry.processId !== this.options.processId) updates.push(...entry.updates);
      subscription.lastId = id;
    }
    if (updates.length > 0) this.notifySubscriber(subscription, updates);
  }

  private async reload(subscription: Subscription): Promise<void> {
    try {
      const { state, lastId } = await this.options.reload(subscription.docId);
      if (compareIds(lastId, subscription.lastId) > 0) subscription.lastId = lastId;
      if (state) this.notifySubscriber(subscription, [state]);
    } catch (err) {
      // The marker is still in the stream, so the next read finds it and tries again.
      this.options.onError(err);
      await sleep(RETRY_MS);
    }
  }

  private notifySubscriber(subscription: Subscription, updates: Uint8Array[]): void {
    if (!this.subscriptions.get(subscription.docId)?.has(subscription)) return; // closed meanwhile
    try {
      subscription.deliver(updates);
    } catch (err) {
      this.options.onError(err);
    }
  }

  private earliestId(docId: string): string {
    let earliest: string | null = null;
    for (const { lastId } of this.subscriptions.get(docId) ?? []) {
      if (earliest === null || compareIds(lastId, earliest) < 0) earliest = lastId;
    }
    return earliest!;
  }

  private notify(): void {
    this.wake?.();
    this.wake = null;
  }

  /**
   * Ends the current XREAD early, so that a newly opened document joins the next one. CLIENT UNBLOCK answers 0
   * when the XREAD has not reached Redis yet (the two connections are not ordered), so it is retried until
   * that read is over.
   */
  private interrupt(): void {
    if (!this.reading || this.clientId === null) return;
    const { round, clientId } = this;
    void (async () => {
      while (!this.stopped && this.reading && this.round === round) {
        const unblocked = await this.options.control.client('UNBLOCK', clientId).catch(() => 1);
        if (unblocked === 1) return;
        await sleep(5);
      }
    })();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
