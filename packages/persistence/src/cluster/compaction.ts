import type { Redis } from 'ioredis';
import { mergeLog } from '../merge.js';
import { tryLease } from './lease.js';
import type { DocumentRows } from './pg-rows.js';
import { leaseKey, logKey, metaKey } from './redis-keys.js';
import { decodeRange, trimMarkerFields } from './stream-codec.js';
import { idAfter } from './stream-id.js';
import { execOrThrow } from './redis-multi.js';

/**
 * Folds a document's stream into its PostgreSQL snapshot, if this process gets the document's lease; without
 * it, another process is compacting (or deleting) the document right now, and this one does nothing.
 *
 * Reads the snapshot and the whole stream up to its last id N, merges, writes the snapshot with merged_id = N,
 * and only then trims the entries up to N, in one MULTI with a trim marker and the metadata update. Entries
 * appended meanwhile have ids above N and stay. A crash between the two writes leaves entries that are in both
 * the snapshot and the stream: loads merge them twice, harmlessly, and the next compaction trims them.
 */
export async function compactDoc(redis: Redis, rows: DocumentRows, docId: string): Promise<void> {
  const lease = await tryLease(redis, leaseKey(docId));
  if (!lease) return;
  try {
    const row = await rows.readSnapshot(docId);
    const log = decodeRange(await redis.xrangeBuffer(logKey(docId), '-', '+'));
    // Nothing new since the last compaction (at most its trim marker): leave the snapshot as it is.
    if (log.updates.length === 0 || log.lastId === null) return;
    const state = mergeLog(row?.state ? [row.state, ...log.updates] : log.updates);
    const [createdAt, updatedAt] = await redis.hmget(metaKey(docId), 'createdAt', 'updatedAt');
    const now = Date.now();
    const written = await rows.writeSnapshot(docId, {
      state,
      mergedId: log.lastId,
      previousMergedId: row?.mergedId ?? null,
      createdAt: createdAt ? Number(createdAt) : now,
      updatedAt: updatedAt ? Number(updatedAt) : now,
    });
    // Another compaction wrote first (possible only if our lease expired): its snapshot stands, trim nothing.
    if (!written) return;
    await execOrThrow(
      redis
        .multi()
        .xtrim(logKey(docId), 'MINID', idAfter(log.lastId))
        // Tells readers that entries up to N are gone: one that had not read them reloads the document.
        .xadd(logKey(docId), '*', ...trimMarkerFields(log.lastId))
        .hincrby(metaKey(docId), 'logBytes', -log.bytes)
        .hincrby(metaKey(docId), 'logUpdates', -log.updates.length),
    );
  } finally {
    await lease.release();
  }
}
