import { ClassicLevel } from 'classic-level';
import { updateRange } from '../keys.js';

export type RawDb = ClassicLevel<string, Uint8Array>;

/** The database underneath a closed store, to inspect or damage its keys directly. */
export async function withRawDb<T>(dir: string, work: (db: RawDb) => Promise<T>): Promise<T> {
  const db: RawDb = new ClassicLevel(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** Entries and bytes of a document's log as they are on disk: what its metadata must say. */
export function rawLog(dir: string, docId: string): Promise<{ updates: number; size: number }> {
  return withRawDb(dir, async (db) => {
    const values = await db.values(updateRange(docId)).all();
    return { updates: values.length, size: values.reduce((sum, value) => sum + value.byteLength, 0) };
  });
}
