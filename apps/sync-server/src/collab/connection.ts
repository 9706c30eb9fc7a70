import type { WebSocket } from 'ws';
import { type Role, canEdit } from '../auth/tokens.js';
import type { Limits } from '../config.js';
import type { Logger, Metrics } from '../observability.js';
import { withEnforcedName } from './enforced-name.js';
import { type ClientMessage, CloseCode, ProtocolError, decodeMessage, encodePermissionDenied } from './protocol.js';
import type { Peer } from './peer.js';
import type { Room } from './room.js';
import type { Rooms } from './rooms.js';
import { TokenBucket } from './token-bucket.js';

/** What a connection needs of its socket (a `ws` WebSocket). */
export type ConnectionSocket = Pick<WebSocket, 'send' | 'close' | 'terminate' | 'bufferedAmount'>;

export interface ConnectionDeps {
  rooms: Rooms;
  logger: Logger;
  metrics: Metrics;
  limits: Limits;
}

/**
 * What one held update is counted as at least, in MAX_HELD_BYTES: keeping an update costs an object and a
 * slot besides its bytes, so that a flood of tiny ones is bounded too.
 */
const HELD_UPDATE_OVERHEAD = 256;
/**
 * Clocks of at most this many client ids are kept from sync requests (for `knownClock`): enough for any
 * document people edit, and an attacker's vector of millions is not held for the connection's life.
 */
const MAX_KEPT_CLOCKS = 100_000;
/** The `ws` error codes of a message over its `maxPayload` (the second: a length past 2^53). */
const TOO_LARGE = new Set(['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH']);
/** A socket asked to close is cut off after this long, so that a peer that never answers holds nothing. */
const CLOSE_GRACE_MS = 1_000;

/**
 * One admitted socket on one document. Frames are handled one at a time in arrival order; those that
 * arrive while the document loads wait in `queue`, so the first sync reply already holds the whole document.
 * Any failure closes this socket only.
 */
export class Connection implements Peer {
  private room: Room | null = null;
  private queue: Uint8Array[] = [];
  private closed = false;
  private deniedSent = false;
  /**
   * Updates received before the client's answer to the server's sync step 1 (its sync step 2). A client
   * that comes back with unsent edits sends them in that answer, and what it types meanwhile depends on
   * them: applied first, such an update would leave Yjs waiting for structs it does not have yet.
   */
  private heldUntilStep2: Uint8Array[] | null = [];
  private heldBytes = 0;
  /** What the client's sync requests showed it holds of each client id (the highest clock shown). */
  private clocks = new Map<number, number>();
  private readonly messageBudget: TokenBucket;
  private readonly byteBudget: TokenBucket;
  private readonly syncBudget: TokenBucket;

  constructor(
    private readonly socket: ConnectionSocket,
    readonly docId: string,
    readonly role: Role,
    /** The client's address (see `ClientInfo.address`), for the rules that tell users apart by it. */
    readonly address: string,
    private readonly deps: ConnectionDeps,
    /** The name this connection's presence must carry (a token's `name` claim), if any. */
    private readonly presenceName?: string,
  ) {
    const { messagesPerSecond, bytesPerSecond, maxMessageBytes } = deps.limits;
    this.messageBudget = new TokenBucket(messagesPerSecond, 2 * messagesPerSecond);
    // The byte bucket always holds at least one message of the largest allowed size: a big paste must pass.
    this.byteBudget = new TokenBucket(bytesPerSecond, Math.max(2 * bytesPerSecond, maxMessageBytes));
    // Bursts of a tenth of a minute's worth: the editor asks after every pause in typing whether its edits are stored.
    const { syncRequestsPerMinute } = deps.limits;
    this.syncBudget = new TokenBucket(syncRequestsPerMinute / 60, Math.max(10, syncRequestsPerMinute / 10));
    deps.metrics.connections.inc();
    deps.logger.info({ docId, role }, 'connection open');
    deps.rooms.join(docId, this).then(
      (room) => this.attach(room),
      (err: unknown) => {
        deps.logger.error({ err, docId }, 'document could not be loaded');
        this.close(CloseCode.Unavailable, 'document unavailable');
      },
    );
  }

  /** A frame from the socket: binary y-websocket messages only. */
  receive(data: Uint8Array | string): void {
    if (this.closed) return;
    if (typeof data === 'string') return this.reject('text-frame', CloseCode.BadRequest, 'text frames are not accepted');
    // Messages over MAX_MESSAGE_BYTES never get here: the socket refuses them (see `socketFailed`).
    if (!this.messageBudget.take() || !this.byteBudget.take(data.byteLength)) {
      return this.reject('rate-limit', CloseCode.Unavailable, 'rate limit exceeded');
    }
    if (this.room) this.handleSafely(this.room, data);
    else this.queue.push(data);
  }

  send(frame: Uint8Array): void {
    if (this.closed) return;
    // A client that stops reading would make the server buffer without bound; it resyncs when it returns.
    if (this.socket.bufferedAmount > this.deps.limits.maxBufferedBytes) {
      return this.reject('slow-consumer', CloseCode.Unavailable, 'not reading fast enough');
    }
    this.socket.send(frame);
  }

