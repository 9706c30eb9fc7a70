import { loadTrace, type Trace } from '@collab/test-services';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../index.js';
import type { DocStore } from '../index.js';
import { rawLog } from './raw-db.js';
import { makeTempDir, removeDir } from './temp-dir.js';
import { replay } from './trace.js';
import { docFrom } from './yjs-helpers.js';

const BATCH = 100;
const PREFIX = 20_000;
const IN_FLIGHT = 16;

async function loadedText(store: DocStore, docId: string): Promise<string> {
  return docFrom(await store.load(docId)).getText('text').toString();
}

/**
 * Appends each group as one append, in order, with up to IN_FLIGHT appends waiting at a time. Awaiting each
 * before the next would make every append its own fsync: tens of thousands of them, which on a slow or busy
 * disk is minutes. Waiting appends of a document go to the disk together, one entry per update still.
 */
async function appendAll(store: DocStore, docId: string, groups: Uint8Array[][]): Promise<void> {
  const waiting = new Set<Promise<void>>();
  for (const group of groups) {
    const append: Promise<void> = store.append(docId, group).then(() => void waiting.delete(append));
    waiting.add(append);
    if (waiting.size >= IN_FLIGHT) await Promise.race(waiting);
  }
  await Promise.all(waiting);
}

const chunks = (updates: Uint8Array[], size: number) =>
  Array.from({ length: Math.ceil(updates.length / size) }, (_, i) => updates.slice(i * size, (i + 1) * size));

describe('replaying a real editing trace (automerge-paper, 260k edits)', () => {
  let trace: Trace;
  let updates: Uint8Array[];
  let dir: string;

  beforeAll(async () => {
    trace = loadTrace('automerge-paper');
    const replayed = replay(trace);
    expect(replayed.text).toBe(trace.endContent); // the replay itself is faithful
    updates = replayed.updates;
  }, 60_000);
  afterEach(() => removeDir(dir));

  const SLOW = { timeout: 60_000 };

  it('stores every update in batches and loads, compacts and reopens to the final text', SLOW, async () => {
    dir = await makeTempDir();
    // No background compaction: this case merges the whole 260k-entry log on load.
    let store = await openStore({ dir, compactThreshold: Infinity });
    await appendAll(store, 'paper', chunks(updates, BATCH));
    expect(await store.meta('paper')).toMatchObject({ updates: updates.length });
    expect(await loadedText(store, 'paper')).toBe(trace.endContent);

    await store.compact('paper');
    await store.close();
    expect((await rawLog(dir, 'paper')).updates).toBe(1);
    store = await openStore({ dir });
    expect(await loadedText(store, 'paper')).toBe(trace.endContent);
    await store.close();
  });

  it('keeps a prefix appended one update at a time whole through background compactions', SLOW, async () => {
    dir = await makeTempDir();
    const prefix = replay(trace, PREFIX);
    const errors: unknown[] = [];
    let store = await openStore({ dir, onError: (err) => errors.push(err) });
    await appendAll(store, 'paper', chunks(prefix.updates, 1));
    await store.close();

    const onDisk = await rawLog(dir, 'paper');
    expect(onDisk.updates).toBeLessThan(prefix.updates.length / 10);
    store = await openStore({ dir });
    expect(await store.meta('paper')).toMatchObject(onDisk);
    expect(await loadedText(store, 'paper')).toBe(prefix.text);
    await store.close();
    expect(errors).toEqual([]);
  });
});
