/**
 * reconnect: a deploy. N clients on D documents (each document written by one of them, a few kilobytes of
 * text in a few dozen updates), the server stopped with SIGTERM and started again on the same data. Once it
 * answers HTTP, every client reconnects after a random 0–1 s (a fresh socket and a fresh Y.Doc) and is
 * resynced when the messages it received make its document's text equal the one written. Resync times are
 * counted from the moment the restarted server answered, so they include the jitter.
 */
import * as Y from 'yjs';
import { Client, Samples, closeAll, connectMany, sleep, until } from '../loadgen.js';
import { clockRanges } from '../protocol.js';
import { cpuSeconds, watchRss } from '../proc.js';
import { type DocTarget, ServerProcess, type ServerName } from '../servers.js';
import type { Figure, RunContext, Scenario } from './types.js';

const FIRST_WRITER = 30_000_000;
const JITTER_MS = 1_000;

export function reconnect(clients: number, docs: number): Scenario {
  return {
    group: 'reconnect',
    name: `reconnect ${clients}`,
    servers: ['ours', 'y-websocket', 'hocuspocus'],
    run: (server, ctx) => runReconnect(server, ctx, clients, docs),
  };
}

interface Written {
  updates: Uint8Array[];
  text: string;
  endClock: number;
}

/** Document `index`'s content, typed in 40 updates by its own writer. */
function content(index: number): Written {
  const doc = new Y.Doc();
  doc.clientID = FIRST_WRITER + index;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const text = doc.getText('t');
  text.insert(0, `Document ${index}. `);
  for (let i = 0; i < 40; i++) text.insert(text.length, `Paragraph ${i} of document ${index}: the quick brown fox jumps over the lazy dog. `);
  const written = { updates, text: text.toString(), endClock: Y.getState(doc.store, doc.clientID) };
  doc.destroy();
  return written;
}

/** A deterministic 0..1 sequence, so that every server gets the same reconnect schedule. */
function jitter(count: number): number[] {
  let seed = 42;
  return Array.from({ length: count }, () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  });
}

async function runReconnect(name: ServerName, ctx: RunContext, count: number, docCount: number): Promise<Figure[]> {
  const server = new ServerProcess(name, ctx.workDir);
  await server.start();
  try {
    const docs: DocTarget[] = [];
    for (let i = 0; i < docCount; i++) docs.push(await server.createDoc());
    const written = docs.map((_, i) => content(i));
    const before = await writeAll(docs, written, count);

    // The clients are still connected when the server goes down, as in a deploy.
    const shutdownMs = await server.stop();
    await Promise.all(before.map((client) => client.closed()));
    const listeningMs = await server.start(5);
    const listening = performance.now();
    const cpuStart = cpuSeconds(server.pid);
    const rss = watchRss(server.pid);

    const resync = new Samples();
    const clients: Client[] = [];
    const delays = jitter(count);
    for (let i = 0; i < count; i++) {
      const d = i % docCount;
      const doc = new Y.Doc();
      const text = doc.getText('t');
      let synced = false;
      const apply = (update: Uint8Array) => {
        if (synced) return;
        Y.applyUpdate(doc, update);
        if (text.length !== written[d]!.text.length || text.toString() !== written[d]!.text) return;
        synced = true;
        resync.push(performance.now() - listening);
        doc.destroy();
      };
      setTimeout(() => {
        const client = new Client(docs[d]!, { onStep2: apply, onUpdate: apply });
        client.ready.catch(() => undefined); // counted as not resynced
        clients.push(client);
      }, delays[i]! * JITTER_MS);
    }
    await until(() => resync.length >= count, 60_000);
    const elapsed = (performance.now() - listening) / 1000;
    const cpu = cpuSeconds(server.pid) - cpuStart;
    const peakRss = rss.stop();
    await sleep(JITTER_MS); // every timer has fired
    await closeAll(clients);

    const row = (what: string) => `reconnect ${count} · ${what}`;
    return [
      { row: row('resynced with the right content (%)'), value: (100 * resync.length) / count, better: 'higher' },
      { row: row('resync p50 after restart (ms)'), value: resync.quantile(0.5), better: 'lower' },
      { row: row('resync p99 after restart (ms)'), value: resync.quantile(0.99), better: 'lower' },
      { row: row('restart to listening (ms)'), value: listeningMs, better: 'lower' },
      { row: row('graceful shutdown (ms)'), value: shutdownMs, better: 'lower' },
      { row: row('server CPU during the storm (% of a core)'), value: (100 * cpu) / elapsed, better: 'lower' },
      { row: row('server peak RSS during the storm (MB)'), value: peakRss / 1e6, better: 'lower' },
    ];
  } finally {
    await server.stop();
  }
}

/**
 * Connects every client (client i on document i % D; the first on each document is its writer), has each
 * writer send its document, and returns the clients, still connected, once every other one has received it.
 */
async function writeAll(docs: DocTarget[], written: Written[], count: number): Promise<Client[]> {
  const docCount = docs.length;
  const heard = new Int32Array(count);
  let complete = 0;
  const onUpdate = (i: number) => (update: Uint8Array) =>
    clockRanges(update, (client, _from, to) => {
      const d = i % docCount;
      if (client !== FIRST_WRITER + d || to <= heard[i]!) return;
      if (heard[i]! < written[d]!.endClock && to >= written[d]!.endClock) complete++;
      heard[i] = to;
    });
  const clients = await connectMany(count, 100, (i) => new Client(docs[i % docCount]!, { onUpdate: onUpdate(i) }));
  for (let d = 0; d < docCount; d++) for (const update of written[d]!.updates) clients[d]!.sendUpdate(update);
  if (!(await until(() => complete >= count - docCount, 60_000))) {
    throw new Error(`only ${complete} of ${count - docCount} readers received their document`);
  }
  // Hocuspocus stores 2 s after the last change, or on SIGTERM; y-websocket-server's queue drains on SIGTERM.
  await sleep(500);
  return clients;
}
