import { rm } from 'node:fs/promises';
import { type DocStore, openStore } from '@collab/persistence';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { loadConfig } from '../config.js';
import { createHealth } from '../health.js';
import { createLogger, createMetrics } from '../observability.js';
import { makeTempDir } from '../test/helpers.js';
import { singleProcess } from './presence-bus.js';
import { recordingPeer } from '../test/recording-peer.js';
import { type Rooms, createRooms } from './rooms.js';

describe('the room registry', () => {
  let dir: string;
  let store: DocStore;
  let loads: number;
  let rooms: Rooms;

  beforeEach(async () => {
    dir = await makeTempDir();
    store = await openStore({ dir });
    loads = 0;
    const load = store.load.bind(store);
    store.load = (id) => {
      loads++;
      return load(id);
    };
    rooms = createRooms({
      presenceBus: singleProcess,
      store,
      logger: createLogger('silent'),
      metrics: createMetrics(),
      health: createHealth(),
      limits: loadConfig({}).limits,
      unloadGraceMs: 1_000,
    });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await rooms.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const storedDoc = async (id: string, text: string) => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, text);
    await store.append(id, [Y.encodeStateAsUpdate(doc)]);
  };

  it('shares one load among concurrent first joins', async () => {
    await storedDoc('shared', 'hello');
    const joined = await Promise.all(Array.from({ length: 10 }, () => rooms.join('shared', recordingPeer())));
    expect(loads).toBe(1);
    expect(new Set(joined).size).toBe(1);
    expect(await joined[0]!.readStored((doc) => doc.getText('t').toString())).toBe('hello');
    expect(joined[0]!.size).toBe(10);
  });

  it('keeps an empty room for the grace period, then unloads it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await storedDoc('grace', 'x');
    const peer = recordingPeer();
    const room = await rooms.join('grace', peer);
    rooms.leave(room, peer);
    await vi.advanceTimersByTimeAsync(900);
    expect(rooms.size).toBe(1);
    // A join within the grace period gets the same room without a load.
    const again = recordingPeer();
    expect(await rooms.join('grace', again)).toBe(room);
    rooms.leave(room, again);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(rooms.size).toBe(0));
    expect(loads).toBe(1);
  });

  it('lets a join that arrives during an unload wait for it, then load afresh with everything', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const writer = recordingPeer();
    const room = await rooms.join('busy', writer);
    const edit = new Y.Doc();
    edit.getText('t').insert(0, 'written just before leaving');
    room.receiveUpdate(writer, Y.encodeStateAsUpdate(edit));
    rooms.leave(room, writer);
    await vi.advanceTimersByTimeAsync(1_000); // the unload starts: drain, compact, destroy
    const reloaded = await rooms.join('busy', recordingPeer());
    expect(reloaded).not.toBe(room);
    expect(await reloaded.readStored((doc) => doc.getText('t').toString())).toBe('written just before leaving');
    expect(loads).toBe(2);
  });

  it('retries a load that failed instead of caching the failure', async () => {
    const working = store.load;
    store.load = async () => {
      throw new Error('disk on fire');
    };
    await expect(rooms.join('flaky', recordingPeer())).rejects.toThrow('disk on fire');
    store.load = working;
    await expect(rooms.join('flaky', recordingPeer())).resolves.toBeDefined();
  });
});
