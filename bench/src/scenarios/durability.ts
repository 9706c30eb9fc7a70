/**
 * durability: a reader records 200 updates; the moment the 200th arrives the server is SIGKILLed (from inside
 * the reader's message handler). After a restart on the same data directory a fresh client counts how many of
 * those 200 the server still has: anything missing was relayed before it was stored.
 */
import * as Y from 'yjs';
import { Client, sleep, until } from '../loadgen.js';
import { appendUpdate, clockRanges } from '../protocol.js';
import { ServerProcess, type ServerName } from '../servers.js';
import type { Figure, RunContext, Scenario } from './types.js';

const UPDATES = 200;
const WRITER_CLIENT = 6_000_001;

export function durability(): Scenario {
  return {
    group: 'durability',
    name: 'durability',
    servers: ['ours', 'ours-os', 'y-websocket', 'hocuspocus'],
    run: (server, ctx) => runDurability(server, ctx),
  };
}

async function runDurability(name: ServerName, ctx: RunContext): Promise<Figure[]> {
  const server = new ServerProcess(name, ctx.workDir);
  await server.start();
  try {
    const doc = await server.createDoc();
    const seen = new Uint8Array(UPDATES);
    let received = 0;
    let killed = false;
    const reader = new Client(doc, {
      onUpdate: (update) =>
        clockRanges(update, (client, from, to) => {
          if (client !== WRITER_CLIENT) return;
          for (let clock = from; clock < to; clock++) {
            if (seen[clock]) continue;
            seen[clock] = 1;
            received++;
          }
          if (received === UPDATES && !killed) {
            killed = true;
            server.killNow();
          }
        }),
    });
    const writer = new Client(doc);
    await Promise.all([reader.ready, writer.ready]);
    for (let clock = 0; clock < UPDATES; clock++) {
      writer.sendUpdate(appendUpdate(WRITER_CLIENT, clock));
      if (clock % 10 === 9) await sleep(1);
    }
    if (!(await until(() => killed, 10_000))) throw new Error(`the reader received only ${received} of ${UPDATES}`);
    await server.waitExit();
    await Promise.all([reader.closed(), writer.closed()]);

    await server.start();
    const fresh = new Y.Doc();
    const apply = (update: Uint8Array) => Y.applyUpdate(fresh, update);
    const client = new Client(doc, { onStep2: apply, onUpdate: apply });
    await client.ready;
    const stored = () => Y.decodeStateVector(Y.encodeStateVector(fresh)).get(WRITER_CLIENT) ?? 0;
    // y-websocket-server loads a document after answering sync; give late state 2 s to arrive.
    await until(() => stored() >= UPDATES, 2_000);
    client.close();
    await client.closed();
    return [{ row: `durability · updates missing after SIGKILL (of ${UPDATES} received)`, value: UPDATES - stored(), better: 'lower' }];
  } finally {
    await server.stop();
  }
}
