import type { Redis } from 'ioredis';
import { mergeLog } from '../merge.js';
import type { DocumentRows } from './pg-rows.js';
import { logKey } from './redis-keys.js';
import { decodeRange } from './stream-codec.js';
import { laterId, ZERO_ID } from './stream-id.js';

export interface DocRead {
  /** The whole document as one update, or `null` if nothing was ever appended. */
  state: Uint8Array | null;
  /** Every stream entry up to this id is part of `state`: a reader continues after it. */
  lastId: string;
  /** A delete began and did not finish (see delete-doc.ts): the document is gone, `state` is null. */
  deleting: boolean;
}

/**
 * Reads a document: the stream first, then the PostgreSQL snapshot. In this order a compaction running at the
 * same time cannot hide an update: it writes the snapshot before trimming the stream, so an entry trimmed
 * after the stream was read is in the snapshot read after it. Entries in both are merged twice, harmlessly.
 */
export async function readDoc(redis: Redis, rows: DocumentRows, docId: string): Promise<DocRead> {
  const log = decodeRange(await redis.xrangeBuffer(logKey(docId), '-', '+'));
  const row = await rows.readSnapshot(docId);
  if (row?.deleting) return { state: null, lastId: log.lastId ?? ZERO_ID, deleting: true };
  const parts = row?.state ? [row.state, ...log.updates] : log.updates;
  // A snapshot may cover entries appended after the stream was read: a reader need not deliver those again.
  const lastId = laterId(log.lastId ?? ZERO_ID, row?.mergedId ?? ZERO_ID);
  // A lone part (a fresh compaction, or a single append) is returned as stored, without a Y.Doc round trip.
  const state = parts.length === 0 ? null : parts.length === 1 ? parts[0]! : mergeLog(parts);
  return { state, lastId, deleting: false };
}
