import type { DocStore, OpenDoc } from '@collab/persistence';
import { Gauge } from 'prom-client';
import type * as Y from 'yjs';
import type { Limits } from '../config.js';
import type { Health } from '../health.js';
import type { HistoryDeps } from './version-cutter.js';
import type { Logger, Metrics } from '../observability.js';
import { createClientIds } from './client-ids.js';
import type { Peer } from './peer.js';
import type { PresenceBus } from './presence-bus.js';
import { CloseCode } from './protocol.js';
import { Room } from './room.js';

/** The registry of loaded documents: it alone decides when a room is loaded and unloaded. */
export interface Rooms {
  /**
   * Adds `peer` to the document's room, loading it first if needed. Concurrent joins share one load; a join
   * during an unload waits for it to finish and then loads afresh. Rejects if the stored document cannot
   * be loaded.
   */
  join(docId: string, peer: Peer): Promise<Room>;
  /**
   * Removes `peer`, whose client ids stay reserved for CLIENT_ID_GRACE_S; a room left empty is unloaded
   * after the grace period unless someone joins.
   */
  leave(room: Room, peer: Peer): void;
  /**
   * Runs `work` on the document's room, loaded for the call and kept loaded until it settles, as if one more
   * peer were connected. Rejects like `join`.
   */
  use<T>(docId: string, work: (room: Room) => Promise<T>): Promise<T>;
  /**
   * Runs `read` on a loaded document (not one still loading or unloading) as stored, between its write
   * rounds (see `Room.readStored`); undefined if the document is not loaded.
   */
  readLoaded<T>(docId: string, read: (doc: Y.Doc) => T): Promise<T> | undefined;
  /** Number of documents loaded now. */
  readonly size: number;
  /** Peers in every room together. */
  readonly peers: number;
  /** Rooms left without peers that are still loaded (waiting out their grace period) or unloading. */
  readonly emptying: number;
  /** Closes every peer, writes what they sent before that, compacts and unloads every room. Joins reject. */
  close(): Promise<void>;
}

export interface RoomsOptions {
  store: DocStore;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  /** Carries presence to the other processes of a cluster; `singleProcess` otherwise. */
  presenceBus: PresenceBus;
  /** Version history: each room cuts versions as it is edited. */
  history?: HistoryDeps;
  limits: Limits;
  /** How long an empty room stays loaded, so that a reload or a quick reconnect does not load it again. */
  unloadGraceMs?: number;
  /** Told of each room unloaded, with about its document's size as stored (its memory grows with it). */
  onUnloaded?: (storedBytes: number) => void;
}

