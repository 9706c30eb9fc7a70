/**
 * fanout: one document, N receivers, one writer sending a one-character update every 10 ms. Each update's
 * clock is its sequence number, so a receiver looks up the send time of every (writer, clock) it gets.
 *
 * `measureFanout` is the measurement itself, on any targets: the cluster scenario runs it with the writer on
 * one process and the receivers on another.
 */
import { Client, Samples, closeAll, connectMany, sleep, until } from '../loadgen.js';
import { appendUpdate, clockRanges } from '../protocol.js';
import { cpuSeconds, rssBytes } from '../proc.js';
import { type DocTarget, ServerProcess, type ServerName } from '../servers.js';
import { storeWindow } from '../store-metrics.js';
import type { Figure, RunContext, Scenario } from './types.js';

const WRITER_CLIENT = 7_000_001;
const INTERVAL_MS = 10;

export const fanoutDurationMs = (quick: boolean) => (quick ? 3_000 : 10_000);

export function fanout(receivers: number, quick: boolean): Scenario {
  const durationMs = fanoutDurationMs(quick);
  return {
    group: 'fanout',
    name: `fanout ${receivers}`,
    servers: ['ours', 'ours-os', 'ours-history', 'y-websocket', 'hocuspocus', 'relay'],
    run: (server, ctx) => runFanout(server, ctx, receivers, durationMs),
  };
}

async function runFanout(name: ServerName, ctx: RunContext, receivers: number, durationMs: number): Promise<Figure[]> {
  const server = new ServerProcess(name, ctx.workDir);
  await server.start();
  try {
    const doc = await server.createDoc();
    const store = await storeWindow(server);
    const m = await measureFanout({ writer: doc, receiver: doc, receivers, durationMs, pids: [server.pid] });
    const storeFigures = await store.end(`fanout ${receivers}`);
    const row = (what: string) => `fanout ${receivers} · ${what}`;
    return [
      { row: row('p50 latency (ms)'), value: m.p50, better: 'lower' },
      { row: row('p99 latency (ms)'), value: m.p99, better: 'lower' },
      { row: row('max latency (ms)'), value: m.max, better: 'lower' },
      { row: row('delivered / expected (%)'), value: m.deliveredPercent, better: 'higher' },
      { row: row('server CPU (% of a core)'), value: m.cpuPercent, better: 'lower' },
      { row: row('server peak RSS (MB)'), value: m.peakRssMB, better: 'lower' },
      ...storeFigures,
    ];
  } finally {
    await server.stop();
  }
}

export interface FanoutOptions {
  /** Where the writer connects. */
  writer: DocTarget;
  /** Where the receivers connect: the same document, on the same server or another. */
  receiver: DocTarget;
  receivers: number;
  durationMs: number;
  /** Server processes whose CPU time and RSS are measured (summed). */
  pids: number[];
}

export interface FanoutMeasurement {
  p50: number;
  p99: number;
  max: number;
  deliveredPercent: number;
  /** CPU of all `pids` together, in % of one core. */
  cpuPercent: number;
  /** Peak of the summed RSS of all `pids`, in MB. */
  peakRssMB: number;
}

export async function measureFanout(options: FanoutOptions): Promise<FanoutMeasurement> {
  const { receivers, durationMs, pids } = options;
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
  const clients = await connectMany(receivers, 50, () => new Client(options.receiver, { onUpdate }));
  const writer = new Client(options.writer);
  await writer.ready;
  await sleep(500);

  const cpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const rss = () => pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
  const cpuStart = cpu();
  let peakRss = rss();
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
      if (sent % 50 === 0) peakRss = Math.max(peakRss, rss());
    }, INTERVAL_MS);
  });
  const expected = sent * receivers;
  await until(() => delivered >= expected, 5_000);
  const cpuUsed = cpu() - cpuStart;
  const elapsed = (performance.now() - started) / 1000;
  peakRss = Math.max(peakRss, rss());
  await closeAll([...clients, writer]);

  return {
    p50: latency.quantile(0.5),
    p99: latency.quantile(0.99),
    max: latency.max(),
    deliveredPercent: (100 * delivered) / expected,
    cpuPercent: (100 * cpuUsed) / elapsed,
    peakRssMB: peakRss / 1e6,
  };
}
