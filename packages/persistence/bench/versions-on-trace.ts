/**
 * The version history on a real document: `npm run bench:versions -w @collab/persistence [-- --every N]`
 * (`--cluster` measures the PostgreSQL store too; it starts its own Redis and PostgreSQL).
 *
 * Replays the automerge-paper trace (260k edits by one writer) into a Y.Doc, cutting a version every N
 * transactions (default 250: about 1,040 versions) dated 5 minutes apart, into a fresh store. Prints the
 * bytes per version as stored, on disk, and what the alternatives would take (the whole state per version,
 * raw and deflated; a plain Yjs diff, which carries the whole delete set); the time to cut, list and open;
 * and what thinning leaves. Exits with an error if any version does not open to the trace's text at its cut.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { loadTrace, startPostgres, startRedis } from '@collab/test-services';
import pg from 'pg';
import * as Y from 'yjs';
import { openClusterStore, openStore, type DocStore, type VersionMeta } from '../src/index.js';
import { withRawDb } from '../src/test/raw-db.js';
import { makeTempDir, removeDir } from '../src/test/temp-dir.js';
import { cutVersion } from '../src/versions/version-codec.js';

const { values: args } = parseArgs({
  options: { every: { type: 'string', default: '250' }, cluster: { type: 'boolean', default: false } },
});
const EVERY = Number(args.every);
const DOC = 'paper';
const START = Date.UTC(2025, 0, 1);
const STEP_MS = 5 * 60_000;
const DAY = 24 * 3_600_000;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const hash = (text: string) => createHash('sha256').update(text).digest('hex');

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

interface Replayed {
  /** Hash of the text each version was cut at, by version id. */
  expected: Map<string, string>;
  cutMs: number[];
  /** Synchronous (event-loop) time of cutting a delta, and of encoding a whole state (a keyframe's extra). */
  syncCutMs: number[];
  fullEncodeMs: number[];
  alternatives: { full: number; fullDeflated: number; yjsDiff: number };
  finalDoc: Y.Doc;
}

/** Replays the trace into `store`, cutting a version every EVERY transactions (and after the last). */
async function replayWithCuts(store: DocStore): Promise<Replayed> {
  const trace = loadTrace('automerge-paper');
  const doc = new Y.Doc();
  const text = doc.getText('text');
  const expected = new Map<string, string>();
  const cutMs: number[] = [];
  const syncCutMs: number[] = [];
  const fullEncodeMs: number[] = [];
  const alternatives = { full: 0, fullDeflated: 0, yjsDiff: 0 };
  let previousSv: Uint8Array | null = null;
  let previousHead: Uint8Array | null = null;
  for (const [i, { patches }] of trace.txns.entries()) {
    doc.transact(() => {
      for (const [position, deleteCount, inserted] of patches) {
        if (deleteCount > 0) text.delete(position, deleteCount);
        if (inserted.length > 0) text.insert(position, inserted);
      }
    });
    if ((i + 1) % EVERY !== 0 && i !== trace.txns.length - 1) continue;
    const createdAt = START + expected.size * STEP_MS;
    const [version, took] = await timed(() => store.versions.addIfChanged(DOC, { doc, kind: 'auto', createdAt }));
    if (!version) throw new Error(`no version at transaction ${i}`);
    cutMs.push(took);
    expected.set(version.id, hash(text.toString()));
    const syncStart = performance.now();
    previousHead = cutVersion(doc, previousHead, false).head;
    syncCutMs.push(performance.now() - syncStart);
    const fullStart = performance.now();
    const full = Y.encodeStateAsUpdate(doc);
    fullEncodeMs.push(performance.now() - fullStart);
    alternatives.full += full.byteLength;
    alternatives.fullDeflated += deflateRawSync(full).byteLength;
    alternatives.yjsDiff += previousSv ? deflateRawSync(Y.encodeStateAsUpdate(doc, previousSv)).byteLength : 0;
    previousSv = Y.encodeStateVector(doc);
  }
  if (text.toString() !== trace.endContent) throw new Error('the replay does not end with the trace’s text');
  return { expected, cutMs, syncCutMs, fullEncodeMs, alternatives, finalDoc: doc };
}

/** Opens every listed version (or a sample) and checks its text; returns the time each open took. */
async function openAndCheck(store: DocStore, listed: readonly VersionMeta[], expected: Map<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (const version of listed) {
    const [state, took] = await timed(() => store.versions.content(DOC, version.id));
    times.push(took);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state!);
    if (hash(doc.getText('text').toString()) !== expected.get(version.id)) {
      throw new Error(`version ${version.id} does not open to the text it was cut at`);
    }
    doc.destroy();
  }
  return times;
}

