import type { ClassicLevel } from 'classic-level';
import type { DocMeta } from './doc-store.js';
import { metaKey, parseUpdateKey, updateRange } from './keys.js';
import { Lane } from './lane.js';
import { decodeMeta } from './meta-codec.js';

/** What the LevelDB store keeps in memory about one document. Only tasks on its lane change `meta`. */
export interface DocState {
  lane: Lane;
  /** Next sequence number to hand out. Allocated when `append` is called, so the log keeps call order. */
  nextSeq: number;
  /** The metadata as it is on disk; `null` while the document does not exist. */
  meta: DocMeta | null;
  /** Appends waiting for the lane; the next flush writes all of them in one batch (group commit). */
  queued: { firstSeq: number; updates: readonly Uint8Array[]; stateAfter?: (() => Uint8Array) | undefined }[];
  /** The lane task that will write `queued`, until it starts. */
  nextFlush: Promise<void> | null;
  /** Bumped by `delete`, so that a compaction that read the old log does not write it back. */
  generation: number;
  /**
   * Bytes of log entries that compactions of this process deleted or overwrote since LevelDB last compacted
   * the document's key range: what is still on disk for nothing. In memory only, so it restarts at 0.
   */
  discardedBytes: number;
}

/** Reads a document's metadata and its last key: the log continues after the highest sequence number. */
export async function readDocState(db: ClassicLevel<string, Uint8Array>, docId: string): Promise<DocState> {
  const [metaBytes, lastKeys] = await Promise.all([
    db.get(metaKey(docId)),
    db.keys({ ...updateRange(docId), reverse: true, limit: 1 }).all(),
  ]);
  const last = lastKeys[0] === undefined ? null : parseUpdateKey(lastKeys[0]);
  return {
    lane: new Lane(),
    nextSeq: last ? last.seq + 1 : 0,
    meta: metaBytes === undefined ? null : decodeMeta(metaBytes),
    queued: [],
    nextFlush: null,
    generation: 0,
    discardedBytes: 0,
  };
}
