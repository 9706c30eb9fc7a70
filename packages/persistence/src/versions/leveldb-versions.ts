import { StoreError } from '../doc-store.js';
import { DocLanes } from '../doc-lanes.js';
import type { LevelDb, LevelOp, LevelWrites } from '../group-commit.js';
import { assertDocId } from '../keys.js';
import type { ThinningPolicy } from './thinning.js';
import { chainLength, KEYFRAME_EVERY, stateOfChain } from './version-codec.js';
import {
  decodeVersionRecord,
  encodeVersionRecord,
  headKey,
  versionContentKey,
  versionDocRange,
  versionMetaKey,
  versionMetaRange,
} from './version-keys.js';
import type { NewVersion, VersionMeta, VersionStore } from './version-store.js';
import {
  checkName,
  checkNewVersion,
  parseVersionId,
  prepareThinning,
  prepareVersion,
  publicMeta,
  type AddRule,
  type Newest,
  type StoredVersion,
} from './version-writes.js';

/**
 * The version history in the LevelDB store's database, under keys of its own (`version-keys.ts`). Every
 * write of a document's versions runs on that document's lane, reading what it needs and writing one atomic
 * batch, so a crash leaves each version whole or absent. These lanes are not the documents' append lanes:
 * cutting a version never delays an append. Writes go the store's way (`writes`): with DURABILITY=fsync a
 * named version, a rename or a purge is on the disk before its caller hears of it, in the batches the
 * documents' appends share.
 */
export class LevelDbVersions implements VersionStore {
  private readonly lanes = new DocLanes();

  /** `track` is the store's: it rejects once the store closes, and `close` waits for what it runs. */
  constructor(
    private readonly db: LevelDb,
    private readonly writes: LevelWrites,
    private readonly track: <T>(work: () => Promise<T>) => Promise<T>,
  ) {}

  async add(docId: string, version: NewVersion): Promise<VersionMeta> {
    return (await this.addUnder(docId, version, { ifChanged: false }))!;
  }

  addIfChanged(docId: string, version: NewVersion, options: { minGapMs?: number } = {}): Promise<VersionMeta | null> {
    return this.addUnder(docId, version, { ifChanged: true, minGapMs: options.minGapMs });
  }

  list(docId: string): Promise<VersionMeta[]> {
    return this.track(async () => {
      assertDocId(docId);
      // One iterator reads one consistent snapshot of the database.
      const entries = await this.db.iterator({ ...versionMetaRange(docId), reverse: true }).all();
      return entries.map(([key, value]) => publicMeta(decodeVersionRecord(docId, key, value)));
    });
  }

  async content(docId: string, versionId: string): Promise<Uint8Array | null> {
    const seq = parseVersionId(versionId);
    return this.onLane(docId, async () => {
      if (seq === null) return null;
      const recent = await this.recent(docId, { lte: versionMetaKey(docId, seq) });
      if (recent[0]?.id !== versionId) return null;
      return this.stateOf(docId, recent);
    });
  }

  async rename(docId: string, versionId: string, name: string | null): Promise<VersionMeta | null> {
    checkName(name);
    const seq = parseVersionId(versionId);
    return this.onLane(docId, async () => {
      if (seq === null) return null;
      const key = versionMetaKey(docId, seq);
      const bytes = await this.db.get(key);
      if (bytes === undefined) return null;
      const renamed = { ...decodeVersionRecord(docId, key, bytes), name };
      await this.writes.write([{ type: 'put', key, value: encodeVersionRecord(renamed) }]);
      return publicMeta(renamed);
    });
  }

