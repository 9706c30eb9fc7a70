/*
 * Child process of delete-crash.test.ts: opens the cluster store and deletes one document; the test SIGKILLs it
 * at a chosen step of the delete (it holds a lock or the lease that the step waits for).
 *
 * Usage: node --import tsx delete-crash-child.ts <redisUrl> <databaseUrl> <docId>
 */
import { openClusterStore } from '../index.js';

async function run(redisUrl: string, databaseUrl: string, docId: string): Promise<void> {
  const store = await openClusterStore({ redisUrl, databaseUrl });
  process.stdout.write('deleting\n');
  await store.delete(docId);
  process.stdout.write('deleted\n');
  await store.close();
}

function fail(err: unknown): void {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

const [redisUrl, databaseUrl, docId] = process.argv.slice(2);
if (redisUrl === undefined || databaseUrl === undefined || docId === undefined) {
  fail(new Error('usage: delete-crash-child.ts <redisUrl> <databaseUrl> <docId>'));
} else {
  run(redisUrl, databaseUrl, docId).catch(fail);
}
