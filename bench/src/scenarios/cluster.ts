/**
 * cluster: our server in cluster mode (REDIS_URL + DATABASE_URL), fan-out across processes. Each round starts
 * a fresh Redis (append-only file, `appendfsync always`) and a fresh PostgreSQL 15 through
 * @collab/test-services, then two server processes A and B on them, and runs the fan-out measurement
 * (fanout.ts) three ways, one after the other:
 *
 *   - cross-process: writer on A, receivers on B (A stores the update in Redis, B reads it with XREAD BLOCK);
 *   - same process, cluster: writer and receivers on A (B idle), another document;
 *   - same process, LevelDB: a default single-process server (no Redis, no PostgreSQL), as in `fanout`.
 *
 * Pinning: A, B, the LevelDB server, Redis and PostgreSQL all run on core 1; the load generator stays on core 0.
 * With two cores the whole server side shares one core, so the cross-process figure includes A, B and Redis
 * taking turns on it.
 */
import { execFileSync } from 'node:child_process';
import { startPostgres, startRedis } from '../../../packages/test-services/src/index.js';
import { ServerProcess } from '../servers.js';
import { type FanoutMeasurement, fanoutDurationMs, measureFanout } from './fanout.js';
import type { Figure, RunContext, Scenario } from './types.js';

const SERVER_CORE = '1';

export function cluster(receivers: number, quick: boolean): Scenario {
  const durationMs = fanoutDurationMs(quick);
  return {
    group: 'cluster',
    name: `cluster ${receivers}`,
    // Ours only: the peers have no cluster mode to compare with. The three variants are rows, not columns.
    servers: ['ours'],
    run: (_server, ctx) => runCluster(ctx, receivers, durationMs),
  };
}

const VARIANTS = {
  cross: 'cross-process A→B (cluster)',
  same: 'same process (cluster)',
  leveldb: 'same process (LevelDB, no cluster)',
} as const;
type Variant = keyof typeof VARIANTS;

async function runCluster(ctx: RunContext, receivers: number, durationMs: number): Promise<Figure[]> {
  const results = {} as Record<Variant, FanoutMeasurement>;

  // The single-process LevelDB server first, alone on core 1 as in `fanout`.
  const single = new ServerProcess('ours', ctx.workDir);
  await single.start();
  try {
    const doc = await single.createDoc();
    results.leveldb = await measureFanout({ writer: doc, receiver: doc, receivers, durationMs, pids: [single.pid] });
  } finally {
    await single.stop();
  }

  const [redis, postgres] = await Promise.all([startRedis({ appendOnly: true }), startPostgres()]);
  const processes: ServerProcess[] = [];
  try {
    // They inherit this process's core 0 (bench.sh's taskset); move them to the server core.
    pinServicesTo(SERVER_CORE);
    const env = { REDIS_URL: redis.url, DATABASE_URL: postgres.url };
    for (let i = 0; i < 2; i++) {
      const server = new ServerProcess('ours', ctx.workDir, env);
      processes.push(server);
      await server.start();
    }
    const [a, b] = processes as [ServerProcess, ServerProcess];
    const pids = [a.pid, b.pid];

    const sameDoc = await a.createDoc();
    results.same = await measureFanout({ writer: sameDoc, receiver: sameDoc, receivers, durationMs, pids });

    // Created through A, joined through B: B knows it from PostgreSQL and accepts A's token (same secret).
    const crossDoc = await a.createDoc();
    results.cross = await measureFanout({ writer: crossDoc, receiver: b.sameDocHere(crossDoc), receivers, durationMs, pids });
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await Promise.all([redis.stop(), postgres.stop()]);
  }

  const figures: Figure[] = [];
  const add = (what: string, better: Figure['better'], pick: (m: FanoutMeasurement) => number) => {
    for (const variant of ['cross', 'same', 'leveldb'] as const) {
      figures.push({ row: `cluster ${receivers} · ${what}, ${VARIANTS[variant]}`, value: pick(results[variant]), better });
    }
  };
  add('p50 latency (ms)', 'lower', (m) => m.p50);
  add('p99 latency (ms)', 'lower', (m) => m.p99);
  add('max latency (ms)', 'lower', (m) => m.max);
  add('delivered / expected (%)', 'higher', (m) => m.deliveredPercent);
  // Both cluster processes together (Redis and PostgreSQL not included); the LevelDB server alone.
  add('server CPU (% of a core)', 'lower', (m) => m.cpuPercent);
  return figures;
}

/**
 * Pins every redis-server and postgres process started by this process (and their descendants, with all their
 * threads) to `core`. Processes PostgreSQL forks later (a backend per connection) inherit the postmaster's.
 */
function pinServicesTo(core: string): void {
  const children = new Map<number, Array<{ pid: number; comm: string }>>();
  for (const line of execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm=']).toString().split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const ppid = Number(match[2]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push({ pid: Number(match[1]), comm: match[3]!.trim() });
  }
  const pinned: number[] = [];
  const pinTree = (pid: number) => {
    execFileSync('taskset', ['-a', '-p', '-c', core, `${pid}`], { stdio: 'ignore' });
    pinned.push(pid);
    for (const child of children.get(pid) ?? []) pinTree(child.pid);
  };
  for (const child of children.get(process.pid) ?? []) {
    if (child.comm === 'redis-server' || child.comm === 'postgres') pinTree(child.pid);
  }
  if (pinned.length < 2) throw new Error(`expected to pin Redis and PostgreSQL to core ${core}, found ${pinned.length} process(es)`);
}
