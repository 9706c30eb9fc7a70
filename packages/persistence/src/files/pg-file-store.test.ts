import { startPostgres, type TestService } from '@collab/test-services';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { openClusterFileStore, type FileStore } from '../index.js';
import { runFileStoreSuite } from './file-store.suite.js';

let postgres: TestService;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(() => postgres?.stop());

async function query(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  return client.query(sql).finally(() => client.end());
}

runFileStoreSuite('PgFileStore', async (now) => {
  await query('DROP TABLE IF EXISTS collab_file_refs, collab_files');
  let store: FileStore = await openClusterFileStore({ databaseUrl: postgres.url, now });
  return {
    store,
    async reopen() {
      await store.close();
      store = await openClusterFileStore({ databaseUrl: postgres.url, now });
      return store;
    },
    storedFiles: async () => Number((await query('SELECT count(*) AS n FROM collab_files')).rows[0].n),
    async cleanup() {
      await store.close();
    },
  };
});
