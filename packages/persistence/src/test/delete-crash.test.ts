import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@collab/test-services';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import type { ClusterStore } from '../index.js';
import { tryLease } from '../cluster/lease.js';
import { leaseKey, logKey, metaKey } from '../cluster/redis-keys.js';
import { useClusterServices } from './cluster-services.js';
import { contentOf, docFrom, recordingDoc, typeSomeText } from './yjs-helpers.js';

const CHILD = fileURLToPath(new URL('./delete-crash-child.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const DOC_ID = 'doomed';

// Set before the services' hooks are registered: starting PostgreSQL beside the other cluster test files' own
// can take longer than the default on a busy machine.
vi.setConfig({ hookTimeout: 90_000 });
const services = useClusterServices();

/**
 * A cluster delete touches PostgreSQL and Redis; a process killed between any two of its steps must leave the
 * document whole or gone, never a part of it. The document under test spans both: a compacted snapshot in
 * PostgreSQL and later appends in the Redis stream, so that either alone would load as a different document.
 */
describe('a cluster delete killed with SIGKILL between its steps', () => {
  async function documentInBothServices(store: ClusterStore): Promise<string> {
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 60);
    await store.append(DOC_ID, updates.splice(0, 30));
    await store.compact(DOC_ID);
    await store.append(DOC_ID, updates.splice(0));
    expect(await services.raw.xlen(logKey(DOC_ID))).toBeGreaterThan(1);
    return contentOf(doc).text;
  }

  function startChild(): { child: ChildProcess; exited: Promise<NodeJS.Signals | null>; stderr: () => string } {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, services.redis.url, services.postgres.url, DOC_ID], {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = once(child, 'close').then(([, signal]) => signal as NodeJS.Signals | null);
    return { child, exited, stderr: () => stderr };
  }

  async function sql<R extends pg.QueryResultRow>(query: string, params: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: services.postgres.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<R>(query, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** A connection holding the document's row lock until `release`, so that a statement of the child waits on it. */
  async function lockRow(): Promise<{ release(): Promise<void> }> {
    const client = new pg.Client({ connectionString: services.postgres.url });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM collab_documents WHERE id = $1 FOR UPDATE', [DOC_ID]);
    return {
      async release() {
        await client.query('ROLLBACK');
        await client.end();
      },
    };
  }

  /** Whether a statement starting with `prefix` waits on a lock now. */
  const waitingOnLock = async (prefix: string) =>
    (await sql("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1", [`${prefix}%`])).length > 0;

  const isMarked = async () =>
    (await sql('SELECT 1 FROM collab_documents WHERE id = $1 AND deleting_since IS NOT NULL', [DOC_ID])).length > 0;

  async function kill(run: ReturnType<typeof startChild>): Promise<void> {
    run.child.kill('SIGKILL');
    expect(await run.exited, `the child should be killed mid-delete; its stderr: ${run.stderr()}`).toBe('SIGKILL');
  }

  /** What a process that starts now finds: the whole document, or nothing of it. */
  async function expectGone(): Promise<void> {
    const fresh = await services.open();
    expect(await fresh.load(DOC_ID)).toBeNull();
    expect(await fresh.meta(DOC_ID)).toBeNull();
    expect(await fresh.list()).toEqual([]);
  }

  it('while PostgreSQL has not answered the mark yet: the document is whole or gone', async () => {
    await services.reset();
    const text = await documentInBothServices(await services.open());
    const row = await lockRow();
    const run = startChild();
    await waitFor('the child to wait on the row', () => waitingOnLock('INSERT INTO collab_documents'));
    await kill(run);
    // PostgreSQL runs a statement it has received to the end even though its client is gone.
    await row.release();

    const fresh = await services.open();
    const loaded = await fresh.load(DOC_ID);
    if (loaded === null) await expectGone();
    else expect(contentOf(docFrom(loaded)).text).toBe(text);
  });

  it('after PostgreSQL marks it, before Redis: the document is gone, and the next load cleans Redis', async () => {
    await services.reset();
    await documentInBothServices(await services.open());
    const lease = (await tryLease(services.raw, leaseKey(DOC_ID)))!;
    const run = startChild();
    await waitFor('the child to mark the row', isMarked);
    await kill(run);
    expect(await services.raw.exists(logKey(DOC_ID), metaKey(DOC_ID))).toBe(2);

    await expectGone();
    await lease.release();
    const store = await services.open();
    expect(await store.load(DOC_ID)).toBeNull();
    await waitFor('the load to finish the delete', async () => (await sql('SELECT 1 FROM collab_documents')).length === 0);
    expect(await services.raw.exists(logKey(DOC_ID), metaKey(DOC_ID))).toBe(0);
    await expectWrittenAfresh(store);
  });

  it('after Redis, before the row goes: the document is gone, and deleting it again finishes', async () => {
    await services.reset();
    await documentInBothServices(await services.open());
    const lease = (await tryLease(services.raw, leaseKey(DOC_ID)))!;
    const run = startChild();
    await waitFor('the child to mark the row', isMarked);
    const row = await lockRow();
    await lease.release();
    await waitFor('the child to wait on removing the row', () => waitingOnLock('DELETE FROM collab_documents'));
    await kill(run);
    await row.release();
    expect(await services.raw.exists(logKey(DOC_ID), metaKey(DOC_ID))).toBe(0);

    await expectGone();
    // The killed child still holds the lease; it would expire in 30 s.
    await services.raw.del(leaseKey(DOC_ID));
    const store = await services.open();
    await store.delete(DOC_ID);
    expect(await sql('SELECT 1 FROM collab_documents')).toEqual([]);
    await expectWrittenAfresh(store);
  });

  async function expectWrittenAfresh(store: ClusterStore): Promise<void> {
    const fresh = recordingDoc();
    typeSomeText(fresh.doc, 10, 7);
    await store.append(DOC_ID, fresh.updates);
    expect(contentOf(docFrom(await store.load(DOC_ID)))).toEqual(contentOf(fresh.doc));
  }
});
