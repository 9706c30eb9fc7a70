import pg from 'pg';
import { ACCESS_SCHEMA } from './pg-access.js';
import { CREATE_VERSIONS_TABLE } from './pg-versions.js';

/*
 * One row per document that was created or compacted:
 *
 *   state       the compacted snapshot: every stream entry up to merged_id, merged; null until the first compaction
 *   merged_id   the id of the last stream entry folded into state
 *   size        bytes of state
 *   created_at, updated_at   milliseconds; the Redis metadata hash carries the newer updated_at of later appends
 *   deleting_since   set when a delete begins (state is dropped in the same statement): from then on the
 *               document is gone, whatever Redis still holds; the row goes once the Redis keys are gone
 *
 * and one row per document whose access state was ever changed, in collab_access (see pg-access.ts).
 */
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS collab_documents (
    id text PRIMARY KEY,
    state bytea,
    merged_id text,
    size bigint NOT NULL DEFAULT 0,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
  )`,
  ...ACCESS_SCHEMA,
  ...CREATE_VERSIONS_TABLE,
];

/**
 * Columns added after the first release, which a database created by it gains on the next start. Looked up
 * first: ALTER TABLE takes a lock that waits for every transaction on the table, even when there is nothing
 * to add, and would stall a running cluster each time a process starts.
 */
const ADDED_COLUMNS = [{ table: 'collab_documents', column: 'deleting_since', type: 'bigint' }];

/**
 * Concurrent `CREATE TABLE IF NOT EXISTS` can still fail (a unique violation in the catalogue) when several
 * processes start at the same moment, so schema creation runs under this transaction-scoped advisory lock.
 */
export const SCHEMA_LOCK = 0x636f6c6c; // 'coll'

const PROBE_MS = 2_000;

export interface SnapshotRow {
  state: Uint8Array | null;
  mergedId: string | null;
  /** A delete began: the document is gone (`state` is null), whatever Redis holds. */
  deleting: boolean;
}

export interface RowMeta {
  id: string;
  createdAt: number;
  updatedAt: number;
  size: number;
  hasState: boolean;
  deleting: boolean;
}

export interface Snapshot {
  state: Uint8Array;
  mergedId: string;
  /** The merged_id the compaction read; the write only happens if the row still has it. */
  previousMergedId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The PostgreSQL side of the cluster store, and whether PostgreSQL answered the last time it was asked. */
export class DocumentRows {
  reachable = true;
  private readonly probe: NodeJS.Timeout;

  /** Shared with the version history (PgVersions), whose tables are created here too. */
  private constructor(readonly pool: pg.Pool) {
    // Idle clients whose connection breaks report it here; without a listener the error would crash the process.
    pool.on('error', () => (this.reachable = false));
    // A probe keeps `reachable` current while no query runs, so that health checks see both the loss and the
    // return of PostgreSQL.
    let probing = false;
    this.probe = setInterval(() => {
      if (probing) return;
      probing = true;
      this.query('SELECT 1')
        .catch(() => undefined)
        .finally(() => (probing = false));
    }, PROBE_MS);
    this.probe.unref();
  }

  static async open(databaseUrl: string): Promise<DocumentRows> {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 8, connectionTimeoutMillis: 5_000 });
    try {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
        for (const statement of SCHEMA) await client.query(statement);
        for (const { table, column, type } of ADDED_COLUMNS) {
          const found = await client.query(
            'SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2',
            [table, column],
          );
          if (found.rowCount === 0) await client.query(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
        }
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return new DocumentRows(pool);
  }

  async readSnapshot(docId: string): Promise<SnapshotRow | null> {
    const { rows } = await this.query<{ state: Buffer | null; merged_id: string | null; deleting: boolean }>(
      'SELECT state, merged_id, deleting_since IS NOT NULL AS deleting FROM collab_documents WHERE id = $1',
      [docId],
    );
    const row = rows[0];
    if (!row) return null;
    return { state: row.state && plainView(row.state), mergedId: row.merged_id, deleting: row.deleting };
  }

  async readMeta(docId: string): Promise<RowMeta | null> {
    const { rows } = await this.query<MetaColumns>(`${SELECT_META} WHERE id = $1`, [docId]);
    return rows[0] ? toRowMeta(rows[0]) : null;
  }

  async listMeta(): Promise<RowMeta[]> {
    const { rows } = await this.query<MetaColumns>(SELECT_META);
    return rows.map(toRowMeta);
  }

  /** Records a document that has no snapshot yet; an existing row is left as it is. */
  async insertEmpty(docId: string, now: number): Promise<void> {
    await this.query(
      `INSERT INTO collab_documents (id, created_at, updated_at) VALUES ($1, $2, $2) ON CONFLICT (id) DO NOTHING`,
      [docId, now],
    );
  }

  /**
   * Stores a compacted snapshot in one statement, only if the row still has the merged_id the compaction
   * started from (or is still missing) and no delete has begun. False when another compaction or a delete got
   * there first: nothing was written.
   */
  async writeSnapshot(docId: string, snapshot: Snapshot): Promise<boolean> {
    const { rowCount } = await this.query(
      `INSERT INTO collab_documents AS d (id, state, merged_id, size, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET
         state = EXCLUDED.state, merged_id = EXCLUDED.merged_id, size = EXCLUDED.size,
         created_at = LEAST(d.created_at, EXCLUDED.created_at), updated_at = GREATEST(d.updated_at, EXCLUDED.updated_at)
       WHERE d.merged_id IS NOT DISTINCT FROM $7 AND d.deleting_since IS NULL`,
      [
        docId,
        Buffer.from(snapshot.state.buffer, snapshot.state.byteOffset, snapshot.state.byteLength),
        snapshot.mergedId,
        snapshot.state.byteLength,
        snapshot.createdAt,
        snapshot.updatedAt,
        snapshot.previousMergedId,
      ],
    );
    return rowCount === 1;
  }

  /**
   * The first step of a delete, and the one that decides it: one statement drops the snapshot and marks the
   * row, so that from here on every load finds the document gone, even if this process dies before Redis is
   * cleaned. The mark of an earlier delete that did not finish is kept.
   */
  async markDeleting(docId: string, now: number): Promise<void> {
    await this.query(
      `INSERT INTO collab_documents AS d (id, created_at, updated_at, deleting_since) VALUES ($1, $2, $2, $2)
       ON CONFLICT (id) DO UPDATE SET state = NULL, merged_id = NULL, size = 0,
         deleting_since = COALESCE(d.deleting_since, EXCLUDED.deleting_since)`,
      [docId, now],
    );
  }

  /** Whether a delete of the document has begun and not finished. */
  async isDeleting(docId: string): Promise<boolean> {
    const { rows } = await this.query('SELECT 1 FROM collab_documents WHERE id = $1 AND deleting_since IS NOT NULL', [docId]);
    return rows.length > 0;
  }

  /** The last step of a delete, once Redis holds nothing of the document. */
  async removeDeleted(docId: string): Promise<void> {
    await this.query('DELETE FROM collab_documents WHERE id = $1 AND deleting_since IS NOT NULL', [docId]);
  }

  /** Runs `work` in one transaction on one connection; rolled back if it throws. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.tracked(async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    });
  }

  async close(): Promise<void> {
    clearInterval(this.probe);
    await this.pool.end();
  }

  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.tracked(() => this.pool.query<R>(sql, params));
  }

  /** Runs `work` against the pool, keeping `reachable` current. */
  private async tracked<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.reachable = true;
      return result;
    } catch (err) {
      if (isConnectionFailure(err)) this.reachable = false;
      throw err;
    }
  }
}

const SELECT_META =
  'SELECT id, created_at, updated_at, size, state IS NOT NULL AS has_state, deleting_since IS NOT NULL AS deleting FROM collab_documents';

interface MetaColumns {
  id: string;
  // bigint columns arrive as strings: node-postgres does not narrow them to numbers on its own.
  created_at: string;
  updated_at: string;
  size: string;
  has_state: boolean;
  deleting: boolean;
}

function toRowMeta(row: MetaColumns): RowMeta {
  return {
    id: row.id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    size: Number(row.size),
    hasState: row.has_state,
    deleting: row.deleting,
  };
}

/**
 * A failure to reach the server, as opposed to an error in a statement it answered: network errors carry no
 * SQLSTATE; class 08 is "connection exception", 57P the server shutting down or starting up.
 */
function isConnectionFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57P');
}

export function plainView(bytes: Buffer): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
