import type { DocStore, ThinningPolicy } from '@collab/persistence';
import type { Logger } from '../observability.js';
import type { HistoryClock } from '../collab/version-cutter.js';

export interface ThinnerOptions {
  store: DocStore;
  thinning: ThinningPolicy;
  clock: HistoryClock;
  logger: Logger;
  /** Between passes; the first runs one interval after start. */
  intervalMs?: number;
}

export interface Thinner {
  /** One pass now over every document's versions. */
  pass(): Promise<void>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

const DEFAULT_INTERVAL_MS = 6 * 3600 * 1000;

/**
 * Thins the versions of every document now and then. A document being edited is thinned after each version
 * it gets (`VersionCutter`); this pass is for the others, whose versions age past the policy's tiers while
 * nobody writes. Every process of a cluster may run it: the store thins one document at a time under its lock,
 * and thinning twice deletes nothing more.
 */
export function startThinner({ store, thinning, clock, logger, intervalMs = DEFAULT_INTERVAL_MS }: ThinnerOptions): Thinner {
  let running: Promise<void> | null = null;
  let cancel: (() => void) | null = null;
  let stopped = false;

  async function thinAll(): Promise<void> {
    let deleted = 0;
    for (const { id } of await store.list()) deleted += (await store.versions.thin(id, clock.now(), thinning)).length;
    if (deleted > 0) logger.info({ versions: deleted }, 'thinned the version history');
  }

  function pass(): Promise<void> {
    running ??= thinAll()
      .catch((err: unknown) => logger.warn({ err }, 'thinning versions failed; the next pass tries again'))
      .finally(() => (running = null));
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    cancel = clock.schedule(() => void pass().then(schedule), intervalMs);
  }

  schedule();
  return {
    pass,
    async stop() {
      stopped = true;
      cancel?.();
      await running;
    },
  };
}
