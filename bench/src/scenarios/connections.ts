/**
 * connections: N idle clients spread over D documents, each synced and announcing an awareness state (as a
 * stock provider does). Measures how long joining takes, the server's RSS per connection, and how much of
 * the added memory the server gives back within 10 s of everyone leaving.
 */
import { Client, Samples, closeAll, connectMany, sleep } from '../loadgen.js';
import { awarenessUpdate, framing } from '../protocol.js';
import { rssBytes } from '../proc.js';
import { type DocTarget, ServerProcess, type ServerName } from '../servers.js';
import type { Figure, RunContext, Scenario } from './types.js';

/** A stock client renews its awareness every 15 s; Hocuspocus closes sockets silent for 60 s. */
const RENEW_MS = 15_000;

export function connections(count: number, docs: number, quick: boolean): Scenario {
  return {
    group: 'connections',
    name: `connections ${count}`,
    servers: ['ours', 'y-websocket', 'hocuspocus'],
    run: (server, ctx) => runConnections(server, ctx, count, docs, quick ? 3_000 : 10_000),
  };
}

async function runConnections(
  name: ServerName,
  ctx: RunContext,
  count: number,
  docCount: number,
  releaseWaitMs: number,
): Promise<Figure[]> {
  const server = new ServerProcess(name, ctx.workDir);
  await server.start();
  try {
    const docs: DocTarget[] = [];
    for (let i = 0; i < docCount; i++) docs.push(await server.createDoc());
    await sleep(1_000);
    const pid = server.pid;
    const rssBefore = rssBytes(pid);

    const joinMs = new Samples();
    const started = performance.now();
    // Same clock on renewal: every server reads it as "still here" without broadcasting anything.
    const presence = Array.from({ length: count }, (_, i) => {
      const doc = docs[i % docCount]!;
      const state = { user: { name: `user ${i}`, color: `#${(i * 2654435761).toString(16).slice(-6)}` } };
      return framing(doc.dialect, doc.docName).awareness(awarenessUpdate(100_000 + i, state));
    });
    const live: Client[] = [];
    const renew = setInterval(() => live.forEach((client, i) => client.isOpen() && client.send(presence[i]!)), RENEW_MS);
    let clients: Client[];
    let connectSeconds: number;
    let rssConnected: number;
    try {
      clients = await connectMany(
        count,
        100,
        (i) => (live[i] = new Client(docs[i % docCount]!, {}, [presence[i]!])),
        (_i, ms) => joinMs.push(ms),
      );
      connectSeconds = (performance.now() - started) / 1000;
      await sleep(3_000);
      rssConnected = rssBytes(pid);
    } finally {
      clearInterval(renew);
    }

    await closeAll(clients);
    await sleep(releaseWaitMs);
    const rssAfter = rssBytes(pid);
    const added = rssConnected - rssBefore;

    const row = (what: string) => `connections ${count} · ${what}`;
    return [
      { row: row('time to join all (s)'), value: connectSeconds, better: 'lower' },
      { row: row('p99 join time (ms)'), value: joinMs.quantile(0.99), better: 'lower' },
      { row: row('RSS per connection (KB)'), value: added / count / 1000, better: 'lower' },
      { row: row('RSS connected (MB)'), value: rssConnected / 1e6, better: 'lower' },
      {
        row: row(`memory released ${releaseWaitMs / 1000} s after close (%)`),
        value: (100 * (rssConnected - rssAfter)) / added,
        better: 'higher',
      },
    ];
  } finally {
    await server.stop();
  }
}
