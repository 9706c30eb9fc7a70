import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ClassicLevel } from 'classic-level';
import { assertDocId } from '../keys.js';
import { Lane } from '../lane.js';
import { StoreWork } from '../store-work.js';
import { DiskFileIndex, type FileRecord } from './disk-file-index.js';
import {
  DEFAULT_UNREFERENCED_GRACE_MS,
  FILE_SHA_PATTERN,
  type FileContent,
  type FileStore,
  type FileStoreClock,
  type StoredFile,
} from './file-store.js';
import { hashWhileWriting } from './intake.js';

export interface DiskFileStoreOptions extends FileStoreClock {
  /** The directory of the store (`DATA_DIR/files`): created if missing. */
  dir: string;
}

/*
 * Layout under `dir`:
 *   tmp/<uuid>              an upload being written; whatever is here at start-up is a crashed upload's and goes
 *   objects/<ab>/<sha>      a complete file, named by its SHA-256 (fanned out by the first two hex digits)
 *   index/                  LevelDB: each file's type and size, and which documents reference it
 * A file is written to tmp/, fsynced, renamed into objects/ and its directory fsynced, and only then recorded
 * in the index: a crash before the rename leaves a temp file (removed at the next start), one after it a
 * complete file without a record (removed by deleteUnreferenced). Neither is ever referenced.
 */
export class DiskFileStore implements FileStore {
  /** Commits (rename + index write) and deletions run one at a time, so that a deletion never removes a file
   * that an upload of the same bytes has just found in place and is about to reference. */
  private readonly commits = new Lane();
  private readonly work = new StoreWork(() => undefined);
  private closing = false;

  private constructor(
    private readonly dir: string,
    private readonly index: DiskFileIndex,
    private readonly now: () => number,
    private readonly graceMs: number,
  ) {}

  static async open(options: DiskFileStoreOptions): Promise<DiskFileStore> {
    const { dir } = options;
    await rm(path.join(dir, 'tmp'), { recursive: true, force: true });
    await mkdir(path.join(dir, 'tmp'), { recursive: true });
    await mkdir(path.join(dir, 'objects'), { recursive: true });
    const db = new ClassicLevel<string, string>(path.join(dir, 'index'), { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    await db.open();
    return new DiskFileStore(dir, new DiskFileIndex(db), options.now ?? Date.now, options.unreferencedGraceMs ?? DEFAULT_UNREFERENCED_GRACE_MS);
  }

  put(docId: string, type: string, chunks: AsyncIterable<Uint8Array>): Promise<StoredFile> {
    return this.work.call(this.closing, async () => {
      assertDocId(docId);
      const temp = path.join(this.dir, 'tmp', randomUUID());
      let written: { sha: string; size: number };
      const handle = await open(temp, 'wx');
      try {
        written = await hashWhileWriting(chunks, async (chunk) => void (await handle.write(chunk)));
        await handle.sync();
      } catch (err) {
        await handle.close();
        await unlink(temp);
        throw err;
      }
      await handle.close();
      const { sha, size } = written;
      await this.commits.run(async () => {
        const existing = await this.index.file(sha);
        if (existing && (await exists(this.objectPath(sha)))) await unlink(temp);
        else await this.moveIntoPlace(temp, sha);
        await this.index.reference(docId, sha, { type, size, createdAt: existing?.createdAt ?? this.now(), unreferencedSince: null });
      });
      return { sha, type, size };
    });
  }

  get(docId: string, sha: string): Promise<FileContent | null> {
    return this.work.call(this.closing, async () => {
      assertDocId(docId);
      if (!FILE_SHA_PATTERN.test(sha) || !(await this.index.references(docId, sha))) return null;
      const record = await this.index.file(sha);
      if (!record) return null;
      const file = this.objectPath(sha);
      return { sha, type: record.type, size: record.size, stream: () => Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array> };
    });
  }

  documents(): Promise<string[]> {
    return this.work.call(this.closing, () => this.index.documents());
  }

  forgetDocument(docId: string): Promise<void> {
    return this.work.call(this.closing, async () => {
      assertDocId(docId);
      await this.commits.run(() => this.index.forget(docId, this.now()));
    });
  }

  deleteUnreferenced(): Promise<string[]> {
    return this.work.call(this.closing, async () => {
      const deadline = this.now() - this.graceMs;
      const deleted: string[] = [];
      for (const [sha, record] of await this.index.files()) {
        if (record.unreferencedSince === null || record.unreferencedSince > deadline) continue;
        await this.commits.run(() => this.deleteIf(sha, (current) => current?.unreferencedSince != null && current.unreferencedSince <= deadline));
        deleted.push(sha);
      }
      for (const sha of await this.storedObjects()) {
        // A complete file without a record: an upload crashed between the rename and the index write.
        if (await this.commits.run(() => this.deleteIf(sha, (current) => current === undefined))) deleted.push(sha);
      }
      return deleted;
    });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.work.drain();
    await this.index.close();
  }

  private objectPath(sha: string): string {
    return path.join(this.dir, 'objects', sha.slice(0, 2), sha);
  }

  /** Renames a fsynced temp file to its final name and fsyncs the directories the rename changed. */
  private async moveIntoPlace(temp: string, sha: string): Promise<void> {
    const fanout = path.dirname(this.objectPath(sha));
    const created = await mkdir(fanout, { recursive: true });
    await rename(temp, this.objectPath(sha));
    await syncDir(fanout);
    if (created) await syncDir(path.dirname(fanout));
  }

  /** Deletes the file and its record if `condition` still holds for its record (checked inside the lane). */
  private async deleteIf(sha: string, condition: (record: FileRecord | undefined) => boolean): Promise<boolean> {
    if (!condition(await this.index.file(sha))) return false;
    await rm(this.objectPath(sha), { force: true });
    await this.index.removeFile(sha);
    return true;
  }

  private async storedObjects(): Promise<string[]> {
    const objects = path.join(this.dir, 'objects');
    const fanouts = await readdir(objects);
    const names = await Promise.all(fanouts.map((fanout) => readdir(path.join(objects, fanout))));
    return names.flat().filter((name) => FILE_SHA_PATTERN.test(name));
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** A rename is durable only once its directory is fsynced. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
