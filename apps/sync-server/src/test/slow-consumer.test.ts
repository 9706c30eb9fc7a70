/**
 * A client that stops reading must not make the server keep everything the document's other peers write.
 * The server runs in a child process so that its resident memory is its own, read from /proc (Linux only).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  type TestClient,
  connectClient,
  createDocOn,
  readMetric,
  untilUpdated,
  upgradeOverTcp,
  waitFor,
  waitForSync,
} from './helpers.js';
import { type ServerProcess, serverHome } from './server-process.js';

const KIB = 1024;
const MIB = 1024 * KIB;
/** The send buffer cap under test: small, so that the stalled client passes it early in the run. */
const MAX_BUFFERED_BYTES = 256 * KIB;
/** The busy document: 1,000 pastes of 32 KiB, each removed again by the next update: 31.3 MiB relayed. */
const PASTES = 1_000;
const PASTE_BYTES = 32 * KIB;
const RELAYED_BYTES = PASTES * PASTE_BYTES;
/** How far the reader may fall behind: 128 KB, under the cap, so that only the stalled client is dropped. */
const PASTES_IN_FLIGHT = 4;
/**
 * What the run may leave the server holding, after a full collection: live JavaScript objects plus the
 * buffers outside V8's heap, where queued frames sit. Without the cap the stalled socket's queue keeps all of
 * RELAYED_BYTES but the ~4 MB the kernel's socket buffers take (Linux's default tcp_wmem maximum), until the
 * heartbeat drops it as dead (15 to 30 s after it stopped reading; `dropped` below tells the cap did it); with
 * the cap it keeps about nothing. A third of the volume sits between the two with room on both sides. RSS is reported
 * but not checked: it moves by tens of MB between runs with the cap, because V8 keeps the heap pages it has
 * grown into and LevelDB's memtables come and go.
 */
const MAX_RETAINED_BYTES = RELAYED_BYTES / 3;

/** Resident set size now and its peak since the last `resetPeak`, in bytes (VmRSS, VmHWM: see proc(5)). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)![1]) * KIB;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** Restarts the peak (VmHWM) from the current RSS (`5` in /proc/<pid>/clear_refs). */
const resetPeak = (pid: number) => writeFileSync(`/proc/${pid}/clear_refs`, '5');

/**
 * Full garbage collections in the server, through the inspector it was started with (`--inspect` on a local
 * port chosen by the kernel). Without them RSS measures V8's timing: the buffers of every relayed update are
 * freed only at some later collection, and that garbage alone puts the peak of this run tens of MB above the
 * start, with the cap or without it; so the peak is reported, and what remains after a collection is what
 * is checked. Twice, because V8 frees array buffers concurrently after a collection, and the next collection
 * first waits for that to finish.
 */
async function collectGarbage(server: ServerProcess): Promise<void> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(server.stderr())![1]!;
  const inspector = new WebSocket(url);
  await new Promise((resolve, reject) => inspector.once('open', resolve).once('error', reject));
  let id = 0;
  const call = (method: string) =>
    new Promise<void>((resolve) => {
      const sent = ++id;
      inspector.on('message', (data: Buffer) => (JSON.parse(data.toString()) as { id?: number }).id === sent && resolve());
      inspector.send(JSON.stringify({ id: sent, method }));
    });
  await call('HeapProfiler.collectGarbage');
  await call('HeapProfiler.collectGarbage');
  inspector.close();
}

/**
 * What the server holds once it is idle: V8's live heap and the memory of its buffers (prom-client's default
 * metrics), after a full collection, sampled until two samples in a row agree within 1 MB: work still running
 * (a background compaction, say) must not count as held.
 */
async function heldBytes(server: ServerProcess): Promise<number> {
  const sample = async () => {
    await collectGarbage(server);
    return (await metric(server, 'nodejs_heap_size_used_bytes')) + (await metric(server, 'nodejs_external_memory_bytes'));
  };
  let previous = await sample();
  for (let i = 0; i < 20; i++) {
    const current = await sample();
    if (Math.abs(current - previous) < MIB) return current;
    previous = current;
  }
  throw new Error('the server never settled: its heap and buffers kept changing');
}

const metric = (server: ServerProcess, series: string) => readMetric(server.url, series);

