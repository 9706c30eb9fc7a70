import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { collectGarbage } from '../memory-reclaimer.js';
import { type RawSocket, type TestServer, openRawSocket, readMetric, startTestServer, waitFor } from './helpers.js';

const INTERVAL_MS = 50;
const MIN_PEAK = 40;

describe('memory reclaim after a crowd leaves', () => {
  let t: TestServer;
  // The reclaimer looks at the connections on an interval: a fake one, so that the test decides when it looks.
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    t = await startTestServer({}, { memoryReclaim: { intervalMs: INTERVAL_MS, minPeak: MIN_PEAK } });
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