  close(code: CloseCode, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  /**
   * The socket failed and is closing itself: it refused what the client sent (a frame that breaks the
   * protocol: 1002; a message over MAX_MESSAGE_BYTES: 4413, refused from its header, before it is read), or
   * the connection under it failed.
   */
  socketFailed(err: Error & { code?: string }): void {
    if (this.closed) return;
    this.closed = true;
    // `ws` codes its refusals; anything else is the client's network, not a message refused.
    if (!err.code?.startsWith('WS_ERR_')) return;
    const reason = TOO_LARGE.has(err.code ?? '') ? 'too-large' : 'malformed';
    this.deps.metrics.rejectedMessages.inc({ reason });
    this.deps.logger.warn({ docId: this.docId, reason }, 'closing connection: ' + err.message);
  }

  knownClock(clientId: number): number {
    return this.clocks.get(clientId) ?? 0;
  }

  /** The socket has closed, whoever closed it. */
  closedBySocket(code: number): void {
    this.closed = true;
    this.queue = [];
    this.heldUntilStep2 = null;
    if (this.room) this.deps.rooms.leave(this.room, this);
    this.room = null;
    this.deps.metrics.connections.dec();
    this.deps.logger.info({ docId: this.docId, role: this.role, code }, 'connection closed');
  }

  private attach(room: Room): void {
    if (this.closed) {
      // The socket went away while the document loaded.
      this.deps.rooms.leave(room, this);
      return;
    }
    this.room = room;
    const queued = this.queue;
    this.queue = [];
    for (const data of queued) {
      if (this.closed) return;
      this.handleSafely(room, data);
    }
  }

  /** A bug in handling one message must cost this connection, not the process or the other peers. */
  private handleSafely(room: Room, data: Uint8Array): void {
    try {
      this.handle(room, data);
    } catch (err) {
      this.deps.logger.error({ err, docId: this.docId }, 'message handling failed');
      this.close(CloseCode.InternalError, 'internal error');
    }
  }

  private handle(room: Room, data: Uint8Array): void {
    let message: ClientMessage;
    try {
      message = decodeMessage(data, this.deps.limits);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      return this.reject('malformed', CloseCode.BadRequest, err.message);
    }
    switch (message.kind) {
      case 'sync-step1':
        return this.syncRequest(room, message);
      case 'update':
        return this.receiveUpdate(room, message);
      case 'awareness':
        if (message.update.byteLength > this.deps.limits.maxAwarenessBytes) {
          return this.reject('too-large', CloseCode.TooLarge, 'awareness update too large');
        }
        if (this.presenceName !== undefined) {
          const named = withEnforcedName(message.entries, this.presenceName);
          return room.receiveAwareness(this, named.update, named.entries);
        }
        return room.receiveAwareness(this, message.update, message.entries);
      case 'query-awareness':
        return room.sendAwareness(this);
      case 'auth':
        return;
    }
  }

  /**
   * A sync request (sync step 1): answered with what the client lacks. Each one costs the server an answer
   * as large as what the client asks for, so they are rationed per connection.
   */
  private syncRequest(room: Room, { stateVector, clocks }: Extract<ClientMessage, { kind: 'sync-step1' }>): void {
    if (!this.syncBudget.take()) return this.reject('sync-rate', CloseCode.TooManyRequests, 'too many sync requests');
    // The highest clock any request showed: a client still holds what it once held, and not every sync step 1
    // states it all (the editor's save check leaves out the clients whose edits it asks about).
    for (const [clientId, clock] of clocks) {
      if (this.clocks.size >= MAX_KEPT_CLOCKS && !this.clocks.has(clientId)) break;
      if (clock > (this.clocks.get(clientId) ?? 0)) this.clocks.set(clientId, clock);
    }
    room.syncStep1(this, stateVector);
  }

  private receiveUpdate(room: Room, { update, empty, step2 }: Extract<ClientMessage, { kind: 'update' }>): void {
    if (canEdit(this.role)) {
      const held = this.heldUntilStep2;
      if (held && !step2) {
        if (empty) return;
        this.heldBytes += Math.max(update.byteLength, HELD_UPDATE_OVERHEAD);
        if (this.heldBytes > this.deps.limits.maxHeldBytes) {
          return this.reject('held-too-much', CloseCode.TooLarge, 'too much sent before the answer to the sync request');
        }
        held.push(update);
        return;
      }
      if (step2) this.heldUntilStep2 = null;
      // A sync step 2 with nothing in it is every client's answer when it has nothing new: not a write.
      if (!empty) room.receiveUpdate(this, update);
      for (const later of held ?? []) room.receiveUpdate(this, later);
      return;
    }
    if (empty) return;
    // View links never change the document. Say so once; the connection stays open for reading.
    if (!this.deniedSent) {
      this.deniedSent = true;
      this.send(encodePermissionDenied('this link is read-only'));
    }
  }

  private reject(reason: string, code: CloseCode, message: string): void {
    this.deps.metrics.rejectedMessages.inc({ reason });
    this.deps.logger.warn({ docId: this.docId, reason }, 'closing connection: ' + message);
    this.close(code, message);
  }
}
