import { rm } from 'node:fs/promises';
import { type DocStore, openStore } from '@collab/persistence';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { type Limits, loadConfig } from '../config.js';
import { createHealth } from '../health.js';
import { createLogger, createMetrics } from '../observability.js';
import { type StoreControl, controlStore } from '../test/controlled-store.js';
import { makeTempDir } from '../test/helpers.js';
import { recordingPeer, textOf, textUpdate } from '../test/recording-peer.js';
import { type ClientIds, createClientIds } from './client-ids.js';
import { singleProcess } from './presence-bus.js';
import { CloseCode, encodeAwarenessEntries, parseAwarenessUpdate } from './protocol.js';
import { Room, RoomGoneError } from './room.js';

const EMPTY_STATE_VECTOR = Uint8Array.of(0);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('a room', () => {
  let dir: string;
  let store: DocStore;
  let control: StoreControl;
  let room: Room;
  let broken: number;
  let clientIds: ClientIds;

  beforeEach(async () => {
    dir = await makeTempDir();
    store = await openStore({ dir });
    control = controlStore(store);
    broken = 0;
    clientIds = createClientIds(60_000);
    room = newRoom();
  });
  afterEach(async () => {
    vi.useRealTimers();
    room.destroy();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  function newRoom(limits: Partial<Limits> = {}): Room {
    return new Room('doc', {
      store,
      logger: createLogger('silent'),
      metrics: createMetrics(),
      health: createHealth(),
      presenceBus: singleProcess,
      limits: { ...loadConfig({}).limits, ...limits },
      clientIds,
      onBroken: () => void broken++,
    });
  }

  const join = (name: string) => {
    const peer = recordingPeer(name);
    room.add(peer);
    return peer;
  };
  const storedText = async () => {
    const doc = new Y.Doc();
    const state = await store.load('doc');
    if (state) Y.applyUpdate(doc, state);
    return textOf(doc);
  };
  /** Resolves once the room's document equals the store (no round or reload under way). */
  const settled = () => room.readStored(() => undefined);

  describe('write rounds', () => {
    it('stores a round before relaying it, and relays it to every peer but its sender', async () => {
      const [writer, reader] = [join('writer'), join('reader')];
      const held = control.holdNextAppend();
      room.receiveUpdate(writer, textUpdate('hello'));
      await held.reached;
      expect(reader.kinds()).not.toContain('update');
      held.release();
      await room.drain();
      expect(await storedText()).toBe('hello');
      expect(reader.kinds()).toContain('update');
      expect(textOf(reader.doc())).toBe('hello');
      expect(writer.kinds()).not.toContain('update');
      expect(room.dirty).toBe(true);
    });

    it('merges the updates of one turn into one write and one frame, which a partial sender gets whole', async () => {
      const [a, b, reader] = [join('a'), join('b'), join('reader')];
      room.receiveUpdate(a, textUpdate('A'));
      room.receiveUpdate(b, textUpdate('B'));
      await room.drain();
      expect(control.appends).toBe(1);
      expect(reader.kinds().filter((kind) => kind === 'update')).toHaveLength(1);
      expect(textOf(a.doc())).toHaveLength(2);
      expect(textOf(reader.doc())).toBe(await storedText());
    });

    it('relays what another process stored without storing it again', async () => {
      const [writer, reader] = [join('writer'), join('reader')];
      room.receiveRemote([textUpdate('from elsewhere')]);
      await room.drain();
      expect(control.appends).toBe(0);
      for (const peer of [writer, reader]) expect(textOf(peer.doc())).toBe('from elsewhere');
    });

    it('closes a sender whose update depends on data the document does not have (4400), storing nothing of it', async () => {
      const [sender, reader] = [join('sender'), join('reader')];
      const client = new Y.Doc();
      textUpdate('first', client);
      room.receiveUpdate(sender, textUpdate('second', client));
      await room.drain();
      expect(sender.closes).toEqual([{ code: CloseCode.BadRequest, reason: expect.stringContaining('depends on data') }]);
      expect(reader.kinds()).not.toContain('update');
      expect(await storedText()).toBe('');
      // Nothing of it lingers to be handed to a newcomer.
      const newcomer = join('newcomer');
      room.syncStep1(newcomer, EMPTY_STATE_VECTOR);
      expect(textOf(newcomer.doc())).toBe('');
    });
  });

  describe('client ids', () => {
    const presenceOf = (clientId: number, clock: number, name = `client ${clientId}`) => {
      const update = encodeAwarenessEntries([{ clientId, clock, state: { name } }]);
      return [update, parseAwarenessUpdate(update, 16)] as const;
    };
    /** A client with Yjs client id 7 that has written `text`. */
    const client7 = () => {
      const doc = new Y.Doc();
      doc.clientID = 7;
      return doc;
    };

    it('belong to the peer that used one first: another peer’s presence for it is ignored, its update closes it (4409)', async () => {
      const [ada, eve, reader] = [join('ada'), join('eve'), join('reader')];
      const adaDoc = client7();
      room.receiveAwareness(ada, ...presenceOf(7, 1));
      room.receiveUpdate(ada, textUpdate('mine', adaDoc));
      await room.drain();
      room.receiveAwareness(eve, ...presenceOf(7, 2, 'Eve'));
      expect(reader.presence().get(7)).toEqual({ name: 'client 7' });
      // Eve writing as client 7, continuing where Ada is: Ada's next edit would be dropped by Yjs.
      const mallory = join('mallory');
      const malloryDoc = new Y.Doc();
      Y.applyUpdate(malloryDoc, Y.encodeStateAsUpdate(adaDoc));
      // Set after: Yjs would change its own client id on receiving structs of it.
      malloryDoc.clientID = 7;
      room.receiveUpdate(mallory, textUpdate('stolen ', malloryDoc));
      await room.drain();
      expect(mallory.closes).toEqual([{ code: CloseCode.Conflict, reason: 'client id belongs to another connection' }]);
      room.receiveUpdate(ada, textUpdate('still ', adaDoc));
      await room.drain();
      expect(await storedText()).toBe('still mine');
      expect(textOf(reader.doc())).toBe('still mine');
      expect([...ada.closes, ...eve.closes, ...reader.closes]).toEqual([]);
    });

    it('stay reserved after the peer left; its user continuing from the same address takes them over', async () => {
      const ada = join('ada');
      const adaDoc = client7();
      room.receiveUpdate(ada, textUpdate('mine', adaDoc));
      await room.drain();
      room.remove(ada);
      clientIds.release(ada);
      // Someone else, even knowing everything of client 7.
      const [eve, reader] = [join('eve'), join('reader')];
      eve.clocks.set(7, 4);
      room.receiveAwareness(eve, ...presenceOf(7, 5, 'Eve'));
      const eveDoc = new Y.Doc();
      Y.applyUpdate(eveDoc, Y.encodeStateAsUpdate(adaDoc));
      eveDoc.clientID = 7;
      room.receiveUpdate(eve, textUpdate('stolen ', eveDoc));
      await room.drain();
      expect(eve.closes.map((c) => c.code)).toEqual([CloseCode.Conflict]);
      // Ada's client reconnecting: same address, its sync request holds all of client 7.
      const adaAgain = join('ada again');
      Object.assign(adaAgain, { address: ada.address });
      adaAgain.clocks.set(7, 4);
      room.receiveAwareness(adaAgain, ...presenceOf(7, 6));
      room.receiveUpdate(adaAgain, textUpdate('still ', adaDoc));
      await room.drain();
      expect(adaAgain.closes).toEqual([]);
      expect(await storedText()).toBe('still mine');
      expect(reader.presence().get(7)).toEqual({ name: 'client 7' });
    });

    it('are claimed no more than MAX_PRESENCE_CLIENTS at a time by a flood of presence (4413)', () => {
      const eve = join('eve');
      const flood = Array.from({ length: 1_000 }, (_, i) => ({ clientId: 1_000 + i, clock: 1, state: {} }));
      const update = encodeAwarenessEntries(flood);
      room.receiveAwareness(eve, update, parseAwarenessUpdate(update, 16));
      expect(eve.closes.map((c) => c.code)).toEqual([CloseCode.TooLarge]);
      const claimed = flood.filter(({ clientId }) => clientIds.held('doc', clientId));
      expect(claimed.length).toBe(loadConfig({}).limits.maxPresenceClients);
    });

    it('held by a connection not yet dropped make its user reconnecting try again later (4503)', async () => {
      const ada = join('ada');
      const adaDoc = client7();
      room.receiveUpdate(ada, textUpdate('mine', adaDoc));
      await room.drain();
      const adaAgain = join('ada again');
      Object.assign(adaAgain, { address: ada.address });
      adaAgain.clocks.set(7, 4);
      room.receiveUpdate(adaAgain, textUpdate('still ', adaDoc));
      await room.drain();
      expect(adaAgain.closes.map((c) => c.code)).toEqual([CloseCode.Unavailable]);
      expect(await storedText()).toBe('mine');
    });
  });

  describe('document size', () => {
    it('closes a writer whose update would take the document past MAX_DOC_BYTES (4413), and stores none of it', async () => {
      room.destroy();
      room = newRoom({ maxDocBytes: 64 * 1024 });
      const [writer, reader] = [join('writer'), join('reader')];
      const client = new Y.Doc();
      for (let i = 0; i < 20 && writer.closes.length === 0; i++) {
        room.receiveUpdate(writer, textUpdate('x'.repeat(10_000), client));
        await room.drain();
      }
      expect(writer.closes).toEqual([{ code: CloseCode.TooLarge, reason: 'the document is at its size limit' }]);
      const stored = (await store.load('doc'))!;
      expect(stored.byteLength).toBeLessThanOrEqual(64 * 1024);
      expect(stored.byteLength).toBeGreaterThan(50 * 1024);
      expect(textOf(reader.doc())).toHaveLength((await storedText()).length);
      expect(reader.closes).toEqual([]);
      // Edits that shrink it still pass.
      const length = (await storedText()).length;
      const eraser = join('eraser');
      const eraserDoc = new Y.Doc();
      Y.applyUpdate(eraserDoc, stored);
      const before = Y.encodeStateVector(eraserDoc);
      eraserDoc.getText('t').delete(0, 30_000);
      room.receiveUpdate(eraser, Y.encodeStateAsUpdate(eraserDoc, before));
      await room.drain();
      expect(eraser.closes).toEqual([]);
      expect((await storedText()).length).toBe(length - 30_000);
    });
  });

  describe('sync', () => {
    it('answers a sync request only between rounds, with what is stored', async () => {
      const [writer, reader] = [join('writer'), join('reader')];
      const held = control.holdNextAppend();
      room.receiveUpdate(writer, textUpdate('stored first'));
      await held.reached;
      room.syncStep1(reader, EMPTY_STATE_VECTOR);
      expect(reader.kinds()).not.toContain('sync-step2');
      held.release();
      await room.drain();
      expect(reader.kinds()).toContain('sync-step2');
      expect(textOf(reader.doc())).toBe('stored first');
    });

    it('answers the client’s own sync step 1 first, then sends its own on the next turn', async () => {
      const peer = join('peer');
      room.syncStep1(peer, EMPTY_STATE_VECTOR);
      expect(peer.kinds()).toEqual(['sync-step2']);
      await nextTurn();
      expect(peer.kinds()).toEqual(['sync-step2', 'sync-step1']);
    });

    it('closes a peer with 1011 when the stored state cannot be read, and goes on', async () => {
      room.loadStored(Uint8Array.of(1, 1, 200));
      const peer = join('peer');
      await nextTurn();
      expect(peer.closes.map((c) => c.code)).toEqual([CloseCode.InternalError]);
    });

    it('gives a newcomer with nothing the stored bytes as they are, until the document changes', async () => {
      const stored = Y.encodeStateAsUpdate(docWith('loaded'));
      room.loadStored(stored);
      const first = join('first');
      room.syncStep1(first, EMPTY_STATE_VECTOR);
      const [answer] = first.received();
      expect(answer).toEqual({ kind: 'sync-step2', update: stored });

      room.receiveUpdate(first, textUpdate('more '));
      await room.drain();
      const second = join('second');
      room.syncStep1(second, EMPTY_STATE_VECTOR);
      const [changed] = second.received();
      expect(changed?.kind).toBe('sync-step2');
      expect(textOf(second.doc())).toHaveLength('loaded'.length + 'more '.length);
    });
  });

  describe('export reads', () => {
    it('run between rounds, never on updates not yet stored', async () => {
      const writer = join('writer');
      room.receiveUpdate(writer, textUpdate('first'));
      await room.drain();
      const held = control.holdNextAppend();
      room.receiveUpdate(writer, textUpdate('second '));
      await held.reached;
      const read = room.readStored((doc) => textOf(doc));
      held.release();
      expect(await read).toBe(await storedText());
      expect(await read).toContain('second');
    });

    it('never see an update whose append failed', async () => {
      const writer = join('writer');
      room.receiveUpdate(writer, textUpdate('stored'));
      await room.drain();
      control.append = 'failing';
      const held = control.holdNextAppend();
      room.receiveUpdate(writer, textUpdate('never stored '));
      await held.reached;
      const read = room.readStored((doc) => textOf(doc));
      held.release();
      expect(await read).toBe('stored');
    });

    it('reject with RoomGoneError when the room is dropped first', async () => {
      const held = control.holdNextAppend();
      room.receiveUpdate(join('writer'), textUpdate('x'));
      await held.reached;
      const read = room.readStored(() => 'never');
      room.destroy();
      await expect(read).rejects.toBeInstanceOf(RoomGoneError);
      held.release();
    });
  });

  describe('when the store fails', () => {
    it('closes only the writers of unstored updates (4503); readers stay and receive nothing unstored', async () => {
      const [writer, reader] = [join('writer'), join('reader')];
      room.receiveUpdate(writer, textUpdate('stored. '));
      await room.drain();

      control.append = 'failing';
      const queued = join('queued writer');
      const held = control.holdNextAppend();
      room.receiveUpdate(writer, textUpdate('lost'));
      await held.reached;
      room.receiveUpdate(queued, textUpdate('queued'));
      held.release();
      await room.drain();
      expect(writer.closes.map((c) => c.code)).toEqual([CloseCode.Unavailable]);
      expect(queued.closes.map((c) => c.code)).toEqual([CloseCode.Unavailable]);
      await settled();
      expect(reader.closes).toEqual([]);
      expect(broken).toBe(0);

      control.append = 'working';
      const later = join('later writer');
      room.receiveUpdate(later, textUpdate('after '));
      await room.drain();
      expect(await storedText()).toBe(textOf(reader.doc()));
      expect(textOf(reader.doc())).not.toMatch(/lost|queued/);
      expect(textOf(reader.doc())).toContain('after ');
      // What a newcomer gets is the store's document too.
      const newcomer = join('newcomer');
      room.syncStep1(newcomer, EMPTY_STATE_VECTOR);
      expect(textOf(newcomer.doc())).toBe(await storedText());
    });

    it('refuses writers at once and keeps reads waiting while it cannot reload, then answers them', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const reader = join('reader');
      control.append = 'failing';
      control.load = 'failing';
      room.receiveUpdate(join('writer'), textUpdate('lost'));
      await room.drain();
      room.syncStep1(reader, EMPTY_STATE_VECTOR);
      const refused = join('refused writer');
      room.receiveUpdate(refused, textUpdate('refused'));
      expect(refused.closes.map((c) => c.code)).toEqual([CloseCode.Unavailable]);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(reader.kinds()).not.toContain('sync-step2');

      control.load = 'working';
      await vi.advanceTimersByTimeAsync(2_000);
      await vi.waitFor(() => expect(reader.kinds()).toContain('sync-step2'));
      expect(textOf(reader.doc())).toBe('');
      expect(reader.closes).toEqual([]);
    });

    it('relays what a failed append wrote after all, once the document is reloaded', async () => {
      const [writer, reader] = [join('writer'), join('reader')];
      control.append = 'failing-after-write';
      control.onFailure = () => (control.append = 'working');
      room.receiveUpdate(writer, textUpdate('written anyway'));
      await room.drain();
      await settled();
      expect(writer.closes.map((c) => c.code)).toEqual([CloseCode.Unavailable]);
      expect(textOf(reader.doc())).toBe('written anyway');
    });

    it('treats an update Yjs fails midway through the same way: its sender gets 4400, the round’s others 4503', async () => {
      const [bad, other, reader] = [join('bad'), join('other'), join('reader')];
      // A throwing observer stands in for Yjs failing inside an update it cannot integrate.
      await room.readStored((doc) =>
        doc.getText('t').observe((event) => {
          if (event.delta.some((op) => typeof op.insert === 'string' && op.insert.includes('boom'))) throw new Error('boom');
        }),
      );
      room.receiveUpdate(other, textUpdate('fine'));
      room.receiveUpdate(bad, textUpdate('boom'));
      await room.drain();
      await settled();
      expect(bad.closes[0]?.code).toBe(CloseCode.BadRequest);
      expect(other.closes.map((c) => c.code)).toEqual([CloseCode.Unavailable]);
      expect(reader.closes).toEqual([]);
      expect(reader.kinds()).not.toContain('update');
      expect(await storedText()).toBe('');
      // The reloaded document takes writes again.
      const writer = join('writer');
      room.receiveUpdate(writer, textUpdate('fine again'));
      await room.drain();
      expect(textOf(reader.doc())).toBe('fine again');
    });
  });
});

function docWith(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return doc;
}
