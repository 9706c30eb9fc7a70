import * as Y from 'yjs';
import { planRemoval } from './chain-plan.js';
import { versionsToThin, type ThinningPolicy } from './thinning.js';
import { mergeLog } from '../merge.js';
import { cutVersion, mergeContents, needsKeyframe, pack, unpack } from './version-codec.js';
import {
  VERSION_KINDS,
  type LendDoc,
  type NewVersion,
  type VersionAuthor,
  type VersionKind,
  type VersionMeta,
} from './version-store.js';

/*
 * What both stores compute before they write: the record of a new version, and the rewrites and deletions
 * of a thinning. Each store runs these inside its own atomic unit (a document's lane and one LevelDB batch;
 * a PostgreSQL transaction under the document's lock) and only does the reading and writing itself.
 */

/** A version's metadata plus how its content is stored. */
export interface StoredVersion extends VersionMeta {
  keyframe: boolean;
}

/** What a store knows about a document's newest version when it adds the next one. */
export interface Newest {
  createdAt: number;
  head: Uint8Array;
  /** Keyframe flags of the newest versions, newest first: at least KEYFRAME_EVERY when there are that many. */
  keyframes: boolean[];
  /** Reads the newest version's whole state (only needed in the rare case `cutVersion` cannot give it). */
  readState(): Promise<Uint8Array>;
}

/** The fields of a new version, checked. */
export interface VersionFields {
  doc: Y.Doc | LendDoc;
  createdAt: number;
  name: string | null;
  kind: VersionKind;
  authors: VersionAuthor[];
}

/** What to store for a new version. */
export interface PreparedVersion extends Omit<VersionFields, 'doc'> {
  keyframe: boolean;
  /** Packed content. */
  content: Uint8Array;
  head: Uint8Array;
}

/** Adds only when the document changed (and, with minGapMs, the newest version is old enough). */
export interface AddRule {
  ifChanged: boolean;
  minGapMs?: number | undefined;
}

/** Throws TypeError naming the field that is not what NewVersion says. */
export function checkNewVersion(version: NewVersion): VersionFields {
  const { doc, kind, name = null, authors = [], createdAt = Date.now() } = version;
  if (!(doc instanceof Y.Doc) && typeof doc !== 'function') throw new TypeError('version.doc must be a Y.Doc or a function lending one');
  if (!VERSION_KINDS.includes(kind)) throw new TypeError(`version.kind must be one of ${VERSION_KINDS.join(', ')}`);
  checkName(name);
  if (!Array.isArray(authors) || !authors.every(isAuthor)) {
    throw new TypeError('version.authors must be an array of { name: string, color: string }');
  }
  if (!Number.isFinite(createdAt)) throw new TypeError('version.createdAt must be a finite number');
  return { doc, kind, name, createdAt, authors: authors.map(({ name, color }) => ({ name, color })) };
}

export function checkName(name: unknown): asserts name is string | null {
  if (name !== null && typeof name !== 'string') throw new TypeError('a version name must be a string or null');
}

/**
 * Cuts the new version against the newest one, or returns `null` when `rule` says to add nothing. The cut
 * happens synchronously, before anything awaited here (or, for a lent document, when the lender lends it).
 */
export async function prepareVersion(
  fields: VersionFields,
  newest: Newest | null,
  rule: AddRule,
): Promise<PreparedVersion | null> {
  const { doc, ...meta } = fields;
  if (rule.ifChanged && newest && rule.minGapMs !== undefined && meta.createdAt - newest.createdAt < rule.minGapMs) {
    return null;
  }
  const keyframe = newest === null || needsKeyframe(newest.keyframes);
  const read = (source: Y.Doc) => cutVersion(source, newest?.head ?? null, keyframe);
  const cut = doc instanceof Y.Doc ? read(doc) : await doc(read);
  if (rule.ifChanged && !cut.changed) return null;
  let content = cut.delta;
  if (keyframe && newest) content = cut.full ?? mergeLog([await newest.readState(), cut.delta]);
  return { ...meta, keyframe, content: await pack(content), head: cut.head };
}

/** The result of a thinning: versions to delete, and kept versions whose content changes. */
export interface Thinning {
  deletes: string[];
  rewrites: { id: string; keyframe: boolean; content: Uint8Array }[];
}

/**
 * Plans a thinning of `versions` (oldest first) and merges the contents it rewrites; `readContents` returns
 * the stored contents of the given ids, in that order. Rewrites are merged one after another, so that only
 * one chain's contents are in memory at a time.
 */
export async function prepareThinning(
  versions: readonly StoredVersion[],
  now: number,
  policy: ThinningPolicy | undefined,
  readContents: (ids: string[]) => Promise<Uint8Array[]>,
): Promise<Thinning> {
  const deletes = versionsToThin(versions, now, policy);
  const rewrites: Thinning['rewrites'] = [];
  for (const { id, from, keyframe } of planRemoval(versions, new Set(deletes))) {
    const updates = await Promise.all((await readContents([...from, id])).map(unpack));
    // A whole state is re-encoded from a Y.Doc, which drops the text of deleted items that a merge of
    // updates keeps; a delta cannot be (its items refer to ones it does not hold).
    const merged = keyframe ? mergeLog(updates) : mergeContents(updates);
    rewrites.push({ id, keyframe, content: await pack(merged) });
  }
  return { deletes, rewrites };
}

function isAuthor(value: unknown): value is VersionAuthor {
  const author = value as Partial<VersionAuthor> | null;
  return typeof author?.name === 'string' && typeof author.color === 'string';
}

/**
 * A version id as the stores hand them out (a decimal number from 1), or `null` for anything else: an id a
 * client made up is an unknown version, not an error.
 */
export function parseVersionId(id: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) return null;
  const seq = Number(id);
  return Number.isSafeInteger(seq) ? seq : null;
}

/** The public part of a stored version. */
export function publicMeta(version: StoredVersion): VersionMeta {
  const { id, docId, createdAt, name, kind, authors } = version;
  return { id, docId, createdAt, name, kind, authors };
}
