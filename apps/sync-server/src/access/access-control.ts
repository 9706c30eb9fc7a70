import type { DocAccess, DocStore } from '@collab/persistence';
import type { Grant } from '../auth/tokens.js';
import type { Logger } from '../observability.js';
import type { AccessBus } from './access-bus.js';
import { AccessDenied, type DenialKind, denial, linkExpiry } from './policy.js';

/** Called once when a watched grant loses its rights; the socket that holds it closes. */
export type Revoke = (kind: DenialKind) => void;

/**
 * Enforces documents' access states on the grants of this process's sockets and requests.
 *
 * The state of a document that has open sockets here is cached with the grants they hold ("watchers"), so a
 * socket's admission costs a lookup, not a store read. Every change, made here (`change`) or announced by
 * another process (the bus), replaces the cached state and checks every watcher against it at once: those
 * whose link was reset, turned off or deleted are revoked. A watcher whose link expires is revoked by a timer.
 */
export interface AccessControl {
  /**
   * Checks a socket's grant and keeps it under watch until the returned release is called. Rejects with
   * AccessDenied when the grant gives no access now.
   */
  watch(grant: Grant, revoke: Revoke): Promise<() => void>;
  /** Checks a request's grant; resolves with the document's access state, or rejects with AccessDenied. */
  check(grant: Grant): Promise<DocAccess>;
  /** Stores `change(current)` (atomically, see DocStore.updateAccess), applies it to every socket, tells the cluster. */
  change(docId: string, change: (current: DocAccess) => DocAccess): Promise<DocAccess>;
  close(): void;
}

export interface AccessControlOptions {
  store: DocStore;
  bus: AccessBus;
  logger: Logger;
  now: () => number;
}

interface Watcher {
  grant: Grant;
  revoke: Revoke;
}

interface Entry {
  state: DocAccess;
  watchers: Set<Watcher>;
  expiryTimer: NodeJS.Timeout | null;
  expiryAt: number;
}

/** setTimeout's longest delay; an expiry further away is looked at again when the timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createAccessControl({ store, bus, logger, now }: AccessControlOptions): AccessControl {
  const entries = new Map<string, Entry>();
  /** Store reads in flight; a change announced meanwhile makes a read stale, and it reads again. */
  const reads = new Map<string, { result: Promise<DocAccess>; stale: boolean }>();

  function readStored(docId: string): Promise<DocAccess> {
    const inFlight = reads.get(docId);
    if (inFlight) return inFlight.result;
    const read = { stale: false, result: Promise.resolve(null as unknown as DocAccess) };
    read.result = (async () => {
      try {
        for (;;) {
          read.stale = false;
          const state = await store.access(docId);
          if (!read.stale) return state;
        }
      } finally {
        if (reads.get(docId) === read) reads.delete(docId);
      }
    })();
    reads.set(docId, read);
    return read.result;
  }

  /** The cached entry, created for `state` if missing, holding the newer of the two states. */
  function adopt(docId: string, state: DocAccess): Entry {
    let entry = entries.get(docId);
    if (!entry) {
      entry = { state, watchers: new Set(), expiryTimer: null, expiryAt: Infinity };
      entries.set(docId, entry);
    } else if (state.version > entry.state.version) {
      entry.state = state;
    }
    return entry;
  }

  /** A newer state for a cached document: every watcher is checked against it at once. */
  function update(docId: string, state: DocAccess): void {
    const entry = entries.get(docId);
    if (!entry || state.version <= entry.state.version) return;
    entry.state = state;
    enforce(docId, entry);
  }

  function enforce(docId: string, entry: Entry): void {
    const at = now();
    for (const watcher of entry.watchers) {
      const kind = denial(watcher.grant, entry.state, at);
      if (kind === null) continue;
      entry.watchers.delete(watcher);
      watcher.revoke(kind);
    }
    if (!dropIfUnused(docId, entry)) scheduleExpiry(docId, entry, at);
  }

  /**
   * One timer per cached document, for the earliest expiry of its edit and view links still to come after
   * `at`. Callers pass the instant their watchers were judged at: a timer may fire a millisecond early, and
   * reading the clock again here could find the expiry already past while the check just found it ahead,
   * leaving the link open with no timer.
   */
  function scheduleExpiry(docId: string, entry: Entry, at: number): void {
    const next = Math.min(
      ...[linkExpiry(entry.state, 'edit'), linkExpiry(entry.state, 'view')].map((t) => (t !== null && t > at ? t : Infinity)),
    );
    if (next === entry.expiryAt) return;
    if (entry.expiryTimer) clearTimeout(entry.expiryTimer);
    entry.expiryTimer = null;
    entry.expiryAt = next;
    if (next === Infinity) return;
    entry.expiryTimer = setTimeout(() => {
      entry.expiryTimer = null;
      entry.expiryAt = Infinity;
      enforce(docId, entry);
    }, Math.min(next - at, MAX_TIMER_MS));
    entry.expiryTimer.unref();
  }

  function dropIfUnused(docId: string, entry: Entry): boolean {
    if (entry.watchers.size > 0) return false;
    if (entry.expiryTimer) clearTimeout(entry.expiryTimer);
    if (entries.get(docId) === entry) entries.delete(docId);
    return true;
  }

  function markStale(docId: string): void {
    const read = reads.get(docId);
    if (read) read.stale = true;
  }

  async function refresh(docId: string): Promise<void> {
    try {
      update(docId, await readStored(docId));
    } catch (err) {
      logger.warn({ err, docId }, 'could not read a changed access state; sockets keep the previous one');
    }
  }

  /**
   * The state a grant is judged by. A token of a generation newer than the cached state was issued by a
   * change this process has not heard of yet: the store decides.
   */
  async function stateFor(grant: Grant): Promise<DocAccess> {
    const state = entries.get(grant.docId)?.state ?? (await readStored(grant.docId));
    return denial(grant, state, now()) === 'unknown-generation' ? store.access(grant.docId) : state;
  }

  bus.listen({
    onChange(docId) {
      markStale(docId);
      if (entries.has(docId)) void refresh(docId);
    },
    onGap() {
      for (const read of reads.values()) read.stale = true;
      for (const docId of entries.keys()) void refresh(docId);
    },
  });

  return {
    async watch(grant, revoke) {
      const state = await stateFor(grant);
      // Synchronous from here: no change can be applied between this check and the watcher taking its place.
      const entry = adopt(grant.docId, state);
      const at = now();
      const kind = denial(grant, entry.state, at);
      if (kind !== null) {
        dropIfUnused(grant.docId, entry);
        throw new AccessDenied(kind);
      }
      const watcher = { grant, revoke };
      entry.watchers.add(watcher);
      scheduleExpiry(grant.docId, entry, at);
      return () => {
        if (entry.watchers.delete(watcher)) dropIfUnused(grant.docId, entry);
      };
    },

    async check(grant) {
      const state = await stateFor(grant);
      const kind = denial(grant, state, now());
      if (kind !== null) throw new AccessDenied(kind);
      return state;
    },

    async change(docId, change) {
      const state = await store.updateAccess(docId, change);
      markStale(docId);
      update(docId, state);
      bus.publish(docId);
      return state;
    },

    close() {
      for (const entry of entries.values()) if (entry.expiryTimer) clearTimeout(entry.expiryTimer);
      entries.clear();
    },
  };
}
