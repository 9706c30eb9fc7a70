import type { DocStore, FileStore } from '@collab/persistence';
import type { Logger } from '../observability.js';

export interface FileCollectorOptions {
  files: FileStore;
  store: DocStore;
  logger: Logger;
  /** Between sweeps; the first runs one interval after start. */
  intervalMs?: number;
}

export interface FileCollector {
  /** One sweep now: drops the references of documents that no longer exist, then deletes what the grace period allows. */
  sweep(): Promise<void>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

const DEFAULT_INTERVAL_MS = 6 * 3600 * 1000;

/**
 * Garbage collection of uploaded files. A document that no longer exists in the document store (deleted)
 * references nothing; a file nothing has referenced for 30 days is deleted. Every process of a cluster may
 * sweep: each step is idempotent. Without version history, a file removed from a document's text stays
 * referenced by it (an undo may bring the image back), until the document itself goes.
 */
export function startFileCollector({ files, store, logger, intervalMs = DEFAULT_INTERVAL_MS }: FileCollectorOptions): FileCollector {
  let running: Promise<void> | null = null;

  async function collect(): Promise<void> {
    for (const docId of await files.documents()) {
      if (!(await store.meta(docId))) await files.forgetDocument(docId);
    }
    const deleted = await files.deleteUnreferenced();
    if (deleted.length > 0) logger.info({ files: deleted.length }, 'deleted files nothing referenced for the grace period');
  }

  function sweep(): Promise<void> {
    running ??= collect()
      .catch((err: unknown) => logger.warn({ err }, 'file collection failed; the next sweep tries again'))
      .finally(() => (running = null));
    return running;
  }

  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
