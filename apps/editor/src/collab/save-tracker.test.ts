import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { FakeServer } from '../test/fake-server';
import { trackSaves } from './save-tracker';
import { watchServer } from './server-channel';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function connect(server: FakeServer, { doc = new Y.Doc(), connect = true } = {}) {
  const provider = new WebsocketProvider('ws://test', 'doc', doc, { WebSocketPolyfill: server.Socket, disableBc: true, connect });
  const channel = watchServer(provider);
  const saves = trackSaves(doc, provider, channel);
  cleanups.push(() => {
    saves.dispose();
    channel.destroy();
    provider.destroy();
  });
  return { doc, provider, saves };
}

const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 3000, interval: 20 });

describe('trackSaves', () => {
  it('reports saved only once the server has applied the change', async () => {
    const server = new FakeServer();
    const { doc, provider, saves } = connect(server);
    await waitFor(() => expect(provider.synced).toBe(true));
    expect(saves.state.get()).toBe('saved');

    server.holdWrites = true;
    doc.getText('t').insert(0, 'hello');
    expect(saves.state.get()).toBe('pending');
    // Checks go on and find the server behind: still pending.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(saves.state.get()).toBe('pending');

    server.release();
    await waitFor(() => expect(saves.state.get()).toBe('saved'));
    expect(server.doc.getText('t').toString()).toBe('hello');
  });

  it('treats a deletion like any other change', async () => {
    const server = new FakeServer();
    const { doc, provider, saves } = connect(server);
    await waitFor(() => expect(provider.synced).toBe(true));
    doc.getText('t').insert(0, 'keep drop');
    await waitFor(() => expect(saves.state.get()).toBe('saved'));

    server.holdWrites = true;
    doc.getText('t').delete(4, 5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(saves.state.get()).toBe('pending');
    server.release();
    await waitFor(() => expect(saves.state.get()).toBe('saved'));
  });

  it('confirms edits made before the connection once the handshake has sent them', async () => {
    const server = new FakeServer();
    const { doc, provider, saves } = connect(server, { connect: false });
    doc.getText('t').insert(0, 'written offline');
    expect(saves.state.get()).toBe('pending');
    provider.connect();
    await waitFor(() => expect(saves.state.get()).toBe('saved'));
    expect(server.doc.getText('t').toString()).toBe('written offline');
  });

  it('stays saved when changes come from the server', async () => {
    const server = new FakeServer();
    const { doc, provider, saves } = connect(server);
    await waitFor(() => expect(provider.synced).toBe(true));
    const other = new Y.Doc();
    other.getText('t').insert(0, 'from someone else');
    server.applyRemote(Y.encodeStateAsUpdate(other));
    await waitFor(() => expect(doc.getText('t').toString()).toBe('from someone else'));
    expect(saves.state.get()).toBe('saved');
  });
});
