/**
 * fanout: one document, N receivers, one writer sending a one-character update every 10 ms. Each update's
 * clock is its sequence number, so a receiver looks up the send time of every (writer, clock) it gets.
 */
import { Client, Samples, closeAll, connectMany, sleep, until } from '../loadgen.js';
import { appendUpdate, clockRanges } from '../protocol.js';
import { cpuSeconds, rssBytes } from '../proc.js';
import { ServerProcess, type ServerName } from '../servers.js';
import type { Figure, RunContext, Scenario } from './types.js';

const WRITER_CLIENT = 7_000_001;
const INTERVAL_MS = 10;

export function fanout(receivers: number, quick: boolean): Scenario {
  const durationMs = quick ? 3_000 : 10_000;
  return {
    group: 'fanout',
    name: `fanout ${receivers}`,
    servers: ['ours', 'y-websocket', 'hocuspocus', 'relay'],
    run: (server, ctx) => runFanout(server, ctx, receivers, durationMs),
  };
}

async function runFanout(name: ServerName, ctx: RunContext, receivers: number, durationMs: number): Promise<Figure[]> {
  const server = new ServerProcess(name, ctx.workDir);
  await server.start();
  try {
    const doc = await server.createDoc();
    const sentAt = new Float64Array(Math.ceil(durationMs / INTERVAL_MS) * 2 + 16);
    const latency = new Samples();
    let delivered = 0;
    const onUpdate = (update: Uint8Array, at: number) =>
      clockRanges(update, (client, from, to) => {
        if (client !== WRITER_CLIENT) return;
        for (let clock = from; clock < to; clock++) {
          delivered++;
          latency.push(at - sentAt[clock]!);
        }
      });
    const clients = await connectMany(receivers, 50, () => new Client(doc, { onUpdate }));
    const writer = new Client(doc);
    await writer.ready;
    await sleep(500);

    const pid = server.pid;
    const cpuStart = cpuSeconds(pid);
    let peakRss = rssBytes(pid);
    const started = performance.now();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (performance.now() - started >= durationMs) {
          clearInterval(timer);
          return resolve();
        }
        sentAt[sent] = performance.now();
        writer.sendUpdate(appendUpdate(WRITER_CLIENT, sent));
        sent++;
        if (sent % 50 === 0) peakRss = Math.max(peakRss, rssBytes(pid));
      }, INTERVAL_MS);
    });
    const expected = sent * receivers;
    await until(() => delivered >= expected, 5_000);
    const cpu = cpuSeconds(pid) - cpuStart;
    const elapsed = (performance.now() - started) / 1000;
    peakRss = Math.max(peakRss, rssBytes(pid));
    await closeAll([...clients, writer]);

    const row = (what: string) => `fanout ${receivers} · ${what}`;
    return [
      { row: row('p50 latency (ms)'), value: latency.quantile(0.5), better: 'lower' },
      { row: row('p99 latency (ms)'), value: latency.quantile(0.99), better: 'lower' },
      { row: row('max latency (ms)'), value: latency.max(), better: 'lower' },
      { row: row('delivered / expected (%)'), value: (100 * delivered) / expected, better: 'higher' },
      { row: row('server CPU (% of a core)'), value: (100 * cpu) / elapsed, better: 'lower' },
      { row: row('server peak RSS (MB)'), value: peakRss / 1e6, better: 'lower' },
    ];
  } finally {
    await server.stop();
  }
}
