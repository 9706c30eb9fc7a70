/**
 * throughput: 20 writers with 8 updates in flight each, 20 receivers, all on one document; or, spread over
 * 20 documents (one writer and one receiver each), the same load as many documents' writes, which is where
 * DURABILITY=fsync's group commit has writes to share an fsync.
 *
 * "In flight" is defined by delivery, because our server does not echo an update to its sender: an update
 * is in flight from the moment its writer sends it until the first receiver gets it. Each first delivery lets
 * that writer send one more, so every writer keeps 8 outstanding. Deliveries count receivers only; on one
 * document the servers also relay every update to the 19 other writers (and the peers echo it to its sender).
 */
import { Client, Samples, closeAll, connectMany, sleep, until } from '../loadgen.js';
import { appendUpdate, clockRanges } from '../protocol.js';
import { cpuSeconds } from '../proc.js';
import { ServerProcess, type ServerName } from '../servers.js';
import { storeWindow } from '../store-metrics.js';
import type { Figure, RunContext, Scenario } from './types.js';

const WRITERS = 20;
const RECEIVERS = 20;
const WINDOW = 8;
const FIRST_CLIENT = 8_000_000;
/** Per-writer capacity of the bookkeeping arrays (far above what 10 s can reach). */
const MAX_PER_WRITER = 1 << 19;

export function throughput(quick: boolean, docCount = 1): Scenario {
  const durationMs = quick ? 3_000 : 10_000;
  const name = docCount === 1 ? 'throughput' : `throughput ${docCount} docs`;
  return {
    group: 'throughput',
    name,
    servers: ['ours', 'ours-os', 'y-websocket', 'hocuspocus', 'relay'],
    run: (server, ctx) => runThroughput(server, ctx, durationMs, docCount, name),
  };
}

async function runThroughput(name: ServerName, ctx: RunContext, durationMs: number, docCount: number, label: string): Promise<Figure[]> {
  const server = new ServerProcess(name, ctx.workDir);
  await server.start();
  try {
    const docs = await Promise.all(Array.from({ length: docCount }, () => server.createDoc()));
    // Writer w and receiver w are on document w % docCount.
    const docOf = (index: number) => docs[index % docCount]!;
    const sentAt = Array.from({ length: WRITERS }, () => new Float64Array(MAX_PER_WRITER));
    const seen = Array.from({ length: WRITERS }, () => new Uint8Array(MAX_PER_WRITER));
    const nextClock = new Array<number>(WRITERS).fill(0);
    const latency = new Samples();
    let running = false;
    let windowEnd = Infinity;
    let firstDeliveries = 0;
    let deliveries = 0;
    let frames = 0;
    let writers: Client[] = [];

    const send = (w: number) => {
      const clock = nextClock[w]!++;
      sentAt[w]![clock] = performance.now();
      writers[w]!.sendUpdate(appendUpdate(FIRST_CLIENT + w, clock));
    };
    const onUpdate = (update: Uint8Array, at: number) => {
      if (at <= windowEnd) frames++;
      clockRanges(update, (client, from, to) => {
        const w = client - FIRST_CLIENT;
        if (w < 0 || w >= WRITERS) return;
        for (let clock = from; clock < to; clock++) {
          if (at <= windowEnd) deliveries++;
          latency.push(at - sentAt[w]![clock]!);
          if (seen[w]![clock]) continue;
          seen[w]![clock] = 1;
          if (at <= windowEnd) firstDeliveries++;
          if (running) send(w);
        }
      });
    };

    const receivers = await connectMany(RECEIVERS, 20, (i) => new Client(docOf(i), { onUpdate }));
    writers = await connectMany(WRITERS, 20, (i) => new Client(docOf(i)));
    await sleep(500);

    const pid = server.pid;
    const store = await storeWindow(server);
    const cpuStart = cpuSeconds(pid);
    const started = performance.now();
    running = true;
    for (let w = 0; w < WRITERS; w++) for (let i = 0; i < WINDOW; i++) send(w);
    await sleep(durationMs);
    running = false;
    windowEnd = performance.now();
    const cpu = cpuSeconds(pid) - cpuStart;
    const seconds = (windowEnd - started) / 1000;
    const storeFigures = await store.end(label, docCount === 1 ? seconds : undefined);
    const sent = nextClock.reduce((a, b) => a + b, 0);
    // Let what is in flight arrive, so that the latency samples include the tail of the window.
    await until(() => latency.length >= sent * RECEIVERS, 5_000);
    await closeAll([...receivers, ...writers]);

    const row = (what: string) => `${label} · ${what}`;
    return [
      { row: row('updates/s'), value: firstDeliveries / seconds, better: 'higher' },
      { row: row('deliveries/s'), value: deliveries / seconds, better: 'higher' },
      // Hocuspocus merges the updates that arrive in one event-loop turn into one message; the others send one
      // message per update, so this is where the per-message cost shows.
      { row: row('update messages received/s'), value: frames / seconds, better: 'higher' },
      { row: row('server CPU ms per 1,000 deliveries'), value: (1000 * cpu * 1000) / Math.max(1, deliveries), better: 'lower' },
      { row: row('server CPU (% of a core)'), value: (100 * cpu) / seconds, better: 'lower' },
      { row: row('p50 latency under load (ms)'), value: latency.quantile(0.5), better: 'lower' },
      { row: row('p99 latency under load (ms)'), value: latency.quantile(0.99), better: 'lower' },
      ...storeFigures,
    ];
  } finally {
    await server.stop();
  }
}
