import type { BatchOperation, ClassicLevel } from 'classic-level';

/** What the index keeps of one stored file. */
export interface FileRecord {
  type: string;
  size: number;
  createdAt: number;
  /** When the last reference went (ms), or null while some document references the file. */
  unreferencedSince: number | null;
}

/*
 * Key layout of the file index (utf8 strings; ids never contain '/', hashes are hex):
 *   f/<sha>              the file's record (JSON)
 *   r/<docId>/<sha>      the document references the file
 *   u/<sha>/<docId>      the same reference, looked up from the file's side
 * '0' follows '/', so [`r/<docId>/`, `r/<docId>0`) holds exactly one document's references.
 */
const fileKey = (sha: string) => `f/${sha}`;
const refKey = (docId: string, sha: string) => `r/${docId}/${sha}`;
const userKey = (sha: string, docId: string) => `u/${sha}/${docId}`;
const range = (prefix: string) => ({ gte: `${prefix}/`, lt: `${prefix}0` });

/** Every write is one atomic batch, fsynced before it resolves: an upload answers only once it is on disk. */
const SYNC = { sync: true };

/** The LevelDB index of the disk file store. */
export class DiskFileIndex {
  constructor(private readonly db: ClassicLevel<string, string>) {}

  async file(sha: string): Promise<FileRecord | undefined> {
    const value = await this.db.get(fileKey(sha));
    return value === undefined ? undefined : (JSON.parse(value) as FileRecord);
  }

  async files(): Promise<Array<[string, FileRecord]>> {
    const entries = await this.db.iterator(range('f')).all();
    return entries.map(([key, value]) => [key.slice(2), JSON.parse(value) as FileRecord]);
  }

  async references(docId: string, sha: string): Promise<boolean> {
    return (await this.db.get(refKey(docId, sha))) !== undefined;
  }

  /** Records the file and the document's reference to it in one write. */
  async reference(docId: string, sha: string, record: FileRecord): Promise<void> {
    await this.db.batch(
      [
        { type: 'put', key: fileKey(sha), value: JSON.stringify(record) },
        { type: 'put', key: refKey(docId, sha), value: '' },
        { type: 'put', key: userKey(sha, docId), value: '' },
      ],
      SYNC,
    );
  }

  async documents(): Promise<string[]> {
    const ids = new Set<string>();
    for (const key of await this.db.keys(range('r')).all()) ids.add(key.split('/')[1]!);
    return [...ids];
  }

  /** Removes the document's references; files left without any are marked unreferenced as of `now`. */
  async forget(docId: string, now: number): Promise<void> {
    const refs = await this.db.keys(range(`r/${docId}`)).all();
    const ops: Array<BatchOperation<ClassicLevel<string, string>, string, string>> = [];
    for (const key of refs) {
      const sha = key.slice(key.lastIndexOf('/') + 1);
      ops.push({ type: 'del', key }, { type: 'del', key: userKey(sha, docId) });
      const users = await this.db.keys({ ...range(`u/${sha}`), limit: 2 }).all();
      const record = await this.file(sha);
      if (record && users.every((user) => user === userKey(sha, docId))) {
        ops.push({ type: 'put', key: fileKey(sha), value: JSON.stringify({ ...record, unreferencedSince: now }) });
      }
    }
    if (ops.length > 0) await this.db.batch(ops, SYNC);
  }

  async removeFile(sha: string): Promise<void> {
    await this.db.del(fileKey(sha), SYNC);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
