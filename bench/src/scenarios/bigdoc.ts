/**
 * bigdoc: a crowd opens a big document. The document (17 copies of the automerge-paper trace, see
 * big-document.ts) is written through one client, the server is restarted (SIGTERM, start on the same data),
 * and then the whole crowd connects at once. A client holds the document when one message (sync step 2 or
 * an update) carries all of it; every distinct such message is decoded and checked after the clock stops.
 * The server's RSS is sampled every 10 ms from the restart until everyone holds it.
 */
import * as Y from 'yjs';
import { bigDocument } from '../big-document.js';
import { Client, Samples, closeAll, sleep, until } from '../loadgen.js';
import { clockRanges } from '../protocol.js';
import { rssBytes, watchRss } from '../proc.js';
import { type DocTarget, ServerProcess, type ServerName } from '../servers.js';
import type { Figure, RunContext, Scenario } from './types.js';

const COPIES = 17;

export function bigdoc(clients: number, quick: boolean): Scenario {
  const traceLimit = quick ? 20_000 : Infinity;
  return {
    group: 'bigdoc',
    name: `bigdoc ${clients}`,
    servers: ['ours', 'y-websocket', 'hocuspocus'],
    run: (server, ctx) => runBigdoc(server, ctx, clients, traceLimit),
  };
}

async function runBigdoc(name: ServerName, ctx: RunContext, crowd: number, traceLimit: number): Promise<Figure[]> {
  const big = bigDocument(COPIES, traceLimit);
  const server = new ServerProcess(name, ctx.workDir);
  await server.start();
  try {
    const doc = await server.createDoc();
    await write(doc, big.updates, big.endClocks);
    await server.stop(120_000);
    await server.start();
    await sleep(1_000);
    const rssIdle = rssBytes(server.pid);
    const rss = watchRss(server.pid, 10);

    /** Each distinct message that carried the whole document (by content), and when each client got one. */
    const whole: Uint8Array[] = [];
    const heldAt = new Float64Array(crowd).fill(NaN);
    const heldWith = new Int32Array(crowd).fill(-1);
    let holding = 0;
    const receive = (index: number) => (payload: Uint8Array) => {
      const at = performance.now();
      if (heldWith[index]! >= 0 || payload.byteLength < big.bytes / 2) return;
      let known = whole.findIndex((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(payload));
      if (known < 0) known = whole.push(payload) - 1;
      heldAt[index] = at;
      heldWith[index] = known;
      holding++;
    };
    const started = performance.now();
    const clients = Array.from({ length: crowd }, (_, i) => new Client(doc, { onStep2: receive(i), onUpdate: receive(i) }));
    // Holding is decided by the messages above; a client that fails to join simply never holds it.
    for (const client of clients) client.ready.catch(() => undefined);
    const allJoined = await until(() => holding >= crowd, 120_000);
    const peakRss = rss.stop();
    await closeAll(clients);

    // After the clock: which of the distinct messages really are the whole document.
    const valid = whole.map((payload) => {
      const check = new Y.Doc();
      Y.applyUpdate(check, payload);
      const ok = big.holds(check);
      check.destroy();
      return ok;
    });
    const times = new Samples();
    let lastMs = 0;
    for (let i = 0; i < crowd; i++) {
      if (heldWith[i]! < 0 || !valid[heldWith[i]!]) continue;
      const ms = heldAt[i]! - started;
      times.push(ms);
      lastMs = Math.max(lastMs, ms);
    }
    const row = (what: string) => `bigdoc ${crowd} · ${what}`;
    return [
      { row: row('clients holding the whole document (%)'), value: (100 * times.length) / crowd, better: 'higher' },
      { row: row('time until all hold it (s)'), value: allJoined && times.length === crowd ? lastMs / 1000 : NaN, better: 'lower' },
      { row: row('p50 time to hold it (s)'), value: times.quantile(0.5) / 1000, better: 'lower' },
      { row: row('server peak RSS (MB)'), value: peakRss / 1e6, better: 'lower' },
      { row: row('server RSS before the crowd (MB)'), value: rssIdle / 1e6, better: 'lower' },
    ];
  } finally {
    await server.stop();
  }
}

/** Sends the copies through one client and waits until another has received all of them. */
async function write(doc: DocTarget, updates: Uint8Array[], endClocks: Map<number, number>): Promise<void> {
  const received = new Map<number, number>();
  const reader = new Client(doc, {
    onUpdate: (update) => clockRanges(update, (client, _from, to) => received.set(client, Math.max(to, received.get(client) ?? 0))),
  });
  const writer = new Client(doc);
  await Promise.all([reader.ready, writer.ready]);
  for (const update of updates) writer.sendUpdate(update);
  const done = () => [...endClocks].every(([client, clock]) => (received.get(client) ?? 0) >= clock);
  if (!(await until(done, 120_000))) throw new Error('the big document did not reach the reader');
  await closeAll([reader, writer]);
  // Hocuspocus stores 2 s after the last change, or on SIGTERM; y-websocket-server's queue drains on SIGTERM.
  await sleep(500);
}
