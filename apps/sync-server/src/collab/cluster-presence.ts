import type { Logger } from '../observability.js';
import type { Peer } from './peer.js';
import { PresenceBatch } from './presence-batch.js';
import type { ClusterPresence, PresenceBus } from './presence-bus.js';
import type { Presence } from './presence.js';
import { type AwarenessEntry, parseAwarenessUpdate } from './protocol.js';

/**
 * Stands in a room's presence for the peers of another server process: it owns their client ids, and
 * nothing is ever sent to it (the bus carries this process's changes to the others).
 */
class RemoteProcess implements Peer {
  /** Never the address of a client: no connection of this process is ever taken for the same user. */
  readonly address: string;
  constructor(processId: string) {
    this.address = `process ${processId}`;
  }
  send(): void {}
  close(): void {}
  knownClock(): number {
    return 0;
  }
}

/**
 * A room's presence as the other processes of a cluster share it: what this process's peers change goes
 * out on the bus, and each other process's peers take part in the room's presence through one stand-in.
 * With a single process the bus carries nothing and no stand-in is ever made.
 */
export class SharedPresence implements ClusterPresence {
  private readonly remotes = new Map<string, RemoteProcess>();
  /** This process's changes on their way to the bus, merged per tick like those to the peers. */
  private readonly outgoing: PresenceBatch;

  constructor(
    private readonly docId: string,
    private readonly presence: Presence,
    private readonly bus: PresenceBus,
    private readonly logger: Logger,
    /** MAX_AWARENESS_DEPTH: the other processes check it too, but a state is parsed here again. */
    private readonly maxAwarenessDepth: number,
  ) {
    this.outgoing = new PresenceBatch((clientIds) => this.bus.publish(this.docId, this.presence.updateOf(clientIds)));
  }

  /** A change of the room's presence, by `from` (null: states the server timed out). */
  changed(clientIds: readonly number[], from: Peer | null): void {
    // What other processes' peers changed came from the bus; only this process's own go out on it.
    if (from && !(from instanceof RemoteProcess)) this.outgoing.add(clientIds);
  }

  receiveRemoteAwareness(processId: string, update: Uint8Array): void {
    let entries: AwarenessEntry[];
    try {
      entries = parseAwarenessUpdate(update, this.maxAwarenessDepth);
    } catch (err) {
      this.logger.warn({ err, docId: this.docId, processId }, 'ignoring unreadable presence from another process');
      return;
    }
    let remote = this.remotes.get(processId);
    if (!remote) {
      remote = new RemoteProcess(processId);
      this.remotes.set(processId, remote);
      this.presence.addPeer(remote);
    }
    this.presence.receive(remote, update, entries);
  }

  localAwareness(): Uint8Array | null {
    return this.presence.statesOf((peer) => !(peer instanceof RemoteProcess));
  }

  /** Drops what has not gone out yet: the room is going away. */
  destroy(): void {
    this.outgoing.destroy();
  }

  removeRemoteProcess(processId: string): void {
    const remote = this.remotes.get(processId);
    if (!remote) return;
    this.remotes.delete(processId);
    this.presence.removePeer(remote);
  }
}
