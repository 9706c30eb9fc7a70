import type pg from 'pg';
import { DEFAULT_ACCESS, inTrash, nextAccess, parseAccess, type DeletedDoc, type DocAccess } from '../access.js';
import type { DocumentRows } from './pg-rows.js';

/*
 * Access states in PostgreSQL, the cluster's source of truth for them (processes cache them and hear of changes
 * over Redis pub/sub, in the server). A row outlives its document's content: it is the tombstone of a purged one.
 *
 *   id         the document
 *   state      the access state (access.ts), as JSON
 *   in_trash   deleted and not purged yet: what listDeleted reads, through a partial index
 */
export const ACCESS_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS collab_access (
    id text PRIMARY KEY,
    state jsonb NOT NULL,
    in_trash boolean NOT NULL DEFAULT false
  )`,
  'CREATE INDEX IF NOT EXISTS collab_access_trash ON collab_access (id) WHERE in_trash',
];

export async function readAccess(rows: DocumentRows, docId: string): Promise<DocAccess> {
  const { rows: found } = await rows.query<{ state: unknown }>('SELECT state FROM collab_access WHERE id = $1', [docId]);
  return found[0] ? parseAccess(found[0].state) : DEFAULT_ACCESS;
}

/**
 * In one transaction, holding the row's lock from the read to the write: concurrent changes from any process
 * queue behind each other. The row is created (with the default state) first, so that there is a row to lock.
 */
export function changeAccess(rows: DocumentRows, docId: string, change: (current: DocAccess) => DocAccess): Promise<DocAccess> {
  return rows.transaction(async (client: pg.PoolClient) => {
    await client.query('INSERT INTO collab_access (id, state) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
      docId,
      DEFAULT_ACCESS,
    ]);
    const { rows: locked } = await client.query<{ state: unknown }>('SELECT state FROM collab_access WHERE id = $1 FOR UPDATE', [
      docId,
    ]);
    const current = parseAccess(locked[0]?.state);
    const changed = change(current);
    if (changed === current) return current;
    const next = nextAccess(current, changed);
    await client.query('UPDATE collab_access SET state = $2, in_trash = $3 WHERE id = $1', [docId, next, inTrash(next)]);
    return next;
  });
}

export async function listTrash(rows: DocumentRows): Promise<DeletedDoc[]> {
  const { rows: found } = await rows.query<{ id: string; state: unknown }>('SELECT id, state FROM collab_access WHERE in_trash');
  return found.map((row) => ({ id: row.id, access: parseAccess(row.state) }));
}
