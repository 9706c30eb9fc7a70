/*
 * Child process of kill-during-compaction.test.ts, killed with SIGKILL at a random moment. It continues the
 * document left by the previous run: appends batch after batch, batch n typing the marker "[n]" one character
 * per Yjs transaction, several appends in flight at once, while compactions run in the background (low
 * threshold) and explicitly. It prints "ready <n>" when it starts at batch n and "ack <n>" once batch n's
 * append has resolved; pipes to the parent are written synchronously on Linux, so a printed ack is never lost.
 *
 * Usage: node --import tsx compact-crash-child.ts <dir> <docId>
 */
import * as Y from 'yjs';
import { openStore } from '../index.js';

const IN_FLIGHT = 4;

async function run(dir: string, docId: string): Promise<void> {
  const store = await openStore({ dir, compactThreshold: 40 });
  const doc = new Y.Doc();
  const loaded = await store.load(docId);
  if (loaded !== null) Y.applyUpdate(doc, loaded);
  const text = doc.getText('text');
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));

  let next = text.toString().match(/\[\d+\]/g)?.length ?? 0;
  process.stdout.write(`ready ${next}\n`);
  const pending: Promise<void>[] = [];
  for (;;) {
    const n = next++;
    for (const char of `[${n}]`) text.insert(text.length, char);
    pending.push(store.append(docId, updates.splice(0)).then(() => void process.stdout.write(`ack ${n}\n`)));
    if (n % 7 === 0) store.compact(docId).catch((err: unknown) => fail(err));
    if (pending.length >= IN_FLIGHT) await pending.shift();
  }
}

function fail(err: unknown): void {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

const [dir, docId] = process.argv.slice(2);
if (dir === undefined || docId === undefined) fail(new Error('usage: compact-crash-child.ts <dir> <docId>'));
else run(dir, docId).catch(fail);
