import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { messageSync } from 'y-websocket';
import * as Y from 'yjs';

/**
 * A y-websocket server in memory, enough for the editor's sync logic: it sends sync step 1 on open, answers
 * step 1 with step 2 from its document, and applies updates, optionally held back to play a slow store.
 */
export class FakeServer {
  readonly doc = new Y.Doc();
  readonly sockets = new Set<FakeSocket>();
  /** Sync step 1 messages received: each client's on connecting, then every check of its save tracker. */
  syncRequests = 0;
  holdWrites = false;
  private held: Uint8Array[] = [];

  /** A WebSocket class for the provider's WebSocketPolyfill option, connected to this server. */
  get Socket(): typeof WebSocket {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const server = this;
    return class extends FakeSocket {
      constructor() {
        super(server);
      }
    } as unknown as typeof WebSocket;
  }

  /** Applies the writes held back so far, as a store catching up would. */
  release(): void {
    for (const update of this.held) Y.applyUpdate(this.doc, update, this);
    this.held = [];
  }

  /** An update from another client, relayed to every socket. */
  applyRemote(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, this);
    const frame = syncFrame((encoder) => syncProtocol.writeUpdate(encoder, update));
    for (const socket of this.sockets) socket.deliver(frame);
  }

  open(socket: FakeSocket): void {
    this.sockets.add(socket);
    socket.deliver(syncFrame((encoder) => syncProtocol.writeSyncStep1(encoder, this.doc)));
  }

  receive(socket: FakeSocket, data: Uint8Array): void {
    const decoder = decoding.createDecoder(data);
    if (decoding.readVarUint(decoder) !== messageSync) return;
    const type = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (type === syncProtocol.messageYjsSyncStep1) {
      this.syncRequests++;
      socket.deliver(syncFrame((encoder) => syncProtocol.writeSyncStep2(encoder, this.doc, payload)));
    } else if (this.holdWrites) {
      this.held.push(payload);
    } else {
      Y.applyUpdate(this.doc, payload, this);
    }
  }
}

function syncFrame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageSync);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

class FakeSocket {
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 0;
  binaryType = 'arraybuffer';
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(private readonly server: FakeServer) {
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({});
      server.open(this);
    }, 0);
  }

  send(data: Uint8Array): void {
    if (this.readyState === 1) this.server.receive(this, data);
  }

  close(): void {
    this.readyState = 3;
    this.server.sockets.delete(this);
  }

  deliver(frame: Uint8Array): void {
    // Asynchronous, like a network: the sender's handler finishes first.
    setTimeout(() => this.readyState === 1 && this.onmessage?.({ data: frame.slice().buffer }), 0);
  }
}
