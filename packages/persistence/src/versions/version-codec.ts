import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import * as Y from 'yjs';
import { StoreError } from '../doc-store.js';
import { deleteSetBytes, hasBeyond, subtractDeleteSet, unionSnapshot } from './delete-sets.js';

/*
 * How versions are stored (both stores):
 *
 * - A version's content is a Yjs update (v1), deflated (raw DEFLATE, node:zlib). It is either a *keyframe*,
 *   the whole state, or a *delta* against the version before it: the items created since (a Yjs diff
 *   against the previous version's state vector) and only the deletions made since. Yjs would write the
 *   document's whole delete set into every diff, which for a long-edited document is most of the bytes.
 * - Opening a version merges (Y.mergeUpdates) its chain: the last keyframe at or before it and the deltas
 *   after that keyframe up to it. Every KEYFRAME_EVERY-th version is a keyframe, so a chain holds at most
 *   KEYFRAME_EVERY updates.
 * - Removing a version merges its content into the next kept version's (a delta merged with the delta after
 *   it is the delta across both; a keyframe merged with the deltas after it is a keyframe), see chain-plan.ts.
 *   Chains only get shorter.
 * - The newest version's *head*, its state vector and delete set (a v1 Y.Snapshot), is kept beside it: the
 *   next version is encoded against it without decoding any stored content, and it tells whether the
 *   document changed since.
 */

/** Every this many versions, one holds the whole state. */
export const KEYFRAME_EVERY = 50;

/** A version of a document, cut from the live Y.Doc. */
export interface Cut {
  /** Whether the document holds something the previous version does not. */
  changed: boolean;
  /** The new version's head. */
  head: Uint8Array;
  /** The new version as a delta against the previous one (the whole state for a first version). */
  delta: Uint8Array;
  /** The whole state, if asked for and the document holds all of the previous version; else null. */
  full: Uint8Array | null;
}

/**
 * Cuts a version of `doc` as it is now, against the head of the previous version (`null`: none). The new
 * version is the union of both states, so a document behind the previous version loses nothing of it.
 * Synchronous: everything is read from the document at one moment.
 */
export function cutVersion(doc: Y.Doc, previousHead: Uint8Array | null, wantFull: boolean): Cut {
  const now = Y.snapshot(doc);
  if (previousHead === null) {
    const state = Y.encodeStateAsUpdate(doc);
    return { changed: true, head: Y.encodeSnapshot(now), delta: state, full: state };
  }
  const previous = decodeHead(previousHead);
  // Every item beyond the previous state vector, followed by the document's whole delete set.
  const diff = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(previous.sv));
  const wholeDeleteSet = deleteSetBytes(now.ds);
  // A document with pending updates (missing dependencies) is encoded differently: keep the diff as it is,
  // larger but just as correct, since merging delete sets is a union.
  const delta = endsWith(diff, wholeDeleteSet)
    ? concat(diff.subarray(0, diff.length - wholeDeleteSet.length), deleteSetBytes(subtractDeleteSet(now.ds, previous.ds)))
    : diff;
  return {
    changed: hasBeyond(now, previous),
    head: Y.encodeSnapshot(unionSnapshot(previous, now)),
    delta,
    full: wantFull && !hasBeyond(previous, now) ? Y.encodeStateAsUpdate(doc) : null,
  };
}

/**
 * Whether the next version must be a keyframe, given the keyframe flags of the newest versions, newest
 * first (at least KEYFRAME_EVERY of them if there are that many): the chain of the newest is the versions
 * up to the first keyframe.
 */
export function needsKeyframe(keyframesNewestFirst: readonly boolean[], every = KEYFRAME_EVERY): boolean {
  const last = keyframesNewestFirst.indexOf(true);
  return last === -1 || last + 1 >= every;
}

/** The length of the newest version's chain in `keyframesNewestFirst`; throws if it has no keyframe. */
export function chainLength(keyframesNewestFirst: readonly boolean[]): number {
  const last = keyframesNewestFirst.indexOf(true);
  if (last === -1) throw new StoreError('corrupt', 'a stored version has no keyframe before it');
  return last + 1;
}

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/** Compresses content for storage; runs on libuv's thread pool, not on the thread every document shares. */
export async function pack(update: Uint8Array): Promise<Uint8Array> {
  return plain(await deflate(update));
}

export async function unpack(stored: Uint8Array): Promise<Uint8Array> {
  try {
    return plain(await inflate(stored));
  } catch (err) {
    throw new StoreError('corrupt', 'stored version content does not inflate', { cause: err });
  }
}

/** A version's whole state from its chain's stored contents, keyframe first. */
export async function stateOfChain(chain: readonly Uint8Array[]): Promise<Uint8Array> {
  return mergeContents(await Promise.all(chain.map(unpack)));
}

/** Merges Yjs updates (unpacked contents) into one; a single one is returned as it is. */
export function mergeContents(updates: readonly Uint8Array[]): Uint8Array {
  if (updates.length === 1) return updates[0]!;
  try {
    return Y.mergeUpdates([...updates]);
  } catch (err) {
    throw new StoreError('corrupt', 'stored version content is not a Yjs update', { cause: err });
  }
}

function decodeHead(head: Uint8Array): Y.Snapshot {
  try {
    return Y.decodeSnapshot(head);
  } catch (err) {
    throw new StoreError('corrupt', 'the stored head of the newest version does not decode', { cause: err });
  }
}

function endsWith(bytes: Uint8Array, suffix: Uint8Array): boolean {
  if (suffix.length > bytes.length) return false;
  const offset = bytes.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (bytes[offset + i] !== suffix[i]) return false;
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** zlib hands out Buffers; callers get plain Uint8Arrays over the same bytes. */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