export function createRooms({
  store,
  logger,
  metrics,
  health,
  presenceBus,
  history,
  limits,
  unloadGraceMs = 2_000,
  onUnloaded,
}: RoomsOptions): Rooms {
  /** Rooms loaded or loading, by document id. */
  const live = new Map<string, Promise<Room>>();
  /** The same rooms once loaded, for synchronous lookups and identity checks. */
  const loaded = new Map<string, Room>();
  const unloading = new Map<string, Promise<void>>();
  const unloadTimers = new Map<Room, NodeJS.Timeout>();
  /** Each room's handle on the store, which feeds it the updates other processes store (cluster mode). */
  const openDocs = new Map<Room, OpenDoc>();
  const detachPresence = new Map<Room, () => void>();
  // Process-wide, so that a client id stays reserved across the unloading of its room.
  const clientIds = createClientIds(limits.clientIdGraceMs);
  new Gauge({
    name: 'collab_client_ids_held',
    help: 'Yjs client ids owned by open connections or reserved for their users after they closed',
    registers: [metrics.registry],
    collect() {
      this.set(clientIds.size);
    },
  });
  let closed = false;
  let peers = 0;

  async function load(docId: string): Promise<Room> {
    const room = new Room(docId, {
      store,
      presenceBus,
      logger,
      metrics,
      health,
      history,
      limits,
      clientIds,
      // A broken room is dropped at once, without compaction: the next join loads what the store holds.
      onBroken: (broken) => void unload(broken, { compact: false }),
    });
    try {
      const opened = await store.open(docId, (updates) => room.receiveRemote(updates));
      openDocs.set(room, opened);
      if (opened.state) room.loadStored(opened.state);
    } catch (err) {
      openDocs.get(room)?.close();
      openDocs.delete(room);
      room.destroy();
      metrics.storeErrors.inc({ operation: 'load' });
      throw err;
    }
    detachPresence.set(room, presenceBus.attach(docId, room.cluster));
    metrics.documentsLoaded.inc();
    loaded.set(docId, room);
    return room;
  }

  /** Forgets the room (only if it is still the live one), then drains, compacts and destroys it. */
  async function unload(room: Room, { compact }: { compact: boolean }): Promise<void> {
    if (loaded.get(room.id) !== room) return;
    clearTimeout(unloadTimers.get(room));
    unloadTimers.delete(room);
    live.delete(room.id);
    loaded.delete(room.id);
    const done = (async () => {
      openDocs.get(room)?.close();
      openDocs.delete(room);
      detachPresence.get(room)?.();
      detachPresence.delete(room);
      await room.drain();
      // The last version of what the room's peers wrote, read before the room goes (never rejects).
      await room.versions?.close();
      if (compact && room.dirty) {
        try {
          await store.compact(room.id);
        } catch (err) {
          // The log is already durable; compaction only makes the next load faster.
          metrics.storeErrors.inc({ operation: 'compact' });
          logger.warn({ err, docId: room.id }, 'compaction on unload failed');
        }
      }
      room.destroy();
      metrics.documentsLoaded.dec();
    })();
    unloading.set(room.id, done);
    try {
      await done;
    } finally {
      if (unloading.get(room.id) === done) unloading.delete(room.id);
    }
    // Once it no longer counts as emptying.
    onUnloaded?.(room.storedBytes);
  }

  return {
    async join(docId, peer) {
      for (;;) {
        if (closed) throw new Error('the server is shutting down');
        const pendingUnload = unloading.get(docId);
        if (pendingUnload) {
          await pendingUnload;
          continue;
        }
        let loading = live.get(docId);
        if (!loading) {
          loading = load(docId);
          live.set(docId, loading);
          // A failed load must not stay cached: the next join tries again.
          loading.catch(() => live.get(docId) === loading && live.delete(docId));
        }
        const room = await loading;
        // Re-check after the await: the room may have been unloaded while this join waited.
        if (live.get(docId) !== loading) continue;
        clearTimeout(unloadTimers.get(room));
        unloadTimers.delete(room);
        room.add(peer);
        peers++;
        return room;
      }
    },

    async use(docId, work) {
      // Holds the room like a connection does: not unloaded while the work runs.
      const holder: Peer = { address: 'the server', send: () => undefined, close: () => undefined, knownClock: () => 0 };
      const room = await this.join(docId, holder);
      try {
        return await work(room);
      } finally {
        this.leave(room, holder);
      }
    },

    leave(room, peer) {
      room.remove(peer);
      peers--;
      clientIds.release(peer);
      if (room.size > 0 || closed || unloadTimers.has(room) || loaded.get(room.id) !== room) return;
      const timer = setTimeout(() => {
        unload(room, { compact: true }).catch((err: unknown) => logger.error({ err, docId: room.id }, 'unload failed'));
      }, unloadGraceMs);
      unloadTimers.set(room, timer);
    },

    readLoaded(docId, read) {
      return loaded.get(docId)?.readStored(read);
    },

    get size() {
      return live.size;
    },

    get peers() {
      return peers;
    },

    get emptying() {
      return unloadTimers.size + unloading.size;
    },

    async close() {
      closed = true;
      clientIds.close();
      const rooms = await Promise.allSettled(live.values());
      await Promise.allSettled(unloading.values());
      const open = rooms.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      for (const room of open) room.closePeers(CloseCode.GoingAway, 'server shutting down');
      await Promise.all(open.map((room) => unload(room, { compact: true })));
    },
  };
}
