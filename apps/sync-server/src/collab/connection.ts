import type { WebSocket } from 'ws';
import type { Role } from '../auth/tokens.js';
import type { Logger, Metrics } from '../observability.js';
import { type ClientMessage, CloseCode, ProtocolError, decodeMessage, encodePermissionDenied } from './protocol.js';
import type { Peer, Room } from './room.js';
import type { Rooms } from './rooms.js';

export interface ConnectionDeps {
  rooms: Rooms;
  logger: Logger;
  metrics: Metrics;
  maxMessageBytes: number;
}

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

  constructor(
    private readonly socket: WebSocket,
    readonly docId: string,
    readonly role: Role,
    private readonly deps: ConnectionDeps,
  ) {
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
    if (data.byteLength > this.deps.maxMessageBytes) {
      return this.reject('too-large', CloseCode.TooLarge, `message larger than ${this.deps.maxMessageBytes} bytes`);
    }
    if (this.room) this.handleSafely(this.room, data);
    else this.queue.push(data);
  }

  send(frame: Uint8Array): void {
    if (!this.closed) this.socket.send(frame);
  }

  close(code: CloseCode, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }

  /** The socket has closed, whoever closed it. */
  closedBySocket(code: number): void {
    this.closed = true;
    this.queue = [];
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
      message = decodeMessage(data);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      return this.reject('malformed', CloseCode.BadRequest, err.message);
    }
    switch (message.kind) {
      case 'sync-step1':
        return room.syncStep1(this, message.stateVector);
      case 'update':
        return this.receiveUpdate(room, message.update, message.empty);
      case 'awareness':
        return room.receiveAwareness(this, message.update);
      case 'query-awareness':
        return room.sendAwareness(this);
      case 'auth':
        return;
    }
  }

  private receiveUpdate(room: Room, update: Uint8Array, empty: boolean): void {
    // A sync step 2 with nothing in it is every client's answer to the server's step 1: not a write.
    if (empty) return;
    if (this.role === 'edit') return room.receiveUpdate(this, update);
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
