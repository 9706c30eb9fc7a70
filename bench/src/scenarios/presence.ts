/**
 * presence: a presence storm. N users in one room, each moving its caret twice a second (a CollaborationCaret
 * state: name, colour, anchor and head) for the window, the moves spread evenly over each half second. Every
 * client records, per other user, the latest awareness clock it has received: a move counts as delivered when
 * its state or a later one of the same user arrives (a server may merge a user's moves that arrive together),
 * and its latency is measured when its own state arrives. At the end every client must hold every other
 * user's final state.
 *
 * `presenceLimit` pushes the crowd: the largest room whose p99 stays under 100 ms with everything delivered.
 */
import { Client, LatencyHistogram, connectMany, closeAll, ownCpuSeconds, sleep, until } from '../loadgen.js';
import { awarenessClocks, awarenessUpdate, framing } from '../protocol.js';
import { cpuSeconds, watchRss } from '../proc.js';
import { ServerProcess, type ServerName } from '../servers.js';
import { searchLargest } from '../search.js';
import type { RunContext, Scenario } from './types.js';

const FIRST_CLIENT = 50_000_000;
const MOVE_INTERVAL_MS = 500;
/** A probe passes if p99 stays under this with every move delivered. */
const LIMIT_P99_MS = 100;

export function presence(users: number, quick: boolean): Scenario {
  return {
    group: 'presence',
    name: `presence ${users}`,
    servers: ['ours', 'y-websocket', 'hocuspocus'],
    run: async (server, ctx) => {
      const m = await measurePresence(server, ctx, users, quick ? 4_000 : 10_000);
      const row = (what: string) => `presence ${users} · ${what}`;
      return [
        { row: row('moves delivered (%)'), value: m.deliveredPercent, better: 'higher' },
        { row: row('clients holding every final state (%)'), value: m.completePercent, better: 'higher' },
        { row: row('p50 latency (ms)'), value: m.p50, better: 'lower' },
        { row: row('p99 latency (ms)'), value: m.p99, better: 'lower' },
        { row: row('states per awareness message'), value: m.statesPerMessage, better: 'higher' },
        { row: row('server CPU (% of a core)'), value: m.cpuPercent, better: 'lower' },
        { row: row('server peak RSS (MB)'), value: m.peakRssMB, better: 'lower' },
        { row: row('load generator CPU (% of a core)'), value: m.loadgenCpuPercent, better: 'lower' },
      ];
    },
  };
}

/** The largest room (users) whose presence storm keeps p99 under 100 ms with every move delivered. */
export function presenceLimit(quick: boolean): Scenario {
  return {
    group: 'presence',
    name: 'presence limit',
    servers: ['ours', 'y-websocket', 'hocuspocus'],
    once: true,
    run: async (server, ctx) => {
      const { largest, capped } = await searchLargest({
        start: quick ? 100 : 200,
        factor: 1.5,
        max: quick ? 400 : 3_000,
        refine: quick ? 1 : 2,
        probe: async (users) => {
          const m = await measurePresence(server, ctx, users, quick ? 4_000 : 10_000);
          const pass = m.p99 < LIMIT_P99_MS && m.completePercent === 100;
          process.stderr.write(`  presence limit ${server} ${users} users: p99 ${m.p99.toFixed(1)} ms, complete ${m.completePercent.toFixed(1)}%, load generator ${m.loadgenCpuPercent.toFixed(0)}% → ${pass ? 'pass' : 'fail'}\n`);
          return pass;
        },
      });
      return [
        {
          row: `presence limit · largest room with p99 < ${LIMIT_P99_MS} ms (users${capped ? ', ≥ when capped' : ''})`,
          value: largest,
          better: 'higher',
        },
      ];
    },
  };
}

interface PresenceMeasurement {
  deliveredPercent: number;
  completePercent: number;
  p50: number;
  p99: number;
  statesPerMessage: number;
  cpuPercent: number;
  peakRssMB: number;
  loadgenCpuPercent: number;
}

