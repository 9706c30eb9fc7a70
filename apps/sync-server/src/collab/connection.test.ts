import { rm } from 'node:fs/promises';
import { type DocStore, openStore } from '@collab/persistence';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { type Limits, loadConfig } from '../config.js';
import { createHealth } from '../health.js';
import { type Metrics, createLogger, createMetrics } from '../observability.js';
import { type StoreControl, controlStore } from '../test/controlled-store.js';
import { makeTempDir } from '../test/helpers.js';
import { type ServerFrame, readServerFrame, textOf, textUpdate } from '../test/recording-peer.js';
import { Connection, type ConnectionSocket } from './connection.js';
import { singleProcess } from './presence-bus.js';
import {
  CloseCode,
  MessageType,
  encodeAwareness,
  encodeAwarenessEntries,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
} from './protocol.js';
import { type Rooms, createRooms } from './rooms.js';

/** A socket that records what the connection sends and how it closes it. */
function recordingSocket() {
  const socket = {
    sent: [] as Uint8Array[],
    closes: [] as Array<{ code?: number; reason?: string }>,
    terminated: false,
    bufferedAmount: 0,
    send(data: unknown) {
      socket.sent.push(data as Uint8Array);
    },
    close(code?: number, reason?: string) {
      socket.closes.push({ code, reason });
    },
    terminate() {
      socket.terminated = true;
    },
    received: (): ServerFrame[] => socket.sent.map(readServerFrame),
    kinds: () => socket.received().map((frame) => frame.kind),
    closeCode: () => socket.closes[0]?.code,
  };
  return socket;
}

/** A client's sync step 2 with nothing new: what every client answers first when it has nothing to add. */
const nothingNew = () => encodeSyncStep2(new Y.Doc(), Uint8Array.of(0));
/** A sync step 2 carrying a client's offline edit. */
const step2With = (update: Uint8Array) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return encodeSyncStep2(doc, Uint8Array.of(0));
};

