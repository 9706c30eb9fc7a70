import type { Redis } from 'ioredis';
import { StoreError, type DocMeta } from '../doc-store.js';
import type { RowMeta } from './pg-rows.js';
import { docIdOfMetaKey, META_KEY_PATTERN, metaKey } from './redis-keys.js';

/** SCAN batch size when listing documents. */
const SCAN_COUNT = 1_000;

/**
 * Metadata of a document's stream, from its Redis hash: kept current by every append in the same MULTI as the
 * XADD (so no PostgreSQL write per append), and reduced by compaction in the MULTI that trims the stream.
 */
export interface LogMeta {
  createdAt: number;
  updatedAt: number;
  /** Bytes and count of the updates the stream holds now. */
  bytes: number;
  updates: number;
}

/** The document's hash, or `null` if it has none (never appended to, or deleted). */
export async function readLogMeta(redis: Redis, docId: string): Promise<LogMeta | null> {
  return parseLogMeta(await redis.hgetall(metaKey(docId)));
}

/** Every document's hash, by id: a SCAN over the keys, then one HGETALL each. */
export async function scanLogMetas(redis: Redis): Promise<Map<string, LogMeta>> {
  const ids = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', META_KEY_PATTERN, 'COUNT', SCAN_COUNT);
    cursor = next;
    for (const key of keys) {
      const docId = docIdOfMetaKey(key);
      if (docId !== null) ids.add(docId); // SCAN may return a key twice
    }
  } while (cursor !== '0');
  const metas = new Map<string, LogMeta>();
  await Promise.all(
    [...ids].map(async (docId) => {
      const meta = await readLogMeta(redis, docId);
      if (meta) metas.set(docId, meta); // unless deleted since the scan
    }),
  );
  return metas;
}

function parseLogMeta(hash: Record<string, string>): LogMeta | null {
  if (Object.keys(hash).length === 0) return null;
  const meta = {
    createdAt: Number(hash.createdAt),
    updatedAt: Number(hash.updatedAt),
    bytes: Number(hash.logBytes),
    updates: Number(hash.logUpdates),
  };
  if (!Object.values(meta).every(Number.isFinite)) {
    throw new StoreError('corrupt', 'a document metadata hash in Redis has the wrong shape');
  }
  return meta;
}

/**
 * A document's metadata: the PostgreSQL row (creation, and the snapshot, one entry) plus the stream (appends
 * since). `null` when neither exists, or when a delete of it began (whatever the stream still holds).
 */
export function combineMeta(id: string, row: RowMeta | null, log: LogMeta | null): DocMeta | null {
  if ((!row && !log) || row?.deleting) return null;
  return {
    id,
    createdAt: Math.min(row?.createdAt ?? Infinity, log?.createdAt ?? Infinity),
    updatedAt: Math.max(row?.updatedAt ?? -Infinity, log?.updatedAt ?? -Infinity),
    size: (row?.size ?? 0) + (log?.bytes ?? 0),
    updates: (row?.hasState ? 1 : 0) + (log?.updates ?? 0),
  };
}