/** A store under measurement; measuring the disk may reopen it, hence `current`. */
interface Measured {
  current(): DocStore;
  diskBytes(): Promise<number>;
}

async function report(name: string, measured: Measured): Promise<void> {
  console.log(`\n## ${name}: a version every ${EVERY} transactions of automerge-paper`);
  const replayed = await replayWithCuts(measured.current());
  const count = replayed.expected.size;
  const { full, fullDeflated, yjsDiff } = replayed.alternatives;
  console.log(`versions: ${count}; final text ${replayed.finalDoc.getText('text').length} chars`);
  console.log(`cut (add call, wall): p50 ${ms(quantile(replayed.cutMs, 0.5))}, p99 ${ms(quantile(replayed.cutMs, 0.99))}, max ${ms(Math.max(...replayed.cutMs))}`);
  const { syncCutMs, fullEncodeMs } = replayed;
  console.log(`cut, synchronous part (event-loop time): p50 ${ms(quantile(syncCutMs, 0.5))}, p99 ${ms(quantile(syncCutMs, 0.99))}, max ${ms(Math.max(...syncCutMs))}; a keyframe adds a whole-state encode: p50 ${ms(quantile(fullEncodeMs, 0.5))}, max ${ms(Math.max(...fullEncodeMs))}`);
  const disk = await measured.diskBytes();
  const store = measured.current();
  console.log(`disk per version: ${kb(disk / count)} (total ${kb(disk)})`);
  console.log(`alternatives per version: whole state ${kb(full / count)}, deflated ${kb(fullDeflated / count)}; Yjs diff with the whole delete set, deflated ${kb(yjsDiff / (count - 1))}`);

  const lists = [];
  for (let i = 0; i < 20; i++) lists.push((await timed(() => store.versions.list(DOC)))[1]);
  const listed = await store.versions.list(DOC);
  console.log(`list ${listed.length} versions: median ${ms(quantile(lists, 0.5))}`);
  const opens = await openAndCheck(store, listed, replayed.expected);
  console.log(`open one (content, merged chain): median ${ms(quantile(opens, 0.5))}, p99 ${ms(quantile(opens, 0.99))}, max ${ms(Math.max(...opens))} — every version checked`);

  const last = START + (count - 1) * STEP_MS;
  for (const [label, now] of [['as of the last version', last], ['31 days later', last + 31 * DAY]] as const) {
    const [deleted, took] = await timed(() => measured.current().versions.thin(DOC, now));
    const left = await measured.current().versions.list(DOC);
    const after = await measured.diskBytes();
    await openAndCheck(measured.current(), left, replayed.expected);
    console.log(`thin ${label}: deleted ${deleted.length} in ${ms(took)}, ${left.length} left, disk per kept version ${kb(after / left.length)} — every kept version checked`);
  }
}

async function leveldb(): Promise<void> {
  const dir = await makeTempDir();
  const empty = await makeTempDir();
  let store = await openStore({ dir });
  try {
    const baseline = await compactedBytes(empty);
    await report('LevelDB', {
      current: () => store,
      async diskBytes() {
        await store.close();
        const bytes = (await compactedBytes(dir)) - baseline;
        store = await openStore({ dir });
        return bytes;
      },
    });
  } finally {
    await store.close();
    await Promise.all([removeDir(dir), removeDir(empty)]);
  }
}

/** Bytes of a LevelDB directory once LevelDB has compacted everything (dead entries and the log dropped). */
async function compactedBytes(dir: string): Promise<number> {
  await withRawDb(dir, (db) => db.compactRange('', '\uffff'));
  const sizes = await Promise.all((await readdir(dir)).map(async (name) => (await stat(join(dir, name))).size));
  return sizes.reduce((sum, size) => sum + size, 0);
}

async function cluster(): Promise<void> {
  const [redis, postgres] = await Promise.all([startRedis({ appendOnly: true }), startPostgres()]);
  const client = new pg.Client({ connectionString: postgres.url });
  const store = await openClusterStore({ redisUrl: redis.url, databaseUrl: postgres.url });
  try {
    await client.connect();
    await report('PostgreSQL', {
      current: () => store,
      async diskBytes() {
        await client.query('VACUUM FULL collab_versions');
        const { rows } = await client.query<{ size: string }>("SELECT pg_total_relation_size('collab_versions') AS size");
        return Number(rows[0]!.size);
      },
    });
  } finally {
    await store.close();
    await client.end();
    await Promise.all([redis.stop(), postgres.stop()]);
  }
}

await leveldb();
if (args.cluster) await cluster();