describe.runIf(process.platform === 'linux')('a client that stops reading', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is dropped as a slow consumer and leaves the server holding none of the traffic; a reader that keeps up gets it all', async () => {
    const home = await serverHome({
      MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES),
      // One writer here types for a crowd: 30 MB/s and more, over the default per-connection budget.
      BYTE_RATE_LIMIT: String(1024 * MIB),
      NODE_OPTIONS: '--inspect=127.0.0.1:0',
      // glibc serves buffers of this size and more from their own mappings and unmaps them when they are
      // freed, so that RSS after a collection is what the server holds, not what malloc keeps for reuse.
      MALLOC_MMAP_THRESHOLD_: String(16 * KIB),
    });
    cleanups.push(() => home.cleanup());
    const server = await home.start();
    const pid = server.child.pid!;
    const { id, editToken } = await createDocOn(server.url);
    const client = (): TestClient => {
      const c = connectClient(server.collabUrl, id, editToken);
      cleanups.push(() => c.destroy());
      return c;
    };
    const writer = client();
    const reader = client();
    await Promise.all([waitForSync(writer), waitForSync(reader)]);

    const caughtUp = () => Buffer.from(Y.encodeStateVector(reader.doc)).equals(Buffer.from(Y.encodeStateVector(writer.doc)));
    const readerCatchesUp = () => untilUpdated(reader, 'the reader to catch up', caughtUp);
    const filler = 'abcdefghijklmnopqrstuvwxyz'.repeat(Math.ceil(PASTE_BYTES / 26)).slice(0, PASTE_BYTES);
    const busyRound = async (last: string) => {
      for (let i = 0; i < PASTES; i++) {
        // Pasted and removed again, so that the document stays small in every process: only traffic grows.
        writer.text.insert(0, filler);
        writer.text.delete(0, PASTE_BYTES);
        if (i % PASTES_IN_FLIGHT === PASTES_IN_FLIGHT - 1) await readerCatchesUp();
      }
      writer.text.delete(0, writer.text.length);
      writer.text.insert(0, last);
      await waitFor('the reader to hold every update', () => caughtUp() && reader.text.toString() === last);
    };

    // The same load once before measuring, so that what the measured round adds is not the server's
    // working set (compiled code, V8's heap and LevelDB's memtable at their busy size).
    await busyRound('warmed up');
    // A client that completes the upgrade and never reads again: the kernel's buffers fill, and everything else
    // the server sends it waits in the server's process.
    const stalled = (await upgradeOverTcp(server.port, `/collab/${id}?token=${encodeURIComponent(editToken)}`)).pause();
    cleanups.push(() => stalled.destroy());
    await waitFor('the stalled client to join', async () => (await metric(server, 'collab_connections')) === 3);
    await collectGarbage(server);
    const before = memoryOf(pid).rss;
    const heldBefore = await heldBytes(server);
    resetPeak(pid);

    await busyRound('done');
    // The cap is checked as each update is sent to each peer: once the reader holds the last one, the stalled
    // client has been dropped, or never will be. Its socket closes once the server gives up on a clean close.
    const dropped = (await metric(server, 'collab_rejected_messages_total{reason="slow-consumer"}')) === 1;
    if (dropped) await waitFor('the stalled client to be disconnected', async () => (await metric(server, 'collab_connections')) === 2);
    const { peak } = memoryOf(pid);
    await collectGarbage(server);
    const after = memoryOf(pid).rss;
    const heldAfter = await heldBytes(server);

    // What the stalled client got before the server let go: what the kernel had taken, plus at most the cap.
    let received = 0;
    stalled.on('data', (chunk: Buffer) => (received += chunk.byteLength));
    const closed = new Promise((resolve) => stalled.once('close', resolve));
    stalled.resume();
    if (dropped) await closed;
    const mb = (bytes: number) => `${(bytes / MIB).toFixed(1)} MB`;
    const change = (bytes: number) => `${bytes >= 0 ? '+' : ''}${mb(bytes)}`;
    console.log(
      `slow consumer: ${mb(RELAYED_BYTES)} relayed while one client read nothing (cap ${MAX_BUFFERED_BYTES / KIB} KB); ` +
        `server RSS before ${mb(before)}, peak ${mb(peak)} (${change(peak - before)}), after ${mb(after)} (${change(after - before)}); ` +
        `heap and buffers held ${mb(heldBefore)} before, ${mb(heldAfter)} after (${change(heldAfter - heldBefore)}); ` +
        `the stalled client ${dropped ? `was dropped after receiving ${mb(received)}` : 'was never dropped'}`,
    );

    expect(heldAfter - heldBefore).toBeLessThan(MAX_RETAINED_BYTES);
    expect(dropped).toBe(true);
    // Only the stalled client: the reader was never dropped, so it got everything without reconnecting.
    expect(await metric(server, 'collab_rejected_messages_total{reason="slow-consumer"}')).toBe(1);
    // Two rounds of 31 MB through a server started from source, on two cores the rest of the suite shares too:
    // the limit only stops a hung run; it measures nothing.
  }, 90_000);
});
