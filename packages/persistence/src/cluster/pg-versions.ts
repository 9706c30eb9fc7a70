import type pg from 'pg';
import { StoreError } from '../doc-store.js';
import { assertDocId } from '../keys.js';
import { DocLanes } from '../doc-lanes.js';
import type { ThinningPolicy } from '../versions/thinning.js';
import { chainLength, KEYFRAME_EVERY, stateOfChain } from '../versions/version-codec.js';
import type { NewVersion, VersionKind, VersionMeta, VersionStore } from '../versions/version-store.js';
import {
  checkName,
  checkNewVersion,
  parseVersionId,
  prepareThinning,
  prepareVersion,
  publicMeta,
  type AddRule,
  type StoredVersion,
} from '../versions/version-writes.js';

/*
 * One row per version (content and head as in versions/version-codec.ts; `head` is set on each document's
 * newest row only). Ids come from one identity sequence shared by all documents.
 */
export const CREATE_VERSIONS_TABLE = [
  `CREATE TABLE IF NOT EXISTS collab_versions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_id text NOT NULL,
    created_at bigint NOT NULL,
    name text,
    kind text NOT NULL,
    authors jsonb NOT NULL,
    keyframe boolean NOT NULL,
    content bytea NOT NULL,
    head bytea
  )`,
  'CREATE INDEX IF NOT EXISTS collab_versions_doc_id ON collab_versions (doc_id, id)',
];

/** The first key of the advisory locks that serialize writes to one document's versions (the second: its id's hash). */
const VERSIONS_LOCK = 0x76657273; // 'vers'

const META_COLUMNS = 'id, doc_id, created_at, name, kind, authors, keyframe';

interface MetaRow {
  id: string;
  doc_id: string;
  // bigint columns arrive as strings: node-postgres does not narrow them to numbers on its own.
  created_at: string;
  name: string | null;
  kind: VersionKind;
  authors: StoredVersion['authors'];
  keyframe: boolean;
}

/**
 * The version history in PostgreSQL. Every write of a document's versions is one transaction holding the
 * document's advisory lock, so writes from all processes are serialized per document and a crash (or a lost
 * connection) rolls back to no half version. Reads are single statements, each on one consistent snapshot.
 */
export class PgVersions implements VersionStore {
  private readonly lanes = new DocLanes();

