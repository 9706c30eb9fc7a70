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

async function loadedText(store: DocStore, docId: string): Promise<string> {
  return docFrom(await store.load(docId)).getText('text').toString();
}

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
    for (let i = 0; i < updates.length; i += BATCH) await store.append('paper', updates.slice(i, i + BATCH));
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
    for (const update of prefix.updates) await store.append('paper', [update]);
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
