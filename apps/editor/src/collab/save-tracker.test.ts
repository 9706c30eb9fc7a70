import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { FakeServer } from '../test/fake-server';
import { trackSaves } from './save-tracker';
import { watchServer } from './server-channel';

// The tracker's checks, the fake network and the provider all run on timers: fake ones, which each test runs
// up to the event it waits for, so that nothing depends on how fast the machine is.
const cleanups: Array<() => void> = [];
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  vi.useRealTimers();
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

/** Runs the fake clock, timer after timer, until `check` holds. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let timers = 0; timers < 100; timers++) {
    if (check()) return;
    await vi.advanceTimersToNextTimerAsync();
  }
  throw new Error(`never happened: ${what}`);
}

/**
 * Makes `change` while the server holds its writes: pending until the server applies it, saved after. Pending
 * is checked once the tracker has asked the server twice: it keeps one check in flight, so a second one means
 * it has read the answer to the first and found the server behind.
 */
async function savedOnlyOnceApplied(server: FakeServer, saves: ReturnType<typeof connect>['saves'], change: () => void) {
  server.holdWrites = true;
  change();
  expect(saves.state.get()).toBe('pending');
  const asked = server.syncRequests;
  await until('two checks', () => server.syncRequests >= asked + 2);
  expect(saves.state.get()).toBe('pending');
  server.release();
  await until('saved', () => saves.state.get() === 'saved');
}

describe('trackSaves', () => {
  it('reports saved only once the server has applied the change', async () => {
    const server = new FakeServer();
    const { doc, provider, saves } = connect(server);
    await until('the handshake', () => provider.synced);
    expect(saves.state.get()).toBe('saved');

    await savedOnlyOnceApplied(server, saves, () => doc.getText('t').insert(0, 'hello'));
    expect(server.doc.getText('t').toString()).toBe('hello');
  });

  it('treats a deletion like any other change', async () => {
    const server = new FakeServer();
    const { doc, provider, saves } = connect(server);
    await until('the handshake', () => provider.synced);
    doc.getText('t').insert(0, 'keep drop');
    await until('the insertion saved', () => saves.state.get() === 'saved');

    await savedOnlyOnceApplied(server, saves, () => doc.getText('t').delete(4, 5));
    expect(server.doc.getText('t').toString()).toBe('keep');
  });

  it('confirms edits made before the connection once the handshake has sent them', async () => {
    const server = new FakeServer();
    const { doc, provider, saves } = connect(server, { connect: false });
    doc.getText('t').insert(0, 'written offline');
    expect(saves.state.get()).toBe('pending');
    provider.connect();
    await until('saved', () => saves.state.get() === 'saved');
    expect(server.doc.getText('t').toString()).toBe('written offline');
  });

  it('stays saved when changes come from the server', async () => {
    const server = new FakeServer();
    const { doc, provider, saves } = connect(server);
    await until('the handshake', () => provider.synced);
    const other = new Y.Doc();
    other.getText('t').insert(0, 'from someone else');
    server.applyRemote(Y.encodeStateAsUpdate(other));
    // The tracker takes in each update as the document applies it: had it counted this one, it would say so now.
    await until('the remote change', () => doc.getText('t').toString() === 'from someone else');
    expect(saves.state.get()).toBe('saved');
  });
});
