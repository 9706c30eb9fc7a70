import * as idb from 'lib0/indexeddb';

/** An image added on this device that the server has not stored yet. */
export interface PendingUpload {
  docId: string;
  sha: string;
  blob: Blob;
}

const DB_NAME = 'collab-uploads';
const STORE = 'pending';

/*
 * One IndexedDB store, keyed `<docId>/<sha>`: the bytes of images added offline (or whose upload was cut off)
 * outlive a reload and a closed tab, and are uploaded when the document is open and online again. Ids never
 * contain '/', so one document's entries are the keys between `<docId>/` and `<docId>0`.
 */
let opened: Promise<IDBDatabase> | undefined;
const database = () => (opened ??= idb.openDB(DB_NAME, (db) => idb.createStores(db, [[STORE]])));
const keyOf = (docId: string, sha: string) => `${docId}/${sha}`;
const rangeOf = (docId: string) => IDBKeyRange.bound(`${docId}/`, `${docId}0`, false, true);

async function store(access: 'readonly' | 'readwrite' = 'readwrite'): Promise<IDBObjectStore> {
  const [pending] = idb.transact(await database(), [STORE], access);
  return pending!;
}

export async function addPending(upload: PendingUpload): Promise<void> {
  await idb.put(await store(), upload as unknown as string, keyOf(upload.docId, upload.sha));
}

export async function removePending(docId: string, sha: string): Promise<void> {
  await idb.del(await store(), keyOf(docId, sha));
}

export async function pendingOf(docId: string): Promise<PendingUpload[]> {
  return (await idb.getAll(await store('readonly'), rangeOf(docId))) as unknown as PendingUpload[];
}

export async function pendingBlob(docId: string, sha: string): Promise<Blob | undefined> {
  const found = (await idb.get(await store('readonly'), keyOf(docId, sha))) as unknown as PendingUpload | undefined;
  return found?.blob;
}

/** Whether anything of the document waits; false when IndexedDB is unavailable (some private modes). */
export async function hasPending(docId: string): Promise<boolean> {
  try {
    return (await idb.count(await store('readonly'), rangeOf(docId))) > 0;
  } catch {
    return false;
  }
}
