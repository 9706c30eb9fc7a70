import type { WebsocketProvider } from 'y-websocket';
import { createStore, type ReadableStore } from './store';

/** The contract's data-status values for [data-testid=connection-status]. */
export type ConnectionStatus = 'connected' | 'connecting' | 'offline' | 'denied';

export interface ConnectionState {
  status: ConnectionStatus;
  /** The 44xx code the server closed with, when denied, and its reason ("link revoked", "document deleted"…). */
  closeCode: number | null;
  closeReason: string;
  /** Whether this session has completed a sync with the server at least once. */
  everSynced: boolean;
}

export interface NetworkEvents {
  isOnline(): boolean;
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

const browserNetwork: NetworkEvents = {
  isOnline: () => navigator.onLine,
  addEventListener: (type, listener) => window.addEventListener(type, listener),
  removeEventListener: (type, listener) => window.removeEventListener(type, listener),
};

/**
 * Connects the provider while the browser reports a network and maps its state to a ConnectionStatus. An open
 * WebSocket does not notice that the network is gone (it would sit "connected" until its 30 s watchdog fires),
 * so going offline disconnects the provider here and coming back online reconnects it at once. A 44xx close is
 * final: the stock provider stops retrying and emits `closed`, and nothing here reconnects it.
 *
 * The first connection waits for `ready` (the local copy loaded): the first sync request then states all this
 * browser holds, edits made offline under an earlier page's client id included. The server gives such a client
 * id back only to a sync request that holds all the document has of it (see the server's client-ids.ts);
 * edits sent before would be another user's writing under that id, and refused.
 */
export function followConnection(
  provider: WebsocketProvider,
  ready: Promise<unknown>,
  network: NetworkEvents = browserNetwork,
): { state: ReadableStore<ConnectionState>; dispose(): void } {
  let started = false;
  let disposed = false;
  let closeCode: number | null = null;
  let closeReason = '';
  let everSynced = false;
  const state = createStore<ConnectionState>(compute());

  function compute(): ConnectionState {
    let status: ConnectionStatus = 'connecting';
    if (closeCode !== null) status = 'denied';
    else if (!network.isOnline()) status = 'offline';
    else if (provider.wsconnected && provider.synced) status = 'connected';
    return { status, closeCode, closeReason, everSynced };
  }
  function refresh() {
    everSynced ||= provider.synced;
    const next = compute();
    const current = state.get();
    if (next.status !== current.status || next.closeCode !== current.closeCode || next.everSynced !== current.everSynced) {
      state.set(next);
    }
  }
  const onClosed = ({ code, reason }: { code: number; reason: string }) => {
    closeCode = code;
    closeReason = reason;
    refresh();
  };
  const onOnline = () => {
    if (started && closeCode === null) provider.connect();
    refresh();
  };
  const onOffline = () => {
    provider.disconnect();
    refresh();
  };

  provider.on('status', refresh);
  provider.on('sync', refresh);
  provider.on('closed', onClosed);
  network.addEventListener('online', onOnline);
  network.addEventListener('offline', onOffline);
  const start = () => {
    if (disposed) return;
    started = true;
    if (network.isOnline()) provider.connect();
    refresh();
  };
  ready.then(start, start);
  refresh();

  return {
    state,
    dispose() {
      disposed = true;
      provider.off('status', refresh);
      provider.off('sync', refresh);
      provider.off('closed', onClosed);
      network.removeEventListener('online', onOnline);
      network.removeEventListener('offline', onOffline);
    },
  };
}
