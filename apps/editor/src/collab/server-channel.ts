import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import { messageAuth, messageSync, type WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/**
 * Lets the editor ask the server what it holds, over the standard y-websocket protocol. The server answers
 * every sync step 1 with a sync step 2, "everything you lack", computed from its document as applied so far,
 * and it applies an update only once it is stored (docs/protocol.md). A step 1 that claims to know
 * nothing of some clients gets back everything the server has stored of them, plus its whole delete set.
 */
export interface ServerChannel {
  /** True once this client has answered the server's sync step 1 on the current socket (the handshake). */
  isReady(): boolean;
  onReady(listener: () => void): () => void;
  /** The server's y-protocols auth "permission denied": it will not apply this client's document updates. */
  onDenied(listener: (reason: string) => void): () => void;
  /**
   * Sends a sync step 1 with `stateVector` and calls `onAnswer` with the update of the server's answer. Only
   * while ready; returns false otherwise. A socket that closes first drops the request.
   */
  requestState(stateVector: Map<number, number>, onAnswer: (update: Uint8Array) => void): boolean;
  destroy(): void;
}

type MessageHandler = WebsocketProvider['messageHandlers'][number];

const SOCKET_OPEN = 1; // WebSocket.OPEN, spelled out so tests can run with a socket polyfill

export function watchServer(provider: WebsocketProvider): ServerChannel {
  const readyListeners = new Set<() => void>();
  const deniedListeners = new Set<(reason: string) => void>();
  // One entry per sync step 1 sent on the current socket, in order: the server answers them in order.
  // Null stands for the provider's own step 1, sent when the socket opens.
  let awaitingAnswers: Array<((update: Uint8Array) => void) | null> = [];
  let readySocket: WebSocket | null = null;

  const onStatus = ({ status }: { status: string }) => {
    // Emitted when a socket opens, just before the provider sends its own sync step 1 on it.
    if (status === 'connected') awaitingAnswers = [null];
  };
  const onClose = () => {
    awaitingAnswers = [];
    readySocket = null;
  };

  const handleSync = provider.messageHandlers[messageSync] as MessageHandler;
  const observedSync: MessageHandler = (encoder, decoder, target, fromSocket, messageType) => {
    const peek = decoding.clone(decoder);
    const syncType = decoding.readVarUint(peek);
    handleSync(encoder, decoder, target, fromSocket, messageType);
    // BroadcastChannel traffic from this browser's other tabs says nothing about the server.
    if (!fromSocket) return;
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      const socket = provider.ws;
      // The provider sends our answer after this handler returns; ready means that answer has gone out.
      queueMicrotask(() => {
        if (socket === null || provider.ws !== socket || readySocket === socket) return;
        readySocket = socket;
        for (const listener of [...readyListeners]) listener();
      });
    } else if (syncType === syncProtocol.messageYjsSyncStep2) {
      awaitingAnswers.shift()?.(decoding.readVarUint8Array(peek));
    }
  };
  const handleAuth = provider.messageHandlers[messageAuth] as MessageHandler;
  const observedAuth: MessageHandler = (_encoder, decoder) => {
    authProtocol.readAuthMessage(decoder, provider.doc, (_doc, reason: string) => {
      for (const listener of [...deniedListeners]) listener(reason);
    });
  };
  provider.messageHandlers[messageSync] = observedSync;
  provider.messageHandlers[messageAuth] = observedAuth;
  provider.on('status', onStatus);
  provider.on('connection-close', onClose);

  const isReady = () => readySocket !== null && provider.ws === readySocket;
  return {
    isReady,
    onReady(listener) {
      readyListeners.add(listener);
      return () => readyListeners.delete(listener);
    },
    onDenied(listener) {
      deniedListeners.add(listener);
      return () => deniedListeners.delete(listener);
    },
    requestState(stateVector, onAnswer) {
      const socket = provider.ws;
      if (!isReady() || socket === null || socket.readyState !== SOCKET_OPEN) return false;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageSync);
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1);
      encoding.writeVarUint8Array(encoder, Y.encodeStateVector(stateVector));
      socket.send(encoding.toUint8Array(encoder));
      awaitingAnswers.push(onAnswer);
      return true;
    },
    destroy() {
      provider.off('status', onStatus);
      provider.off('connection-close', onClose);
      provider.messageHandlers[messageSync] = handleSync;
      provider.messageHandlers[messageAuth] = handleAuth;
      readyListeners.clear();
      deniedListeners.clear();
    },
  };
}
