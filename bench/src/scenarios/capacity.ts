/**
 * capacity: how far one process goes before a keystroke's p99 passes 100 ms (with everything delivered).
 *
 * - documents: D documents, each with one writer typing 5 characters a second (one update every 200 ms,
 *   writers spread evenly over that interval) and one reader; grows D.
 * - room: the fan-out measurement (one writer, one update every 10 ms) with N receivers; grows N.
 *
 * Each probe runs on a fresh server; see search.ts for how the sizes are chosen.
 */
import { Client, LatencyHistogram, closeAll, connectMany, ownCpuSeconds, sleep, until } from '../loadgen.js';
import { appendUpdate, clockRanges } from '../protocol.js';
import { type DocTarget, ServerProcess, type ServerName } from '../servers.js';
import { searchLargest } from '../search.js';
import { measureFanout } from './fanout.js';
import type { RunContext, Scenario } from './types.js';

const LIMIT_P99_MS = 100;
const TYPING_INTERVAL_MS = 200;
const FIRST_WRITER = 40_000_000;

const report = (what: string, server: ServerName, size: number, p99: number, deliveredPercent: number, pass: boolean, extra = '') =>
  process.stderr.write(
    `  ${what} ${server} ${size}: p99 ${p99.toFixed(1)} ms, delivered ${deliveredPercent.toFixed(2)}%${extra} → ${pass ? 'pass' : 'fail'}\n`,
  );

export function capacityDocs(quick: boolean): Scenario {
  return {
    group: 'capacity',
    name: 'capacity documents',
    servers: ['ours', 'y-websocket', 'hocuspocus'],
    once: true,
    run: async (server, ctx) => {
      const { largest, capped } = await searchLargest({
        start: quick ? 50 : 250,
        factor: 2,
        max: quick ? 200 : 6_400,
        refine: quick ? 1 : 2,
        probe: async (docs) => {
          const m = await measureDocs(server, ctx, docs, quick ? 3_000 : 10_000);
          const pass = m.p99 < LIMIT_P99_MS && m.deliveredPercent === 100;
          report('capacity documents', server, docs, m.p99, m.deliveredPercent, pass, `, load generator ${m.loadgenCpuPercent.toFixed(0)}%`);
          return pass;
        },
      });
      const label = `capacity · most documents with one writer each, p99 < ${LIMIT_P99_MS} ms (documents${capped ? ', ≥ when capped' : ''})`;
      return [{ row: label, value: largest, better: 'higher' }];
    },
  };
}

export function capacityRoom(quick: boolean): Scenario {
  return {
    group: 'capacity',
    name: 'capacity room',
    servers: ['ours', 'y-websocket', 'hocuspocus'],
    once: true,
    run: async (name, ctx) => {
      const { largest, capped } = await searchLargest({
        start: quick ? 100 : 500,
        factor: 1.5,
        max: quick ? 300 : 8_000,
        refine: quick ? 1 : 2,
        probe: async (receivers) => {
          const server = new ServerProcess(name, ctx.workDir);
          await server.start();
          try {
            const doc = await server.createDoc();
            const m = await measureFanout({ writer: doc, receiver: doc, receivers, durationMs: quick ? 3_000 : 10_000, pids: [server.pid] });
            const pass = m.p99 < LIMIT_P99_MS && m.deliveredPercent === 100;
            report('capacity room', name, receivers, m.p99, m.deliveredPercent, pass);
            return pass;
          } finally {
            await server.stop();
          }
        },
      });
      const label = `capacity · largest room, one writer every 10 ms, p99 < ${LIMIT_P99_MS} ms (receivers${capped ? ', ≥ when capped' : ''})`;
      return [{ row: label, value: largest, better: 'higher' }];
    },
  };
}

async function measureDocs(
  name: ServerName,
  ctx: RunContext,
  docCount: number,
  durationMs: number,
): Promise<{ p99: number; deliveredPercent: number; loadgenCpuPercent: number }> {
  const server = new ServerProcess(name, ctx.workDir);
  await server.start();
  try {
    const docs: DocTarget[] = [];
    while (docs.length < docCount) {
      const batch = Math.min(50, docCount - docs.length);
      docs.push(...(await Promise.all(Array.from({ length: batch }, () => server.createDoc()))));
    }
    const perWriter = Math.floor(durationMs / TYPING_INTERVAL_MS);
    const sentAt = new Float64Array(docCount * perWriter);
    const latency = new LatencyHistogram();
    let delivered = 0;
    const onUpdate = (d: number) => (update: Uint8Array, at: number) =>
      clockRanges(update, (client, from, to) => {
        if (client !== FIRST_WRITER + d) return;
        for (let clock = from; clock < to; clock++) {
          delivered++;
          latency.push(at - sentAt[clock * docCount + d]!);
        }
      });
    const readers = await connectMany(docCount, 100, (d) => new Client(docs[d]!, { onUpdate: onUpdate(d) }));
    const writers = await connectMany(docCount, 100, (d) => new Client(docs[d]!));
    await sleep(500);

    const loadgenStart = ownCpuSeconds();
    const started = performance.now();
    const total = docCount * perWriter;
    let next = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        // Update j is writer j % D's keystroke number floor(j / D), the writers spread over each interval.
        while (next < total && started + (next / docCount) * TYPING_INTERVAL_MS <= now) {
          const d = next % docCount;
          sentAt[next] = performance.now();
          writers[d]!.sendUpdate(appendUpdate(FIRST_WRITER + d, Math.floor(next / docCount)));
          next++;
        }
        if (next >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    await until(() => delivered >= total, 10_000);
    const loadgenCpuPercent = (100 * (ownCpuSeconds() - loadgenStart)) / ((performance.now() - started) / 1000);
    await closeAll([...readers, ...writers]);
    return { p99: latency.quantile(0.99), deliveredPercent: (100 * delivered) / total, loadgenCpuPercent };
  } finally {
    await server.stop();
  }
}