  /** `track` is the store's: it rejects once the store closes, and `close` waits for what it runs. */
  constructor(
    private readonly pool: pg.Pool,
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
      const { rows } = await this.pool.query<MetaRow>(
        `SELECT ${META_COLUMNS} FROM collab_versions WHERE doc_id = $1 ORDER BY id DESC`,
        [docId],
      );
      return rows.map((row) => publicMeta(toStored(row)));
    });
  }

  async content(docId: string, versionId: string): Promise<Uint8Array | null> {
    const id = parseVersionId(versionId);
    return this.track(async () => {
      assertDocId(docId);
      if (id === null) return null;
      // The chain: from the last keyframe at or before the version up to it.
      const { rows } = await this.pool.query<{ id: string; content: Buffer }>(
        `SELECT id, content FROM collab_versions
          WHERE doc_id = $1 AND id <= $2
            AND id >= (SELECT max(id) FROM collab_versions WHERE doc_id = $1 AND id <= $2 AND keyframe)
          ORDER BY id`,
        [docId, id],
      );
      if (rows[rows.length - 1]?.id !== versionId) return null;
      return stateOfChain(rows.map((row) => row.content));
    });
  }

  async rename(docId: string, versionId: string, name: string | null): Promise<VersionMeta | null> {
    checkName(name);
    const id = parseVersionId(versionId);
    // Under the lock: a thinning that read this version as unnamed must not delete it after it got a name.
    return this.locked(docId, async (client) => {
      if (id === null) return null;
      const { rows } = await client.query<MetaRow>(
        `UPDATE collab_versions SET name = $3 WHERE doc_id = $1 AND id = $2 RETURNING ${META_COLUMNS}`,
        [docId, id, name],
      );
      return rows[0] ? publicMeta(toStored(rows[0])) : null;
    });
  }

  thin(docId: string, now: number, policy?: ThinningPolicy): Promise<string[]> {
    return this.locked(docId, async (client) => {
      const { rows } = await client.query<MetaRow>(
        `SELECT ${META_COLUMNS} FROM collab_versions WHERE doc_id = $1 ORDER BY id`,
        [docId],
      );
      const { deletes, rewrites } = await prepareThinning(rows.map(toStored), now, policy, (ids) =>
        readContents(client, ids),
      );
      if (deletes.length > 0) await client.query('DELETE FROM collab_versions WHERE id = ANY($1::bigint[])', [deletes]);
      for (const { id, keyframe, content } of rewrites) {
        await client.query('UPDATE collab_versions SET content = $2, keyframe = $3 WHERE id = $1', [id, toBuffer(content), keyframe]);
      }
      return deletes;
    });
  }

  deleteAll(docId: string): Promise<void> {
    // Under the lock, so that an add in progress cannot append a delta to a chain deleted under it.
    return this.locked(docId, async (client) => {
      await client.query('DELETE FROM collab_versions WHERE doc_id = $1', [docId]);
    });
  }

  private async addUnder(docId: string, version: NewVersion, rule: AddRule): Promise<VersionMeta | null> {
    const fields = checkNewVersion(version);
    return this.locked(docId, async (client) => {
      const { rows } = await client.query<MetaRow & { head: Buffer | null }>(
        `SELECT ${META_COLUMNS}, head FROM collab_versions WHERE doc_id = $1 ORDER BY id DESC LIMIT $2`,
        [docId, KEYFRAME_EVERY],
      );
      const recent = rows.map(toStored);
      const newestHead = rows[0]?.head;
      if (rows[0] && !newestHead) throw new StoreError('corrupt', `the newest version of ${docId} has no head`);
      const newest = recent[0] && {
        createdAt: recent[0].createdAt,
        head: newestHead!,
        keyframes: recent.map((v) => v.keyframe),
        readState: async () => {
          const chain = recent.slice(0, chainLength(recent.map((v) => v.keyframe))).reverse();
          return stateOfChain(await readContents(client, chain.map((v) => v.id)));
        },
      };
      const prepared = await prepareVersion(fields, newest ?? null, rule);
      if (!prepared) return null;
      if (recent[0]) await client.query('UPDATE collab_versions SET head = NULL WHERE id = $1', [recent[0].id]);
      const inserted = await client.query<MetaRow>(
        `INSERT INTO collab_versions (doc_id, created_at, name, kind, authors, keyframe, content, head)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${META_COLUMNS}`,
        [
          docId,
          prepared.createdAt,
          prepared.name,
          prepared.kind,
          JSON.stringify(prepared.authors),
          prepared.keyframe,
          toBuffer(prepared.content),
          toBuffer(prepared.head),
        ],
      );
      return publicMeta(toStored(inserted.rows[0]!));
    });
  }

  /**
   * Runs `work` in a transaction holding the document's advisory lock, tracked by the store. The lane keeps
   * this process's calls in call order (pool connections would take the lock in any order).
   */
  private locked<T>(docId: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.track(async () => {
      assertDocId(docId);
      return this.lanes.run(docId, () => this.inTransaction(docId, work));
    });
  }

  private async inTransaction<T>(docId: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [VERSIONS_LOCK, docId]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: unknown) => (broken = rollbackErr));
      throw err;
    } finally {
      // A client that could not even roll back is discarded rather than handed to the next caller.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
}

/** The stored contents of the given versions, in the order of `ids`. */
async function readContents(client: pg.PoolClient, ids: readonly string[]): Promise<Uint8Array[]> {
  const { rows } = await client.query<{ id: string; content: Buffer }>(
    'SELECT id, content FROM collab_versions WHERE id = ANY($1::bigint[])',
    [ids],
  );
  const byId = new Map(rows.map((row) => [row.id, row.content]));
  return ids.map((id) => {
    const content = byId.get(id);
    if (content === undefined) throw new StoreError('corrupt', `version ${id} has no content`);
    return content;
  });
}

function toStored(row: MetaRow): StoredVersion {
  return {
    id: row.id,
    docId: row.doc_id,
    createdAt: Number(row.created_at),
    name: row.name,
    kind: row.kind,
    authors: row.authors,
    keyframe: row.keyframe,
  };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
