/**
 * `npm run bench` (see bench/bench.sh, which installs the bench, builds the server and pins this process to
 * core 0). Runs every scenario with the servers interleaved (A B C A B C ...), prints the table and, with
 * --write-results, writes bench/RESULTS.md.
 *
 *   --rounds N       rounds per scenario (default 3)
 *   --quick          short smoke run: smaller sizes, 3 s windows, 1 round unless --rounds is given
 *   --only a,b       scenario groups: fanout, throughput, connections, coldload, durability, cluster, bigdoc,
 *                    presence, reconnect, capacity, hostile
 *   --servers a,b    subset of: ours (DURABILITY=fsync, the default), ours-os (DURABILITY=os), ours-history
 *                    (ours cutting a version each second of editing; fanout only), y-websocket,
 *                    hocuspocus, relay
 *   --write-results  write bench/RESULTS.md
 *   --keep           keep the scratch directory (data dirs and server logs)
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkHandEncoding } from './protocol.js';
import { writeResults } from './results.js';
import { OUR_SERVER_ENTRY, type ServerName } from './servers.js';
import { bigdoc } from './scenarios/bigdoc.js';
import { capacityDocs, capacityRoom } from './scenarios/capacity.js';
import { cluster } from './scenarios/cluster.js';
import { coldload } from './scenarios/coldload.js';
import { connections } from './scenarios/connections.js';
import { durability } from './scenarios/durability.js';
import { fanout } from './scenarios/fanout.js';
import { hostile } from './scenarios/hostile.js';
import { presence, presenceLimit } from './scenarios/presence.js';
import { reconnect } from './scenarios/reconnect.js';
import { throughput } from './scenarios/throughput.js';
import type { Figure, Scenario } from './scenarios/types.js';
import { type Row, renderTable } from './table.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    servers: { type: 'string' },
    'write-results': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const quick = args.quick ?? false;
const rounds = Number(args.rounds ?? (quick ? 1 : 3));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number ≥ 1');
const only = args.only?.split(',');
const serverFilter = args.servers?.split(',') as ServerName[] | undefined;

function scenarios(): Scenario[] {
  const all = quick
    ? [
        fanout(10, true),
        fanout(100, true),
        throughput(true),
        throughput(true, 20),
        connections(500, 50, true),
        coldload(true),
        durability(),
        cluster(100, true),
        bigdoc(30, true),
        reconnect(200, 20),
        presence(100, true),
        presenceLimit(true),
        capacityDocs(true),
        capacityRoom(true),
        ...hostile(true),
      ]
    : [
        fanout(10, false),
        fanout(100, false),
        fanout(500, false),
        throughput(false),
        throughput(false, 20),
        connections(2_000, 200, false),
        connections(10_000, 1_000, false),
        coldload(false),
        durability(),
        cluster(100, false),
        bigdoc(150, false),
        reconnect(2_000, 200),
        presence(200, false),
        presence(500, false),
        presenceLimit(false),
        capacityDocs(false),
        capacityRoom(false),
        ...hostile(false),
      ];
  return all.filter((s) => !only || only.includes(s.group));
}

const rows = new Map<string, Row>();
const notes: string[] = [];

function record(column: ServerName | 'floor', figures: Figure[]): void {
  for (const f of figures) {
    let row = rows.get(f.row);
    if (!row) rows.set(f.row, (row = { row: f.row, better: f.better, values: {} }));
    (row.values[column] ??= []).push(f.value);
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const brief = (figures: Figure[]) =>
  figures.map((f) => `${f.row.split(' · ')[1]} ${Number.isFinite(f.value) ? +f.value.toPrecision(4) : f.value}`).join('; ');

async function main(): Promise<void> {
  checkHandEncoding();
  if (!existsSync(OUR_SERVER_ENTRY)) {
    throw new Error(`${OUR_SERVER_ENTRY} is missing: run \`npm run build\` at the root (npm run bench does)`);
  }
  const workDir = mkdtempSync(path.join(tmpdir(), 'collab-bench-'));
  const ctx = { workDir, quick };
  const started = Date.now();
  log(`bench: ${rounds} round(s)${quick ? ', quick' : ''}; scratch ${workDir}`);
  try {
    for (const scenario of scenarios()) {
      const servers = scenario.servers.filter((s) => !serverFilter || serverFilter.includes(s));
      const scenarioRounds = scenario.once ? 1 : rounds;
      for (let round = 1; round <= scenarioRounds; round++) {
        if (scenario.floor) record('floor', await scenario.floor(ctx));
        for (const server of servers) {
          const tag = `[${scenario.name}] round ${round}/${scenarioRounds} ${server}`;
          try {
            const figures = await scenario.run(server, ctx);
            record(server === 'relay' ? 'floor' : server, figures);
            log(`${tag}: ${brief(figures)}`);
          } catch (err) {
            const message = `${tag} failed: ${(err as Error).message}`;
            notes.push(message);
            log(message);
          }
        }
      }
    }
    for (const entry of readdirSync(workDir)) {
      if (entry.endsWith('.log') && readFileSync(path.join(workDir, entry), 'utf8').includes('BENCH_STORAGE=file-fallback')) {
        notes.push('Hocuspocus ran on the file fallback, not SQLite: better-sqlite3 could not be loaded.');
        break;
      }
    }
  } finally {
    if (args.keep) log(`scratch kept: ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  const table = renderTable([...rows.values()]);
  process.stdout.write(`\n${table}\n`);
  for (const note of [...new Set(notes)]) process.stdout.write(`\nnote: ${note}`);
  process.stdout.write(`\n\nbench took ${((Date.now() - started) / 60_000).toFixed(1)} min\n`);
  if (args['write-results']) {
    const file = writeResults({ table, notes: [...new Set(notes)], rounds, quick, only, minutes: (Date.now() - started) / 60_000 });
    log(`wrote ${file}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
