import pg from 'pg';
import { CREATE_VERSIONS_TABLE } from './pg-versions.js';

/*
 * One row per document that was created or compacted:
 *
 *   state       the compacted snapshot: every stream entry up to merged_id, merged; null until the first compaction
 *   merged_id   the id of the last stream entry folded into state
 *   size        bytes of state
 *   created_at, updated_at   milliseconds; the Redis metadata hash carries the newer updated_at of later appends
 */
const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS collab_documents (
    id text PRIMARY KEY,
    state bytea,
    merged_id text,
    size bigint NOT NULL DEFAULT 0,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
  )`;

/**
 * Concurrent `CREATE TABLE IF NOT EXISTS` can still fail (a unique violation in the catalogue) when several
 * processes start at the same moment, so schema creation runs under this transaction-scoped advisory lock.
 */
export const SCHEMA_LOCK = 0x636f6c6c; // 'coll'

const PROBE_MS = 2_000;

export interface SnapshotRow {
  state: Uint8Array | null;
  mergedId: string | null;
}

export interface RowMeta {
  id: string;
  createdAt: number;
  updatedAt: number;
  size: number;
  hasState: boolean;
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
        await client.query(CREATE_TABLE);
        for (const statement of CREATE_VERSIONS_TABLE) await client.query(statement);
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
    const { rows } = await this.query<{ state: Buffer | null; merged_id: string | null }>(
      'SELECT state, merged_id FROM collab_documents WHERE id = $1',
      [docId],
    );
    const row = rows[0];
    if (!row) return null;
    return { state: row.state && plainView(row.state), mergedId: row.merged_id };
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
   * started from (or is still missing). False when another compaction got there first: nothing was written.
   */
  async writeSnapshot(docId: string, snapshot: Snapshot): Promise<boolean> {
    const { rowCount } = await this.query(
      `INSERT INTO collab_documents AS d (id, state, merged_id, size, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET
         state = EXCLUDED.state, merged_id = EXCLUDED.merged_id, size = EXCLUDED.size,
         created_at = LEAST(d.created_at, EXCLUDED.created_at), updated_at = GREATEST(d.updated_at, EXCLUDED.updated_at)
       WHERE d.merged_id IS NOT DISTINCT FROM $7`,
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

  async delete(docId: string): Promise<void> {
    await this.query('DELETE FROM collab_documents WHERE id = $1', [docId]);
  }

  async close(): Promise<void> {
    clearInterval(this.probe);
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      const result = await this.pool.query<R>(sql, params);
      this.reachable = true;
      return result;
    } catch (err) {
      if (isConnectionFailure(err)) this.reachable = false;
      throw err;
    }
  }
}

const SELECT_META = 'SELECT id, created_at, updated_at, size, state IS NOT NULL AS has_state FROM collab_documents';

interface MetaColumns {
  id: string;
  // bigint columns arrive as strings: node-postgres does not narrow them to numbers on its own.
  created_at: string;
  updated_at: string;
  size: string;
  has_state: boolean;
}

function toRowMeta(row: MetaColumns): RowMeta {
  return {
    id: row.id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    size: Number(row.size),
    hasState: row.has_state,
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
