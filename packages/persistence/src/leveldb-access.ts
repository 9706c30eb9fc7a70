import { DEFAULT_ACCESS, inTrash, nextAccess, parseAccess, type DeletedDoc, type DocAccess } from './access.js';
import { StoreError } from './doc-store.js';
import type { LevelDb as Db, LevelOp as Op } from './group-commit.js';
import { TRASH, accessKey, docIdOfTrashKey, trashKey } from './keys.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The access states of the LevelDB store (keys in keys.ts). The caller serialises changes per document. */
export async function readAccess(db: Db, docId: string): Promise<DocAccess> {
  const bytes = await db.get(accessKey(docId));
  if (bytes === undefined) return DEFAULT_ACCESS;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new StoreError('corrupt', 'stored access state is not JSON', { cause: err });
  }
  return parseAccess(value);
}

/**
 * Reads, changes and writes a document's access state and its trash entry in one batch. Synced to disk
 * whatever the store does for appends: a link reset that a power cut undid would bring a leaked link back.
 */
export async function changeAccess(db: Db, docId: string, change: (current: DocAccess) => DocAccess): Promise<DocAccess> {
  const current = await readAccess(db, docId);
  const changed = change(current);
  if (changed === current) return current;
  const next = nextAccess(current, changed);
  const ops: Op[] = [
    { type: 'put', key: accessKey(docId), value: encoder.encode(JSON.stringify(next)) },
    inTrash(next) ? { type: 'put', key: trashKey(docId), value: new Uint8Array() } : { type: 'del', key: trashKey(docId) },
  ];
  await db.batch(ops, { sync: true });
  return next;
}

export async function listTrash(db: Db): Promise<DeletedDoc[]> {
  const ids = (await db.keys(TRASH).all()).flatMap((key) => docIdOfTrashKey(key) ?? []);
  return Promise.all(ids.map(async (id) => ({ id, access: await readAccess(db, id) })));
}
