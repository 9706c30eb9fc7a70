/**
 * coldload: replay the automerge-paper trace (one update per transaction, up to 256 in flight), stop the
 * server gracefully (SIGTERM), start it again on the same data directory and time a fresh client from
 * connecting to holding the complete document. The floor is Yjs itself: the merged state applied to a fresh
 * Y.Doc in this process.
 *
 * "In flight" needs an acknowledgement: Hocuspocus sends the writer one per update (SyncStatus); for the
 * others it is a reader receiving the relayed updates, counted by the writer's clock they reach, since our
 * server merges the updates that arrive together into one message. An update that only deletes moves no
 * clock: it counts as acknowledged once sent and everything before it has arrived. Nothing is taken on
 * trust: the fresh client's text must equal the trace's at the end.
 */
import * as Y from 'yjs';
import { Client, sleep, until, withTimeout } from '../loadgen.js';
import { clockRanges } from '../protocol.js';
import { cpuSeconds, diskKiB } from '../proc.js';
import { ServerProcess, type ServerName } from '../servers.js';
import { TRACE_CLIENT, traceUpdates } from '../trace.js';
import type { Figure, RunContext, Scenario } from './types.js';

const IN_FLIGHT = 256;

export function coldload(quick: boolean): Scenario {
  const limit = quick ? 20_000 : Infinity;
  const label = quick ? 'coldload (first 20k edits)' : 'coldload';
  return {
    group: 'coldload',
    name: label,
    servers: ['ours', 'ours-os', 'y-websocket', 'hocuspocus'],
    run: (server, ctx) => runColdload(server, ctx, limit, label),
    floor: async () => [{ row: `${label} · fresh client load (ms)`, value: inProcessFloor(limit), better: 'lower' }],
  };
}

/** Median of five: decode the merged state into a fresh Y.Doc and read the text out. */
function inProcessFloor(limit: number): number {
  const { state, endContent } = traceUpdates(limit);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    if (doc.getText('t').toString() !== endContent) throw new Error('floor: decoded text differs');
    times.push(performance.now() - started);
    doc.destroy();
  }
  return times.sort((a, b) => a - b)[2]!;
}

async function runColdload(name: ServerName, ctx: RunContext, limit: number, label: string): Promise<Figure[]> {
  const { updates, endClocks, endContent } = traceUpdates(limit);
  const server = new ServerProcess(name, ctx.workDir);
  await server.start();
  try {
    const doc = await server.createDoc();
    let acked = 0;
    let sent = 0;
    let counting = false;
    /** The writer's highest clock the reader has received. */
    let received = 0;
    const advance = () => {
      while (acked < sent && endClocks[acked]! <= received) acked++;
    };
    const pump = () => {
      while (counting && sent < updates.length && sent - acked < IN_FLIGHT) {
        writer.sendUpdate(updates[sent++]!);
        if (!byStatus) advance();
      }
    };
    const ack = () => {
      acked++;
      pump();
    };
    const receive = (update: Uint8Array) => {
      clockRanges(update, (client, _from, to) => {
        if (client === TRACE_CLIENT) received = Math.max(received, to);
      });
      advance();
      pump();
    };
    const byStatus = server.dialect === 'hocuspocus';
    const writer = new Client(doc, byStatus ? { onSyncStatus: ack } : {});
    const reader = byStatus ? null : new Client(doc, { onUpdate: receive });
    await Promise.all([writer.ready, reader?.ready]);
    await sleep(300); // let the handshake's own acknowledgements pass before counting
    acked = 0;
    counting = true;
    const cpuStart = cpuSeconds(server.pid);
    const started = performance.now();
    pump();
    if (!(await until(() => acked >= updates.length, 600_000))) {
      throw new Error(`replay stalled: ${acked} of ${updates.length} acknowledged`);
    }
    const replaySeconds = (performance.now() - started) / 1000;
    const replayCpu = cpuSeconds(server.pid) - cpuStart;
    writer.close();
    reader?.close();
    await Promise.all([writer.closed(), reader?.closed()]);
    await sleep(500);

    const shutdownMs = await server.stop(120_000);
    const onDisk = diskKiB(server.dataDir);
    await server.start();
    const loadStarted = performance.now();
    const fresh = new Y.Doc();
    const text = fresh.getText('t');
    let complete: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (complete = resolve));
    const apply = (update: Uint8Array) => {
      Y.applyUpdate(fresh, update);
      if (text.length === endContent.length) complete();
    };
    const client = new Client(doc, { onStep2: apply, onUpdate: apply });
    await withTimeout(done, 120_000, 'the fresh client to hold the whole document');
    const loadMs = performance.now() - loadStarted;
    if (text.toString() !== endContent) throw new Error('fresh client: text differs from the trace');
    client.close();
    await client.closed();

    const row = (what: string) => `${label} · ${what}`;
    return [
      { row: row('replay (updates/s)'), value: updates.length / replaySeconds, better: 'higher' },
      { row: row('server CPU ms per 1,000 replayed updates'), value: (1000 * replayCpu * 1000) / updates.length, better: 'lower' },
      { row: row('graceful shutdown (ms)'), value: shutdownMs, better: 'lower' },
      { row: row('data on disk (KB)'), value: onDisk * 1.024, better: 'lower' },
      { row: row('fresh client load (ms)'), value: loadMs, better: 'lower' },
    ];
  } finally {
    await server.stop();
  }
}