/** A caret as TipTap's CollaborationCaret publishes it: relative positions of anchor and head. */
function caretState(user: number, position: number): object {
  const at = { type: null, tname: 'default', item: { client: 9_000_001, clock: position }, assoc: 0 };
  return {
    user: { name: `user ${user}`, color: `#${((user * 2654435761) >>> 0).toString(16).padStart(8, '0').slice(-6)}` },
    cursor: { anchor: at, head: at },
  };
}

async function measurePresence(name: ServerName, ctx: RunContext, users: number, durationMs: number): Promise<PresenceMeasurement> {
  const server = new ServerProcess(name, ctx.workDir);
  await server.start();
  try {
    const doc = await server.createDoc();
    const frames = framing(doc.dialect, doc.docName);
    const moves = Math.floor(durationMs / MOVE_INTERVAL_MS);
    const finalClock = moves + 1; // clock 1 is the announcement on joining
    /** Per receiving client, the latest clock it holds of each user. */
    const latest = Array.from({ length: users }, () => new Int32Array(users));
    const sentAt = new Float64Array(users * moves);
    const latency = new LatencyHistogram();
    let storm = false;
    let delivered = 0;
    let holdingFinal = 0;
    let holdingFirst = 0;
    let messages = 0;
    let states = 0;

    const onAwareness = (receiver: number) => (update: Uint8Array, at: number) => {
      const held = latest[receiver]!;
      if (storm) messages++;
      awarenessClocks(update, (clientId, clock) => {
        const user = clientId - FIRST_CLIENT;
        if (user < 0 || user >= users || user === receiver) return;
        if (storm) states++;
        const before = held[user]!;
        if (clock <= before) return;
        held[user] = clock;
        if (before === 0) holdingFirst++;
        if (clock >= 2) {
          delivered += clock - Math.max(before, 1);
          latency.push(at - sentAt[(clock - 2) * users + user]!);
        }
        if (clock === finalClock) holdingFinal++;
      });
    };
    const clients = await connectMany(
      users,
      100,
      (i) => new Client(doc, { onAwareness: onAwareness(i) }, [frames.awareness(awarenessUpdate(FIRST_CLIENT + i, caretState(i, 0)))]),
    );
    const pairs = users * (users - 1);
    await until(() => holdingFirst >= pairs, 30_000);
    await sleep(500);

    const pid = server.pid;
    const cpuStart = cpuSeconds(pid);
    const loadgenStart = ownCpuSeconds();
    const rss = watchRss(pid);
    storm = true;
    const started = performance.now();
    const total = users * moves;
    let next = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        // Move j is user j % users's move number floor(j / users), due at an even spread over each interval.
        while (next < total && started + (next / users) * MOVE_INTERVAL_MS <= now) {
          const user = next % users;
          const move = Math.floor(next / users);
          sentAt[next] = performance.now();
          clients[user]!.send(frames.awareness(awarenessUpdate(FIRST_CLIENT + user, caretState(user, move + 1), move + 2)));
          next++;
        }
        if (next >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    const sendSeconds = (performance.now() - started) / 1000;
    await until(() => holdingFinal >= pairs, 30_000);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpuStart;
    const loadgenCpu = ownCpuSeconds() - loadgenStart;
    const peakRss = rss.stop();
    storm = false;
    await closeAll(clients);

    process.stderr.write(`  presence ${name} ${users}: sent for ${sendSeconds.toFixed(1)} s, done after ${elapsed.toFixed(1)} s\n`);
    return {
      deliveredPercent: (100 * delivered) / (pairs * moves),
      completePercent: (100 * holdingFinal) / pairs,
      p50: latency.quantile(0.5),
      p99: latency.quantile(0.99),
      statesPerMessage: states / Math.max(1, messages),
      cpuPercent: (100 * cpu) / elapsed,
      peakRssMB: peakRss / 1e6,
      loadgenCpuPercent: (100 * loadgenCpu) / elapsed,
    };
  } finally {
    await server.stop();
  }
}
