import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { collectGarbage } from '../memory-reclaimer.js';
import {
  type RawSocket,
  type TestServer,
  connectClient,
  openRawSocket,
  readMetric,
  startTestServer,
  untilUpdated,
  waitFor,
  waitForSync,
} from './helpers.js';

const INTERVAL_MS = 50;
const MIN_PEAK = 40;
const MIN_ROOM_BYTES = 32 * 1024;
/**
 * A size no document or heap growth reaches: the heap of the test process grows with whatever the tests do,
 * so each test turns off the rules it is not about.
 */
const NEVER = 2 ** 40;
/** Far longer than any test takes between two collections it expects to be apart. */
const MIN_GAP_MS = 4_000;

describe('memory reclaim after a crowd leaves', () => {
  let t: TestServer;
  // The reclaimer looks at the connections on an interval: a fake one, so that the test decides when it looks.
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    t = await startTestServer({}, { memoryReclaim: { intervalMs: INTERVAL_MS, minPeak: MIN_PEAK, minRoomBytes: NEVER, minGrowthBytes: NEVER } });
  });
  afterAll(async () => {
    await t.cleanup();
    vi.useRealTimers();
  });
  // Each test starts from an empty server, whatever the one before left open.
  const openSockets: RawSocket[] = [];
  afterEach(() => close(openSockets.splice(0), 0));

  const reclaims = () => readMetric(t.server.url, 'collab_memory_reclaims_total');
  const connections = () => readMetric(t.server.url, 'collab_connections');

  /**
   * Lets the reclaimer look a few times, then waits for any collection it started: one asked for after it
   * is served after it, so once ours is done, the reclaimer's is done and counted.
   */
  async function severalLooks(): Promise<void> {
    vi.advanceTimersByTime(3 * INTERVAL_MS);
    await collectGarbage();
  }

  async function open(count: number): Promise<RawSocket[]> {
    const { id, editToken } = await t.createDoc();
    const sockets = Array.from({ length: count }, () => openRawSocket(`${t.collabUrl}/${id}?token=${editToken}`));
    openSockets.push(...sockets);
    await Promise.all(sockets.map((s) => s.accepted));
    return sockets;
  }

  async function close(sockets: RawSocket[], expectedOpen: number): Promise<void> {
    for (const s of sockets) s.socket.close();
    await waitFor(`the server to count ${expectedOpen} connections`, async () => (await connections()) === expectedOpen);
  }

  it('collects once the connections fall to half their peak, and not before', async () => {
    const sockets = await open(60);
    await severalLooks();
    expect(await reclaims()).toBe(0);

    // 60 → 35: fewer, but more than half of the peak.
    await close(sockets.splice(0, 25), 35);
    await severalLooks();
    expect(await reclaims()).toBe(0);

    // 35 → 30: half of the peak of 60.
    await close(sockets.splice(0, 5), 30);
    await severalLooks();
    expect(await reclaims()).toBe(1);

    // The peak starts again from 30, below the minimum worth a collection: leaving altogether costs nothing more.
    await close(sockets.splice(0), 0);
    await severalLooks();
    expect(await reclaims()).toBe(1);
  });

  it('does not collect for a crowd smaller than the minimum', async () => {
    const before = await reclaims();
    const sockets = await open(MIN_PEAK - 5);
    await severalLooks();
    await close(sockets, 0);
    await severalLooks();
    expect(await reclaims()).toBe(before);
  });
});

describe('memory reclaim after a large document unloads', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({}, { memoryReclaim: { minRoomBytes: MIN_ROOM_BYTES, minGrowthBytes: NEVER, minGapMs: MIN_GAP_MS } });
  });
  afterAll(() => t.cleanup());

  const reclaims = () => readMetric(t.server.url, 'collab_memory_reclaims_total');

  it('collects when a large room unloads, not for a small one, and not twice within the gap', async () => {
    await writeAndLeave(t, MIN_ROOM_BYTES / 4);
    // Any collection started by the unload is done once ours, asked for after it, is.
    await collectGarbage();
    expect(await reclaims()).toBe(0);

    await writeAndLeave(t, 2 * MIN_ROOM_BYTES);
    await collectGarbage();
    expect(await reclaims()).toBe(1);

    // Within the gap: this one waits for it to pass.
    await writeAndLeave(t, 2 * MIN_ROOM_BYTES);
    await collectGarbage();
    expect(await reclaims()).toBe(1);
    await waitFor('the deferred collection', async () => (await reclaims()) === 2, 3 * MIN_GAP_MS);
  });
});

describe('memory reclaim after the heap grew', () => {
  let t: TestServer;
  beforeAll(async () => {
    // Any growth counts; the document's size does not.
    t = await startTestServer({}, { memoryReclaim: { minRoomBytes: NEVER, minGrowthBytes: 1, minGapMs: MIN_GAP_MS } });
  });
  afterAll(() => t.cleanup());

  it('collects when any room unloads once the heap has grown', async () => {
    await writeAndLeave(t, 100);
    await collectGarbage();
    expect(await readMetric(t.server.url, 'collab_memory_reclaims_total')).toBe(1);
  });
});

/** Writes `bytes` of text to a new document with a stock client, leaves, and waits for the room to unload. */
async function writeAndLeave(t: TestServer, bytes: number): Promise<void> {
  const { id, editToken } = await t.createDoc();
  const writer = connectClient(t.collabUrl, id, editToken);
  const reader = connectClient(t.collabUrl, id, editToken);
  await Promise.all([waitForSync(writer), waitForSync(reader)]);
  writer.text.insert(0, 'x'.repeat(bytes));
  // Relayed once stored.
  await untilUpdated(reader, 'the text to arrive', () => reader.text.length === bytes);
  writer.destroy();
  reader.destroy();
  await waitFor('the room to unload', async () => (await readMetric(t.server.url, 'collab_documents_loaded')) === 0);
}

describe('memory reclaim after a crowd leaves rooms that take a while to unload', () => {
  let t: TestServer;
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    // Empty rooms stay loaded for the whole test.
    t = await startTestServer({}, { unloadGraceMs: 600_000, memoryReclaim: { intervalMs: INTERVAL_MS, minPeak: MIN_PEAK, minGrowthBytes: NEVER } });
  });
  afterAll(async () => {
    await t.cleanup();
    vi.useRealTimers();
  });

  it('waits a few looks for them to unload, then collects anyway', async () => {
    const { id, editToken } = await t.createDoc();
    const sockets = Array.from({ length: MIN_PEAK + 10 }, () => openRawSocket(`${t.collabUrl}/${id}?token=${editToken}`));
    await Promise.all(sockets.map((s) => s.accepted));
    vi.advanceTimersByTime(INTERVAL_MS);
    for (const s of sockets) s.socket.close();
    await waitFor('everyone to leave', async () => (await readMetric(t.server.url, 'collab_connections')) === 0);

    // The crowd has left, its room is still loaded: the reclaimer waits (three looks).
    vi.advanceTimersByTime(3 * INTERVAL_MS);
    await collectGarbage();
    expect(await readMetric(t.server.url, 'collab_memory_reclaims_total')).toBe(0);
    expect(await readMetric(t.server.url, 'collab_documents_loaded')).toBe(1);

    vi.advanceTimersByTime(2 * INTERVAL_MS);
    await collectGarbage();
    expect(await readMetric(t.server.url, 'collab_memory_reclaims_total')).toBe(1);
  });
});
