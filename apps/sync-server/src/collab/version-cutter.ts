import type { LendDoc, ThinningPolicy, VersionAuthor, VersionMeta, VersionStore } from '@collab/persistence';
import type * as Y from 'yjs';
import type { Peer } from './peer.js';
import type { Logger } from '../observability.js';
import { authorsOf, distinctAuthors } from './version-authors.js';

/** Time as the history sees it: the system's, or one a test moves by hand (the interval, thinning ages). */
export interface HistoryClock {
  now(): number;
  /** Runs `run` after `ms` without keeping the process alive; returns what cancels it. */
  schedule(run: () => void, ms: number): () => void;
}

export const systemClock: HistoryClock = {
  now: () => Date.now(),
  schedule(run, ms) {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** What every room's versions share: the store, the interval, the thinning policy, the clock. */
export interface HistoryDeps {
  versions: VersionStore;
  /** At most one automatic version per this much time of editing. */
  intervalMs: number;
  thinning: ThinningPolicy;
  clock: HistoryClock;
  logger: Logger;
}

/** What the cutter needs of its room. */
export interface CutSource {
  /** Lends the document as stored, between write rounds (`Room.readStored`). */
  lend: LendDoc;
  /** The presence `user` fields of a peer (`Presence.usersOf`). */
  usersOf(peer: Peer): unknown[];
}

/**
 * The automatic versions of one loaded document, and who wrote in each. A write round that stores a peer's
 * edits makes it an author of the next version and, if no version is due yet, starts the interval: when it
 * ends, a version is cut, so a document edited without pause gets one per interval and an idle one none. A
 * version is also cut when the last peer that wrote since the previous one leaves, and when the document
 * unloads. Every cut reads the document between write rounds (the store asks `lend` for it when its turn
 * comes) and adds a version only if the document changed; thinning follows each version added.
 *
 * In a cluster each process cuts what its own peers wrote; the store adds a state once however many processes
 * cut it, and an interval's cuts at most once between them (`minGapMs`).
 */
export class VersionCutter {
  /**
   * Peers whose edits were stored since the last version, with the authors their presence named when last
   * looked at: a leaving client may clear its presence before its socket closes, so it is read at the write.
   */
  private readonly writers = new Map<Peer, VersionAuthor[]>();
  private cancelTimer: (() => void) | null = null;
  private closed = false;
  /** Automatic cuts under way, which `close` waits for: the room must outlive their reads. */
  private readonly cutting = new Set<Promise<void>>();

  constructor(
    private readonly docId: string,
    private readonly deps: HistoryDeps,
    private readonly source: CutSource,
  ) {}

  /** A write round stored what `writers` sent. Called on the write path: only bookkeeping here. */
  stored(writers: ReadonlySet<Peer>): void {
    for (const peer of writers) if (!this.writers.has(peer)) this.writers.set(peer, this.authorsNow(peer, []));
    if (this.cancelTimer || this.closed) return;
    this.cancelTimer = this.deps.clock.schedule(() => {
      this.cancelTimer = null;
      this.cutTracked({ minGapMs: this.deps.intervalMs });
    }, this.deps.intervalMs);
  }

  /** `peer` is leaving (its presence still known); `others` are the peers that stay. */
  leaving(peer: Peer, others: Iterable<Peer>): void {
    const known = this.writers.get(peer);
    if (!known) return;
    this.writers.set(peer, this.authorsNow(peer, known));
    for (const other of others) if (other !== peer && this.writers.has(other)) return;
    this.cutTracked({});
  }

  /**
   * Adds a version of the document now, changed or not (a named version, or the state before a restore).
   * `doc`: the document itself, for a caller that holds the write rounds (a restore); else it is lent.
   */
  async add(kind: 'named' | 'restore', name: string | null, doc?: Y.Doc): Promise<VersionMeta> {
    const taken = this.takeWriters();
    try {
      const added = await this.deps.versions.add(this.docId, {
        doc: doc ?? this.source.lend,
        kind,
        name,
        authors: authorsIn(taken),
        createdAt: this.deps.clock.now(),
      });
      this.thinLater();
      return added;
    } catch (err) {
      this.giveBack(taken);
      throw err;
    }
  }

  /** The document unloads: cuts what changed since the last version, then stops. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    await Promise.all(this.cutting);
    await this.cut({});
  }

  private cutTracked(options: { minGapMs?: number }): void {
    const cut = this.cut(options).finally(() => this.cutting.delete(cut));
    this.cutting.add(cut);
  }

  /** An automatic version, if anyone wrote since the last one and the document changed. Never rejects. */
  private async cut(options: { minGapMs?: number }): Promise<void> {
    if (this.writers.size === 0) return;
    const taken = this.takeWriters();
    try {
      const added = await this.deps.versions.addIfChanged(
        this.docId,
        { doc: this.source.lend, kind: 'auto', authors: authorsIn(taken), createdAt: this.deps.clock.now() },
        options,
      );
      // Nothing added: within the gap of another version, or (in a cluster) cut by another process. The
      // authors wait for the next version.
      if (added) this.thinLater();
      else this.giveBack(taken);
    } catch (err) {
      this.giveBack(taken);
this.deps.logger.warn({ err, docId: this.docId }, 'cutting a version failed');
    }
  }

  /** Thins the document's versions after one was added; its failure only leaves more versions for a while. */
  private thinLater(): void {
    const { versions, clock, thinning, logger } = this.deps;
    versions
      .thin(this.docId, clock.now(), thinning)
      .catch((err: unknown) => logger.warn({ err, docId: this.docId }, 'thinning versions failed'));
  }

  /** The writers so far with their authors, leaving none. */
  private takeWriters(): Map<Peer, VersionAuthor[]> {
    const taken = new Map<Peer, VersionAuthor[]>();
    for (const [peer, authors] of this.writers) taken.set(peer, this.authorsNow(peer, authors));
    this.writers.clear();
    return taken;
  }

  /** The authors `peer`'s presence names now, or `known` if it names none (any more). */
  private authorsNow(peer: Peer, known: VersionAuthor[]): VersionAuthor[] {
    const now = authorsOf(this.source.usersOf(peer));
    return now.length > 0 ? now : known;
  }

  /** Writers whose version was not added: they are authors of the next one. */
  private giveBack(taken: Map<Peer, VersionAuthor[]>): void {
    for (const [peer, authors] of taken) if (!this.writers.has(peer)) this.writers.set(peer, authors);
  }
}

const authorsIn = (taken: Map<Peer, VersionAuthor[]>) => distinctAuthors([...taken.values()].flat());
