import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../index.js';
import { markers, runChildAndKill } from './kill-child.js';
import { rawLog } from './raw-db.js';
import { makeTempDir, removeDir } from './temp-dir.js';
import { docFrom } from './yjs-helpers.js';

const CHILD = fileURLToPath(new URL('./compact-crash-child.ts', import.meta.url));
const DOC_ID = 'crash-doc';
const ROUNDS = 5;

describe('a store killed with SIGKILL while appending and compacting', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => removeDir(dir));

  it('loads every acknowledged batch, whole and in order, after each kill', { timeout: 60_000 }, async () => {
    let batches = 0;
    let onDisk = { updates: 0, size: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      // The first run lasts long enough to pass the compaction threshold many times; the others end anywhere.
      const killAfterAcks = round === 0 ? 150 : 1 + Math.floor(Math.random() * 200);
      const { startedAt, acked } = await runChildAndKill(CHILD, [dir, DOC_ID], 0, killAfterAcks);
      const context = `round ${round}, killed after ${killAfterAcks} acknowledged batches`;
      expect(startedAt, context).toBe(batches);
      expect(acked.length, context).toBeGreaterThanOrEqual(killAfterAcks);
      expect(acked.every((n) => Number.isInteger(n) && n >= startedAt), context).toBe(true);

      const store = await openStore({ dir });
      const text = docFrom(await store.load(DOC_ID)).getText('text').toString();
      const meta = await store.meta(DOC_ID);
      await store.close();

      // Whole batches only, in order, with nothing missing: the log is always a prefix of what was appended.
      batches = text.match(/\[\d+\]/g)?.length ?? 0;
      expect(text, context).toBe(markers(batches));
      expect(batches, context).toBeGreaterThan(Math.max(...acked));
      // The metadata is written in the same batches as the log, so a kill never leaves them disagreeing.
      onDisk = await rawLog(dir, DOC_ID);
      expect(meta, context).toMatchObject(onDisk);
    }
    // Compactions ran: every batch appended at least three updates ("[n]" typed character by character).
    expect(onDisk.updates).toBeLessThan(batches * 3);
  });
});
