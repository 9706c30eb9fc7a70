/**
 * bench/RESULTS.md: date, machine, exact settings and the table of a run. A hand-written "## Observations"
 * section already in the file is kept, so a re-run only refreshes the numbers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const FILE = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
const MODULES = new URL('../node_modules/', import.meta.url);
/** Installed version (read from the file: not every package exports its package.json). */
const version = (pkg: string) =>
  (JSON.parse(readFileSync(new URL(`${pkg}/package.json`, MODULES), 'utf8')) as { version: string }).version;

export interface ResultsInput {
  table: string;
  notes: string[];
  rounds: number;
  quick: boolean;
  only: string[] | undefined;
  minutes: number;
}

/** The version `command --version` prints (the first group of `pattern`), or "not installed". */
function toolVersion(command: string, pattern: RegExp): string {
  try {
    return pattern.exec(execFileSync(command, ['--version']).toString())?.[1] ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

/** The file system under the bench's scratch directory: fsync costs what that device makes it cost. */
function dataDisk(): string {
  try {
    const [, line] = execFileSync('df', ['-T', os.tmpdir()]).toString().trim().split('\n');
    const [device, type] = line!.split(/\s+/);
    return `${device} (${type}, \`${os.tmpdir()}\`)`;
  } catch {
    return os.tmpdir();
  }
}

function machine(): string {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  // --all: the bench itself runs under `taskset -c 0`, where plain nproc would say 1.
  const nproc = execFileSync('nproc', ['--all']).toString().trim();
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(0);
  return `${nproc} cores (\`nproc --all\`), ${cpu}, ${memGiB} GiB RAM, Linux ${os.release()}, Node ${process.version}`;
}

export function writeResults(input: ResultsInput): string {
  const kept = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '';
  const observations = kept.includes('\n## Observations') ? kept.slice(kept.indexOf('\n## Observations') + 1) : '';
  const command = `npm run bench --${input.quick ? ' --quick' : ''} --rounds ${input.rounds}${input.only ? ` --only ${input.only.join(',')}` : ''}`;
  const text = `# Benchmark results

Produced by \`${command} --write-results\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (${input.minutes.toFixed(0)} min).

- Machine: ${machine()}.
- Pinning: each server on core 1 (\`taskset -c 1\`), the load generator on core 0 (\`taskset -c 0\`); one server
  process at a time, started on an empty data directory for every measurement (except cluster: see below).
- Servers: ours = \`node apps/sync-server/dist/server.js\` (LevelDB, \`LOG_LEVEL=warn\`), twice where writes
  matter: "ours (fsync)" with the default \`DURABILITY=fsync\` (every write fsynced before it is relayed, group
  commit) and "ours (os)" with \`DURABILITY=os\` (handed to the OS only); the data directories are on ${dataDisk()};
  y-websocket-server = @y/websocket-server ${version('@y/websocket-server')} stock server with y-leveldb (\`YPERSISTENCE\`);
  hocuspocus = @hocuspocus/server ${version('@hocuspocus/server')} + extension-sqlite (stock settings, database file in
  the data dir); floor = a bare \`ws\` broadcast relay (fan-out, throughput) or Yjs decoding the merged state in
  process (coldload). yjs ${version('yjs')}, ws ${version('ws')} (clients, per-message deflate off).
- Rounds: ${input.rounds}, servers interleaved (A B C A B C ...); each cell is the median, with min–max over rounds.
  ↓ lower is better, ↑ higher is better; "ours … / best peer" compares medians with the better of the two peers.
- Settings: fanout = 1 writer, one 1-character update every 10 ms for ${input.quick ? 3 : 10} s, N receivers;
  throughput = 20 writers × 8 updates in flight (in flight until the first receiver gets it), 20 receivers,
  ${input.quick ? 3 : 10} s, on one document, and on 20 documents (one writer and one receiver each); connections = idle synced clients with one awareness state each, spread evenly over the
  documents, memory measured 3 s after the last join and ${input.quick ? 3 : 10} s after all closed; coldload =
  automerge-paper (${input.quick ? 'first 20,000' : 'all 259,778'} transactions, one update each, 256 in flight),
  SIGTERM, restart, fresh client; durability = 200 updates, SIGKILL when the reader has the 200th, restart;
  cluster = the fanout measurement with 100 receivers on our server only, three ways per round: writer on
  process A and receivers on process B of a two-process cluster, writer and receivers on A, and a default
  single-process (LevelDB) server; the cluster runs on a fresh Redis ${toolVersion('redis-server', /v=(\S+)/)} (append-only file,
  \`appendfsync always\`) and PostgreSQL ${toolVersion('/usr/lib/postgresql/15/bin/postgres', /\) (\S+)/)} (@collab/test-services: \`fsync=off\`) per round. A, B,
  Redis and PostgreSQL all share core 1; "server CPU" there is A + B.

${input.table}
${input.notes.length ? `\nNotes from this run:\n\n${input.notes.map((n) => `- ${n}`).join('\n')}\n` : ''}
${observations}`;
  writeFileSync(FILE, text.trimEnd() + '\n');
  return FILE;
}
