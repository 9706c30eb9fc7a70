/*
 * Child process of kill-during-version.test.ts, killed with SIGKILL at a random moment. It continues the
 * version history left by the previous run: step n types the marker "[n]" (one Yjs transaction per
 * character) and cuts a version of the text so far, dated BASE + n steps (every 10th one named), with several
 * cuts in flight, while every 5th step also thins the history as of two days later, which merges and
 * deletes versions. It prints "ready <n>" when it starts at step n and "ack <n>" once step n's version is
 * added; pipes to the parent are written synchronously on Linux, so a printed ack is never lost.
 *
 * Usage: node --import tsx version-crash-child.ts leveldb <dir> <docId>
 *        node --import tsx version-crash-child.ts cluster <redisUrl> <databaseUrl> <docId>
 */
import * as Y from 'yjs';
import { openClusterStore, openStore, type DocStore } from '../index.js';

export const BASE = Date.UTC(2025, 0, 1);
export const STEP_MS = 10 * 60_000;
const THIN_AHEAD_MS = 2 * 24 * 3_600_000;
const IN_FLIGHT = 4;

async function run(store: DocStore, docId: string): Promise<void> {
  const { versions } = store;
  const doc = new Y.Doc();
  const [newest] = await versions.list(docId);
  if (newest) Y.applyUpdate(doc, (await versions.content(docId, newest.id))!);
  const text = doc.getText('text');

  let next = text.toString().match(/\[\d+\]/g)?.length ?? 0;
  process.stdout.write(`ready ${next}\n`);
  const pending: Promise<void>[] = [];
  for (;;) {
    const n = next++;
    for (const char of `[${n}]`) text.insert(text.length, char);
    // The store reads the doc when the cut's turn comes: a copy pins the state of step n.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    const named = n % 10 === 0;
    const cut = versions.add(docId, { doc: copy, kind: named ? 'named' : 'auto', name: named ? `step ${n}` : null, createdAt: BASE + n * STEP_MS });
    pending.push(cut.then(() => void process.stdout.write(`ack ${n}\n`)));
    if (n % 5 === 0) versions.thin(docId, BASE + n * STEP_MS + THIN_AHEAD_MS).catch(fail);
    if (pending.length >= IN_FLIGHT) await pending.shift();
  }
}

function open(args: string[]): Promise<DocStore> {
  const [mode, ...rest] = args;
  if (mode === 'leveldb' && rest.length === 1) return openStore({ dir: rest[0]! });
  if (mode === 'cluster' && rest.length === 2) return openClusterStore({ redisUrl: rest[0]!, databaseUrl: rest[1]! });
  throw new Error('usage: version-crash-child.ts leveldb <dir> <docId> | cluster <redisUrl> <databaseUrl> <docId>');
}

function fail(err: unknown): void {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

// Only when run as the child: the test imports the constants above.
if (process.argv[1]?.endsWith('version-crash-child.ts')) {
  const args = process.argv.slice(2);
  const docId = args.pop()!;
  open(args)
    .then((store) => run(store, docId))
    .catch(fail);
}
