import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../doc-store.js';
import type { FileStore } from './file-store.js';

/** A file store under test, on a clock the test moves, with a look at what it keeps. */
export interface FileStoreHarness {
  store: FileStore;
  /** Closes the current store and opens a new one over the same data. */
  reopen(): Promise<FileStore>;
  /** How many distinct files are kept (on disk, in the table), whatever references them. */
  storedFiles(): Promise<number>;
  cleanup(): Promise<void>;
}

const DAY = 24 * 3600 * 1000;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Yields `bytes` in pieces of `size`, as a request body arrives. */
async function* chunksOf(bytes: Uint8Array, size = 1000): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Yields part of the bytes, then fails: a client gone, or a body over the limit. */
async function* failingAfter(bytes: Uint8Array, error: Error): AsyncGenerator<Uint8Array> {
  yield bytes.subarray(0, bytes.length / 2);
  throw error;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part);
  return Buffer.concat(parts);
}

/** The behaviour every FileStore promises; each implementation runs it on its own storage. */
export function runFileStoreSuite(name: string, makeStore: (now: () => number) => Promise<FileStoreHarness>): void {
  describe(`${name} (FileStore behaviour)`, () => {
    let harness: FileStoreHarness;
    let store: FileStore;
    let now = Date.UTC(2026, 0, 1);

    beforeEach(async () => {
      now = Date.UTC(2026, 0, 1);
      harness = await makeStore(() => now);
      store = harness.store;
    });
    afterEach(() => harness.cleanup());

    async function bytesOf(docId: string, sha: string): Promise<Buffer | null> {
      const file = await store.get(docId, sha);
      return file && readAll(file.stream());
    }

    it('gives back exactly the bytes, type and size it stored, under their SHA-256', async () => {
      const bytes = randomBytes(300_000);
      const stored = await store.put('doc', 'image/png', chunksOf(bytes, 65_536));
      expect(stored).toEqual({ sha: sha256(bytes), type: 'image/png', size: bytes.length });
      const file = await store.get('doc', stored.sha);
      expect(file).toMatchObject({ sha: stored.sha, type: 'image/png', size: bytes.length });
      expect((await readAll(file!.stream())).equals(bytes)).toBe(true);

      store = await harness.reopen();
      expect((await bytesOf('doc', stored.sha))?.equals(bytes)).toBe(true);
    });

    it('keeps identical bytes once, and serves a file only to the documents that uploaded it', async () => {
      const bytes = randomBytes(5_000);
      const uploads = await Promise.all(['a', 'b', 'c', 'b'].map((doc, i) => store.put(doc, 'image/gif', chunksOf(bytes, 100 * (i + 1)))));
      expect(new Set(uploads.map((upload) => upload.sha))).toEqual(new Set([sha256(bytes)]));
      expect(await harness.storedFiles()).toBe(1);
      for (const doc of ['a', 'b', 'c']) expect((await bytesOf(doc, sha256(bytes)))?.equals(bytes)).toBe(true);
      expect(await store.get('other', sha256(bytes))).toBeNull();
      expect((await store.documents()).sort()).toEqual(['a', 'b', 'c']);
    });

    it('answers null for an unknown or malformed hash', async () => {
      await store.put('doc', 'image/png', chunksOf(randomBytes(10)));
      expect(await store.get('doc', sha256(randomBytes(10)))).toBeNull();
      expect(await store.get('doc', '../../etc/passwd')).toBeNull();
      expect(await store.get('doc', 'A'.repeat(64))).toBeNull();
    });

    it('keeps nothing of an upload whose body fails half-way, and takes the same bytes afterwards', async () => {
      const bytes = randomBytes(20_000);
      const failure = new Error('client went away');
      await expect(store.put('doc', 'image/png', failingAfter(bytes, failure))).rejects.toThrow('client went away');
      expect(await harness.storedFiles()).toBe(0);
      expect(await store.documents()).toEqual([]);
      expect(await store.deleteUnreferenced()).toEqual([]);

      const stored = await store.put('doc', 'image/png', chunksOf(bytes));
      expect((await bytesOf('doc', stored.sha))?.equals(bytes)).toBe(true);
    });

    it('refuses invalid document ids', async () => {
      const err = await store.put('a/b', 'image/png', chunksOf(randomBytes(10))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('invalid-id');
    });

    it('deletes the files of forgotten documents 30 days after their last reference went, and no others', async () => {
      const shared = randomBytes(1_000);
      const onlyA = randomBytes(1_000);
      await store.put('a', 'image/png', chunksOf(shared));
      await store.put('b', 'image/png', chunksOf(shared));
      await store.put('a', 'image/jpeg', chunksOf(onlyA));

      await store.forgetDocument('a');
      expect(await store.get('a', sha256(shared))).toBeNull();
      expect(await store.get('a', sha256(onlyA))).toBeNull();
      expect((await bytesOf('b', sha256(shared)))?.equals(shared)).toBe(true);
      expect(await store.documents()).toEqual(['b']);

      now += 30 * DAY - 1;
      expect(await store.deleteUnreferenced()).toEqual([]);
      now += 1;
      expect(await store.deleteUnreferenced()).toEqual([sha256(onlyA)]);
      expect(await harness.storedFiles()).toBe(1);
      expect((await bytesOf('b', sha256(shared)))?.equals(shared)).toBe(true);
    });

    it('keeps a file that is uploaded again before its grace period ends', async () => {
      const bytes = randomBytes(1_000);
      await store.put('a', 'image/webp', chunksOf(bytes));
      await store.forgetDocument('a');
      now += 29 * DAY;
      await store.put('c', 'image/webp', chunksOf(bytes));
      now += 2 * DAY;
      expect(await store.deleteUnreferenced()).toEqual([]);
      store = await harness.reopen();
      expect((await bytesOf('c', sha256(bytes)))?.equals(bytes)).toBe(true);
    });
  });
}
