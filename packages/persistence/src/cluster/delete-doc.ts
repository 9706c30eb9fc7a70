import type { Redis } from 'ioredis';
import { tryLease, waitForLease } from './lease.js';
import type { DocumentRows } from './pg-rows.js';
import { leaseKey, logKey, metaKey } from './redis-keys.js';

/**
 * Deletes a document from both services so that a crash at any moment leaves it whole or gone, never half:
 *
 * 1. PostgreSQL, the source of truth: one statement drops the snapshot and marks the row as deleting. Before
 *    it the document is whole; from it on every load finds the document gone, whatever Redis still holds.
 * 2. Redis, under the document's lease (so that no compaction is between reading and trimming the stream):
 *    the stream and its metadata hash go.
 * 3. PostgreSQL: the row goes, and the document may be written afresh.
 *
 * A process that dies after step 1 leaves the mark: the next delete of the document, or the next load of it
 * (`finishDelete`), does steps 2 and 3.
 */
export async function deleteDoc(redis: Redis, rows: DocumentRows, docId: string, now: number): Promise<void> {
  await rows.markDeleting(docId, now);
  await finishDelete(redis, rows, docId, { wait: true });
}

/**
 * Steps 2 and 3 of a delete that began. With `wait: false` it gives up at once when another process holds the
 * lease (a load must not wait on a compaction, or on the lease of a process that died, for up to its expiry).
 */
export async function finishDelete(redis: Redis, rows: DocumentRows, docId: string, { wait }: { wait: boolean }): Promise<void> {
  const key = leaseKey(docId);
  const lease = wait ? await waitForLease(redis, key) : await tryLease(redis, key);
  if (!lease) return;
  try {
    // Another process may have finished it meanwhile, and the document been written afresh since.
    if (!(await rows.isDeleting(docId))) return;
    await redis.del(logKey(docId), metaKey(docId));
    await rows.removeDeleted(docId);
  } finally {
    await lease.release();
  }
}