describe('a connection', () => {
  let dir: string;
  let store: DocStore;
  let control: StoreControl;
  let metrics: Metrics;
  let rooms: Rooms;

  beforeEach(async () => {
    dir = await makeTempDir();
    store = await openStore({ dir });
    control = controlStore(store);
    metrics = createMetrics();
    const logger = createLogger('silent');
    rooms = createRooms({ store, logger, metrics, health: createHealth(), presenceBus: singleProcess, limits: loadConfig({}).limits, unloadGraceMs: 10 });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await rooms.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  function connect(role: 'edit' | 'view' = 'edit', limits: Partial<Limits> = {}) {
    const socket = recordingSocket();
    const connection = new Connection(socket as ConnectionSocket, 'doc', role, '127.0.0.1', {
      rooms,
      logger: createLogger('silent'),
      metrics,
      limits: { ...loadConfig({}).limits, ...limits },
    });
    return { socket, connection };
  }
  const rejected = async (reason: string) =>
    (await metrics.rejectedMessages.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
  const storedText = async () => {
    const doc = new Y.Doc();
    const state = await store.load('doc');
    if (state) Y.applyUpdate(doc, state);
    return textOf(doc);
  };

  it('holds what arrives while the document loads, and answers the first sync with the whole of it', async () => {
    await store.append('doc', [textUpdate('stored before')]);
    const { socket, connection } = connect();
    connection.receive(encodeSyncStep1(new Y.Doc()));
    expect(socket.sent).toEqual([]);
    await vi.waitFor(() => expect(socket.kinds()).toContain('sync-step2'));
    const answer = socket.received().find((frame) => frame.kind === 'sync-step2');
    const doc = new Y.Doc();
    if (answer?.kind === 'sync-step2') Y.applyUpdate(doc, answer.update);
    expect(textOf(doc)).toBe('stored before');
  });

  it('holds an edit client’s updates until its sync answer, and stores its offline edit before them', async () => {
    const client = new Y.Doc();
    const offline = textUpdate('offline ', client);
    const typed = textUpdate('typed ', client);
    const { connection } = connect();
    connection.receive(encodeUpdate(typed));
    connection.receive(step2With(offline));
    await vi.waitFor(async () => expect(await storedText()).toBe('typed offline '));
  });

  it('keeps the highest clock its sync requests showed: a save check leaving its own client out does not make its user a stranger', async () => {
    const ada = new Y.Doc();
    const first = connect();
    first.connection.receive(encodeSyncStep1(new Y.Doc()));
    first.connection.receive(step2With(textUpdate('mine', ada)));
    await vi.waitFor(async () => expect(await storedText()).toBe('mine'));
    first.connection.closedBySocket(1006);
    // Ada's editor reconnecting (same address, same client id): its first request holds all of her client.
    const again = connect();
    again.connection.receive(encodeSyncStep1(ada));
    again.connection.receive(nothingNew());
    // Its save check asks with a state vector that leaves out the clients of the edits it checks.
    again.connection.receive(encodeSyncStep1(new Y.Doc()));
    again.connection.receive(encodeUpdate(textUpdate('more ', ada)));
    await vi.waitFor(async () => expect(await storedText()).toBe('more mine'));
    expect(again.socket.closes).toEqual([]);
  });

  it('closes a client that sends more than MAX_HELD_BYTES before its sync answer (4413), and stores none of it', async () => {
    const { socket, connection } = connect('edit', { messagesPerSecond: 10_000, maxHeldBytes: 8 * 1024 });
    await vi.waitFor(() => expect(socket.kinds()).toContain('sync-step1'));
    const client = new Y.Doc();
    let sent = 0;
    for (; sent < 100 && !socket.closes.length; sent++) connection.receive(encodeUpdate(textUpdate('x'.repeat(1_000), client)));
    expect(socket.closeCode()).toBe(CloseCode.TooLarge);
    expect(sent).toBe(9);
    expect(await rejected('held-too-much')).toBe(1);
    connection.receive(step2With(textUpdate('late')));
    expect(control.appends).toBe(0);
  });

  it('counts each tiny update held before the sync answer as a few hundred bytes', async () => {
    const { socket, connection } = connect('edit', { messagesPerSecond: 10_000, maxHeldBytes: 8 * 1024 });
    await vi.waitFor(() => expect(socket.kinds()).toContain('sync-step1'));
    let sent = 0;
    for (; sent < 1_000 && !socket.closes.length; sent++) connection.receive(encodeUpdate(textUpdate('x')));
    expect(socket.closeCode()).toBe(CloseCode.TooLarge);
    expect(sent).toBe(33);
  });

  it('closes a client over its sync request rate (4429)', async () => {
    const { socket, connection } = connect('edit', { syncRequestsPerMinute: 60 });
    let sent = 0;
    for (; sent < 100 && !socket.closes.length; sent++) connection.receive(encodeSyncStep1(new Y.Doc()));
    await vi.waitFor(() => expect(socket.closeCode()).toBe(CloseCode.TooManyRequests));
    expect(await rejected('sync-rate')).toBe(1);
  });

  it('answers a view link’s update once with “permission denied”, applies nothing and stays open', async () => {
    const { socket, connection } = connect('view');
    connection.receive(nothingNew());
    connection.receive(encodeUpdate(textUpdate('not allowed')));
    // Not even read: on an edit link these bytes would close the connection with 4400.
    connection.receive(encodeUpdate(Uint8Array.of(0xff, 0xff, 0xff, 0xff)));
    connection.receive(encodeUpdate(textUpdate('still not')));
    await vi.waitFor(() => expect(socket.kinds().filter((kind) => kind === 'auth')).toHaveLength(1));
    expect(socket.received().find((frame) => frame.kind === 'auth')).toEqual({ kind: 'auth', reason: 'this link is read-only' });
    expect(socket.closes).toEqual([]);
    expect(control.appends).toBe(0);
  });

  it.each([
    ['a text frame', 'text-frame', CloseCode.BadRequest, () => 'hello'],
    ['a message of an unknown type', 'malformed', CloseCode.BadRequest, () => Uint8Array.of(9)],
    ['presence over MAX_AWARENESS_BYTES', 'too-large', CloseCode.TooLarge, () =>
      encodeAwareness(encodeAwarenessEntries([{ clientId: 1, clock: 1, state: { name: 'x'.repeat(2_000) } }]))],
  ])('closes on %s and counts it', async (_what, reason, code, message) => {
    const { socket, connection } = connect('edit', { maxAwarenessBytes: 1_024 });
    connection.receive(message());
    await vi.waitFor(() => expect(socket.closeCode()).toBe(code));
    expect(await rejected(reason)).toBe(1);
  });

  it('closes a client over its message rate (4503)', async () => {
    const { socket, connection } = connect('edit', { messagesPerSecond: 2 });
    for (let i = 0; i < 5; i++) connection.receive(Uint8Array.of(MessageType.QueryAwareness));
    expect(socket.closeCode()).toBe(CloseCode.Unavailable);
    expect(await rejected('rate-limit')).toBe(1);
  });

  it('drops a client that stops reading (4503) instead of buffering for it', async () => {
    const { socket, connection } = connect('edit', { maxBufferedBytes: 64 * 1024 });
    connection.receive(nothingNew());
    await vi.waitFor(() => expect(socket.sent.length).toBeGreaterThan(0));
    socket.bufferedAmount = 64 * 1024 + 1;
    connection.receive(Uint8Array.of(MessageType.QueryAwareness));
    connection.send(Uint8Array.of(0));
    expect(socket.closeCode()).toBe(CloseCode.Unavailable);
    expect(await rejected('slow-consumer')).toBe(1);
  });

  it('cuts off a socket that does not finish closing within a second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { socket, connection } = connect();
    connection.close(CloseCode.GoingAway, 'server shutting down');
    connection.close(CloseCode.Unavailable, 'a second close changes nothing');
    expect(socket.closes).toEqual([{ code: CloseCode.GoingAway, reason: 'server shutting down' }]);
    await vi.advanceTimersByTimeAsync(999);
    expect(socket.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.terminated).toBe(true);
  });

  it('closes with 4503 when the document cannot be loaded', async () => {
    control.load = 'failing';
    const { socket } = connect();
    await vi.waitFor(() => expect(socket.closeCode()).toBe(CloseCode.Unavailable));
  });

  it('counts a message the socket refused as too large, and sends nothing more', async () => {
    const { socket, connection } = connect();
    const tooLarge = Object.assign(new Error('Max payload size exceeded'), { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
    connection.socketFailed(tooLarge);
    connection.send(Uint8Array.of(0));
    expect(socket.sent).toEqual([]);
    expect(await rejected('too-large')).toBe(1);
  });

  it('leaves its room when its socket closes, and the room unloads', async () => {
    const { socket, connection } = connect();
    await vi.waitFor(() => expect(socket.sent.length).toBeGreaterThan(0));
    expect(rooms.size).toBe(1);
    connection.closedBySocket(1000);
    await vi.waitFor(() => expect(rooms.size).toBe(0), { timeout: 5_000 });
  });
});
