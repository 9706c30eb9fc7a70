import { DOC_ID_PATTERN, StoreError } from './doc-store.js';

/*
 * Key layout, version 1 (utf8 strings):
 *
 *   v1/d/<docId>/m           the document's metadata (JSON)
 *   v1/d/<docId>/u/<seq>     one appended update; <seq> is 16 zero-padded decimal digits
 *
 * Padding makes lexicographic order equal numeric order, so one forward range read returns a log in append
 * order. Ids never contain '/' (DOC_ID_PATTERN), so the keys of one document are exactly the strings that start
 * with `v1/d/<docId>/`: one contiguous range, [`v1/d/<docId>/`, `v1/d/<docId>0`) because '0' follows '/',
 * which no other id can enter: `a-b/...` sorts before `a/` and `a0/...` at or after `a0`, the end of `a`'s range.
 * 'm' sorts before 'u', so a document's metadata is the first key of its range.
 *
 * Access states live outside the documents' ranges, because they outlive the documents (a deleted document's
 * record is its tombstone), with an index of the documents in the trash:
 *
 *   v1/a/<docId>             the document's access state (JSON, see access.ts)
 *   v1/t/<docId>             present while the document is deleted and not yet purged (empty value)
 */

const PREFIX = 'v1/d/';
const SEQ_DIGITS = 16;
/** The character after '/', ending a range of keys that start with some prefix + '/'. */
const AFTER_SLASH = '0';

/** Lower (inclusive) and upper (exclusive) bound of a key range, in the shape classic-level takes. */
export interface KeyRange {
  gte: string;
  lt: string;
}

/** Throws StoreError('invalid-id') unless `docId` matches DOC_ID_PATTERN. */
export function assertDocId(docId: unknown): asserts docId is string {
  if (typeof docId !== 'string' || !DOC_ID_PATTERN.test(docId)) {
    throw new StoreError('invalid-id', `invalid document id: ${JSON.stringify(docId)}`);
  }
}

export function metaKey(docId: string): string {
  return `${PREFIX}${docId}/m`;
}

/** `seq` must be a safe integer ≥ 0; Number.MAX_SAFE_INTEGER still fits the 16 digits. */
export function updateKey(docId: string, seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`invalid sequence number: ${seq}`);
  return `${PREFIX}${docId}/u/${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

/** Every key of one document: its metadata and its whole log. */
export function docRange(docId: string): KeyRange {
  return { gte: `${PREFIX}${docId}/`, lt: `${PREFIX}${docId}${AFTER_SLASH}` };
}

/** The document's appended updates, in sequence order. */
export function updateRange(docId: string): KeyRange {
  return { gte: `${PREFIX}${docId}/u/`, lt: `${PREFIX}${docId}/u${AFTER_SLASH}` };
}

export function accessKey(docId: string): string {
  return `v1/a/${docId}`;
}

const TRASH_PREFIX = 'v1/t/';

export function trashKey(docId: string): string {
  return `${TRASH_PREFIX}${docId}`;
}

/** Every key of the trash index. */
export const TRASH: KeyRange = { gte: TRASH_PREFIX, lt: `v1/t${AFTER_SLASH}` };

/** The document of a trash index key. */
export function docIdOfTrashKey(key: string): string | null {
  const docId = key.startsWith(TRASH_PREFIX) ? key.slice(TRASH_PREFIX.length) : '';
  return DOC_ID_PATTERN.test(docId) ? docId : null;
}

/** Every document's keys. */
export const ALL_DOCS: KeyRange = { gte: PREFIX, lt: `v1/d${AFTER_SLASH}` };

/** The document and sequence number of an update key, or `null` for any other key. */
export function parseUpdateKey(key: string): { docId: string; seq: number } | null {
  const match = /^v1\/d\/([^/]+)\/u\/(\d{16})$/.exec(key);
  if (!match || !DOC_ID_PATTERN.test(match[1]!)) return null;
  const seq = Number(match[2]);
  return Number.isSafeInteger(seq) ? { docId: match[1]!, seq } : null;
}

/** The document of a metadata key, or `null` for any other key. */
export function parseMetaKey(key: string): string | null {
  const match = /^v1\/d\/([^/]+)\/m$/.exec(key);
  return match && DOC_ID_PATTERN.test(match[1]!) ? match[1]! : null;
}

/** The document a key belongs to, whatever its kind, or `null` for a key outside the layout. */
export function docIdOfKey(key: string): string | null {
  return parseMetaKey(key) ?? parseUpdateKey(key)?.docId ?? null;
}
