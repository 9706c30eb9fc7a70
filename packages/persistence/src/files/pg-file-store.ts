import pg from 'pg';
import { SCHEMA_LOCK, plainView } from '../cluster/pg-rows.js';
import { assertDocId } from '../keys.js';
import { StoreWork } from '../store-work.js';
import {
  DEFAULT_UNREFERENCED_GRACE_MS,
  FILE_SHA_PATTERN,
  type FileContent,
  type FileStore,
  type FileStoreClock,
  type StoredFile,
} from './file-store.js';
import { hashWhileWriting } from './intake.js';

export interface PgFileStoreOptions extends FileStoreClock {
  databaseUrl: string;
}

/*
 * collab_files       one row per distinct file: its bytes, type and size, and since when nothing references it
 * collab_file_refs   one row per (document, file) reference
 * A file and its first reference are written in one transaction, so a crash leaves both or neither.
 */
const CREATE_TABLES = `
  CREATE TABLE IF NOT EXISTS collab_files (
    sha text PRIMARY KEY,
    type text NOT NULL,
    size integer NOT NULL,
    bytes bytea NOT NULL,
    created_at bigint NOT NULL,
    unreferenced_since bigint
  );
  CREATE TABLE IF NOT EXISTS collab_file_refs (
    doc_id text NOT NULL,
    sha text NOT NULL REFERENCES collab_files (sha),
    created_at bigint NOT NULL,
    PRIMARY KEY (doc_id, sha)
  );
  CREATE INDEX IF NOT EXISTS collab_file_refs_sha ON collab_file_refs (sha)`;

/** The file store of a cluster: every process reads and writes the same PostgreSQL tables. */
export class PgFileStore implements FileStore {
  private readonly work = new StoreWork(() => undefined);
  private closing = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number,
    private readonly graceMs: number,
  ) {}

  static async open(options: PgFileStoreOptions): Promise<PgFileStore> {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4, connectionTimeoutMillis: 5_000 });
    // Idle clients whose connection breaks report it here; without a listener the error would crash the process.
    pool.on('error', () => undefined);
    try {
      await transaction(pool, async (client) => {
        // The same lock as the document table's creation: concurrent CREATE ... IF NOT EXISTS can still collide.
        await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
        await client.query(CREATE_TABLES);
      });
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return new PgFileStore(pool, options.now ?? Date.now, options.unreferencedGraceMs ?? DEFAULT_UNREFERENCED_GRACE_MS);
  }

  put(docId: string, type: string, chunks: AsyncIterable<Uint8Array>): Promise<StoredFile> {
    return this.work.call(this.closing, async () => {
      assertDocId(docId);
      // The caller bounds the size (MAX_FILE_BYTES), so holding the bytes for one INSERT is bounded too.
      const parts: Uint8Array[] = [];
      const { sha, size } = await hashWhileWriting(chunks, (chunk) => void parts.push(chunk));
      const now = this.now();
      await transaction(this.pool, async (client) => {
        // Known bytes are not sent again; the UPDATE also locks the row against a concurrent deletion.
        const known = await client.query('UPDATE collab_files SET unreferenced_since = NULL WHERE sha = $1', [sha]);
        if (known.rowCount === 0) {
          await client.query(
            `INSERT INTO collab_files (sha, type, size, bytes, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (sha) DO UPDATE SET unreferenced_since = NULL`,
            [sha, type, size, Buffer.concat(parts), now],
          );
        }
        await client.query(
          'INSERT INTO collab_file_refs (doc_id, sha, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [docId, sha, now],
        );
      });
      return { sha, type, size };
    });
  }

  get(docId: string, sha: string): Promise<FileContent | null> {
    return this.work.call(this.closing, async () => {
      assertDocId(docId);
      if (!FILE_SHA_PATTERN.test(sha)) return null;
      const { rows } = await this.pool.query<{ type: string; size: number; bytes: Buffer }>(
        `SELECT f.type, f.size, f.bytes FROM collab_file_refs r JOIN collab_files f ON f.sha = r.sha
         WHERE r.doc_id = $1 AND r.sha = $2`,
        [docId, sha],
      );
      const row = rows[0];
      if (!row) return null;
      const bytes = plainView(row.bytes);
      return { sha, type: row.type, size: row.size, stream: () => streamOf(bytes) };
    });
  }

  documents(): Promise<string[]> {
    return this.work.call(this.closing, async () => {
      const { rows } = await this.pool.query<{ doc_id: string }>('SELECT DISTINCT doc_id FROM collab_file_refs');
      return rows.map((row) => row.doc_id);
    });
  }

  forgetDocument(docId: string): Promise<void> {
    return this.work.call(this.closing, async () => {
      assertDocId(docId);
      await transaction(this.pool, async (client) => {
        const { rows } = await client.query<{ sha: string }>('DELETE FROM collab_file_refs WHERE doc_id = $1 RETURNING sha', [docId]);
        // A statement of its own: a data-modifying WITH would not see its own deletions in NOT EXISTS.
        await client.query(
          `UPDATE collab_files f SET unreferenced_since = $2
           WHERE f.sha = ANY($1) AND NOT EXISTS (SELECT 1 FROM collab_file_refs r WHERE r.sha = f.sha)`,
          [rows.map((row) => row.sha), this.now()],
        );
      });
    });
  }

  deleteUnreferenced(): Promise<string[]> {
    return this.work.call(this.closing, async () => {
      // Checks the references again: a concurrent upload may have referenced the file since it was marked.
      const { rows } = await this.pool.query<{ sha: string }>(
        `DELETE FROM collab_files f WHERE f.unreferenced_since <= $1
           AND NOT EXISTS (SELECT 1 FROM collab_file_refs r WHERE r.sha = f.sha)
         RETURNING f.sha`,
        [this.now() - this.graceMs],
      );
      return rows.map((row) => row.sha);
    });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.work.drain();
    await this.pool.end();
  }
}

async function transaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
