import { ClassicLevel } from 'classic-level';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupCommit, type LevelDb, type LevelOp, unsyncedWrites } from './group-commit.js';
import { makeTempDir, removeDir } from './test/temp-dir.js';

const put = (key: string, value: string): LevelOp => ({ type: 'put', key, value: new TextEncoder().encode(value) });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
/** The options of every `db.batch` call a spy saw (its typing picks the overload without arguments). */
const optionsOf = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((call) => call[1]);

describe('GroupCommit on a real LevelDB', () => {
  let dir: string;
  let db: LevelDb;
  beforeEach(async () => {
    dir = await makeTempDir();
    db = new ClassicLevel(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db.open();
  });
  afterEach(async () => {
    await db.close();
    await removeDir(dir);
  });

  const read = async (key: string) => {
    const value = await db.get(key);
    return value && new TextDecoder().decode(value);
  };

  it('hands every batch to LevelDB with sync: true, which fsyncs its log', async () => {
    const batch = vi.spyOn(db, 'batch');
    const commit = new GroupCommit(db);
    await commit.write([put('a', '1')]);
    await commit.write([put('b', '2')]);
    expect(optionsOf(batch)).toEqual([{ sync: true }, { sync: true }]);
    expect(await read('b')).toBe('2');
  });

  it('writes made in one turn, by any number of documents, share one synced batch', async () => {
    const commit = new GroupCommit(db);
    await Promise.all(Array.from({ length: 20 }, (_, i) => commit.write([put(`doc${i}/u/0`, `${i}`)])));
    expect(commit.stats).toEqual({ writes: 20, syncedBatches: 1 });
    expect(await read('doc19/u/0')).toBe('19');
  });

  it('collects the writes made while a batch is on its way to the disk into the next batch', async () => {
    const commit = new GroupCommit(db);
    let firstDone = false;
    const first = commit.write([put('a', '1')]).then(() => (firstDone = true));
    await nextTurn();
    // The first batch has started (and its fsync cannot have ended before this turn is over).
    expect(commit.stats.syncedBatches).toBe(1);
    expect(firstDone).toBe(false);
    const later = ['b', 'c', 'd'].map((key) => commit.write([put(key, key)]));
    await Promise.all([first, ...later]);
    expect(commit.stats).toEqual({ writes: 4, syncedBatches: 2 });
    expect(await read('d')).toBe('d');
  });

  it('keeps the order of the writes, within a batch and from one batch to the next', async () => {
    const commit = new GroupCommit(db);
    const inOneBatch = [commit.write([put('k', 'first')]), commit.write([put('k', 'second')])];
    const deleted = commit.write([{ type: 'del', key: 'gone' }]);
    await Promise.all([...inOneBatch, deleted]);
    expect(await read('k')).toBe('second');
    const again = commit.write([put('k', 'third')]);
    await nextTurn();
    const last = commit.write([put('k', 'fourth')]);
    await Promise.all([again, last]);
    expect(commit.stats.syncedBatches).toBe(3);
    expect(await read('k')).toBe('fourth');
  });

  it('fails every write of a failed batch, stores none of them, and goes on with the next batch', async () => {
    const commit = new GroupCommit(db);
    const good = commit.write([put('good', 'yes')]);
    // LevelDB refuses the whole batch: an operation without a key.
    const bad = commit.write([{ type: 'put', key: undefined as unknown as string, value: new Uint8Array(1) }]);
    await expect(good).rejects.toThrow();
    await expect(bad).rejects.toThrow();
    expect(await read('good')).toBeUndefined();
    await commit.write([put('after', 'yes')]);
    expect(await read('after')).toBe('yes');
    expect(commit.stats).toEqual({ writes: 3, syncedBatches: 2 });
  });

  it('unsyncedWrites writes each batch at once, without sync', async () => {
    const batch = vi.spyOn(db, 'batch');
    const writes = unsyncedWrites(db);
    await Promise.all([writes.write([put('a', '1')]), writes.write([put('b', '2')])]);
    expect(optionsOf(batch)).toEqual([undefined, undefined]);
    expect(writes.stats).toEqual({ writes: 2, syncedBatches: 0 });
    expect(await read('a')).toBe('1');
  });
});
