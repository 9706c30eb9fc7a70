import { DOC_ID_PATTERN } from '../doc-store.js';

/*
 * Redis keys of one document. The id sits in braces (a hash tag), so that every key of a document maps to the
 * same Redis Cluster slot and one MULTI may touch all of them. Ids never contain braces or colons
 * (DOC_ID_PATTERN), so a key names exactly one document.
 *
 *   collab:{<docId>}:log     the stream: one entry per append, and trim markers left by compaction
 *   collab:{<docId>}:meta    hash: createdAt, updatedAt, logBytes and logUpdates (what the stream holds now)
 *   collab:{<docId>}:lease   the compaction lease: a random token with an expiry
 */

export const logKey = (docId: string) => `collab:{${docId}}:log`;
export const metaKey = (docId: string) => `collab:{${docId}}:meta`;
export const leaseKey = (docId: string) => `collab:{${docId}}:lease`;

/** SCAN pattern of every document's metadata hash (braces are literal in Redis glob patterns). */
export const META_KEY_PATTERN = 'collab:{*}:meta';

const LOG_KEY = /^collab:\{(.+)\}:log$/;
const META_KEY = /^collab:\{(.+)\}:meta$/;

export function docIdOfLogKey(key: string): string | null {
  return validId(LOG_KEY.exec(key)?.[1]);
}

export function docIdOfMetaKey(key: string): string | null {
  return validId(META_KEY.exec(key)?.[1]);
}

function validId(id: string | undefined): string | null {
  return id !== undefined && DOC_ID_PATTERN.test(id) ? id : null;
}