  thin(docId: string, now: number, policy?: ThinningPolicy): Promise<string[]> {
    return this.onLane(docId, async () => {
      const entries = await this.db.iterator(versionMetaRange(docId)).all();
      const versions = entries.map(([key, value]) => decodeVersionRecord(docId, key, value));
      const byId = new Map(versions.map((version) => [version.id, version]));
      const { deletes, rewrites } = await prepareThinning(versions, now, policy, (ids) =>
        this.readContents(docId, ids.map(Number)),
      );
      const ops: LevelOp[] = deletes.flatMap((id): LevelOp[] => [
        { type: 'del', key: versionMetaKey(docId, Number(id)) },
        { type: 'del', key: versionContentKey(docId, Number(id)) },
      ]);
      for (const { id, keyframe, content } of rewrites) {
        ops.push({ type: 'put', key: versionContentKey(docId, Number(id)), value: content });
        ops.push({ type: 'put', key: versionMetaKey(docId, Number(id)), value: encodeVersionRecord({ ...byId.get(id)!, keyframe }) });
      }
      if (ops.length > 0) await this.writes.write(ops);
      return deletes;
    });
  }

  deleteAll(docId: string): Promise<void> {
    return this.onLane(docId, async () => {
      const keys = await this.db.keys(versionDocRange(docId)).all();
      // One batch, not db.clear (which deletes in chunks): a crash must not leave a chain without its keyframe.
      if (keys.length > 0) await this.writes.write(keys.map((key): LevelOp => ({ type: 'del', key })));
    });
  }

  private async addUnder(docId: string, version: NewVersion, rule: AddRule): Promise<VersionMeta | null> {
    const fields = checkNewVersion(version);
    return this.onLane(docId, async () => {
      const recent = await this.recent(docId);
      const newest: Newest | null = recent[0]
        ? {
            createdAt: recent[0].createdAt,
            head: await this.readHead(docId),
            keyframes: recent.map((v) => v.keyframe),
            readState: () => this.stateOf(docId, recent),
          }
        : null;
      const prepared = await prepareVersion(fields, newest, rule);
      if (!prepared) return null;
      const seq = recent[0] ? Number(recent[0].id) + 1 : 1;
      const { content, head, ...meta } = prepared;
      const stored: StoredVersion = { id: String(seq), docId, ...meta };
      await this.writes.write([
        { type: 'put', key: versionContentKey(docId, seq), value: content },
        { type: 'put', key: versionMetaKey(docId, seq), value: encodeVersionRecord(stored) },
        { type: 'put', key: headKey(docId), value: head },
      ]);
      return publicMeta(stored);
    });
  }

  /** The newest versions up to `lte` (default: all), newest first: enough to hold the newest one's chain. */
  private async recent(docId: string, bound: { lte?: string } = {}): Promise<StoredVersion[]> {
    const range = bound.lte ? { gte: versionMetaRange(docId).gte, lte: bound.lte } : versionMetaRange(docId);
    const entries = await this.db.iterator({ ...range, reverse: true, limit: KEYFRAME_EVERY }).all();
    return entries.map(([key, value]) => decodeVersionRecord(docId, key, value));
  }

  /** The whole state of `recent[0]`, from its chain. */
  private async stateOf(docId: string, recent: readonly StoredVersion[]): Promise<Uint8Array> {
    const chain = recent.slice(0, chainLength(recent.map((v) => v.keyframe))).reverse();
    return stateOfChain(await this.readContents(docId, chain.map((v) => Number(v.id))));
  }

  private async readContents(docId: string, seqs: number[]): Promise<Uint8Array[]> {
    const contents = await this.db.getMany(seqs.map((seq) => versionContentKey(docId, seq)));
    return contents.map((content, i) => {
      if (content === undefined) throw new StoreError('corrupt', `version ${seqs[i]} of ${docId} has no content`);
      return content;
    });
  }

  private async readHead(docId: string): Promise<Uint8Array> {
    const head = await this.db.get(headKey(docId));
    if (head === undefined) throw new StoreError('corrupt', `the newest version of ${docId} has no head`);
    return head;
  }

  /** Runs `work` on the document's lane, tracked by the store, after checking the id. */
  private onLane<T>(docId: string, work: () => Promise<T>): Promise<T> {
    return this.track(async () => {
      assertDocId(docId);
      return this.lanes.run(docId, work);
    });
  }
}
