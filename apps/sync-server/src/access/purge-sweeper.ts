import type { DocStore, FileStore } from '@collab/persistence';
import type { Logger } from '../observability.js';
import type { AccessControl } from './access-control.js';
import { purgeDue } from './policy.js';

export interface PurgeSweeperOptions {
  store: DocStore;
  /** The document's references to its images go with it; the file collector removes files nothing references. */
  files: FileStore;
  access: AccessControl;
  logger: Logger;
  now: () => number;
  /** How often the trash is looked through. */
  intervalMs: number;
}

export interface PurgeSweeper {
  /** Stops sweeping; resolves once a sweep in progress has ended. */
  stop(): Promise<void>;
}

/**
 * Purges deleted documents once they can no longer be undeleted, at start and every `intervalMs`. A purge
 * first marks the document (from then on it cannot be undeleted, even by a process whose clock is behind),
 * then removes its content, its versions and its references to files, then marks it purged; a crash at any
 * step leaves it in the trash, and the next sweep, here or in another process, finishes it. The access record
 * stays as its tombstone, so its old links keep answering 4404.
 */
export function startPurgeSweeper({ store, files, access, logger, now, intervalMs }: PurgeSweeperOptions): PurgeSweeper {
  let running: Promise<void> | null = null;
  let stopped = false;

  async function sweep(): Promise<void> {
    const trash = await store.listDeleted();
    let purged = 0;
    for (const { id, access: state } of trash) {
      if (stopped) return;
      if (!purgeDue(state, now())) continue;
      try {
        if (await purge(id)) purged += 1;
      } catch (err) {
        logger.warn({ err, docId: id }, 'purging a deleted document failed; the next sweep tries again');
      }
    }
    logger.debug({ deleted: trash.length, purged }, 'trash swept');
  }

  async function purge(docId: string): Promise<boolean> {
    const at = now();
    const marked = await access.change(docId, (current) =>
      purgeDue(current, at) && current.purgeStartedAt === null ? { ...current, purgeStartedAt: at } : current,
    );
    if (!purgeDue(marked, at)) return false; // undeleted meanwhile
    await store.delete(docId);
    await files.forgetDocument(docId);
    await store.versions.deleteAll(docId);
    await access.change(docId, (current) => (current.purgedAt === null ? { ...current, purgedAt: now() } : current));
    logger.info({ docId }, 'deleted document purged');
    return true;
  }

  const start = () => {
    running ??= sweep()
      .catch((err: unknown) => logger.warn({ err }, 'could not list deleted documents'))
      .finally(() => (running = null));
  };
  const timer = setInterval(start, intervalMs);
  timer.unref();
  start();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
