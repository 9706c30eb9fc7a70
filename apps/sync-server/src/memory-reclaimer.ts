import { Session } from 'node:inspector/promises';
import { getHeapStatistics } from 'node:v8';
import type { Logger, Metrics } from './observability.js';

export interface MemoryReclaimerOptions {
  /** Open connections now. */
  connections(): number;
  /** Rooms left empty that are still loaded or unloading: memory a crowd that left still holds, for now. */
  emptying(): number;
  logger: Logger;
  metrics: Metrics;
  /** How often the count is looked at. A crowd that leaves together has left by the next look. */
  intervalMs?: number;
  /**
   * A peak below this is not worth a collection, which pauses every document on the server for as long as it
   * takes, longer the more garbage there is (bench/RESULTS.md has the pauses the bench saw).
   */
  minPeak?: number;
  /** A room whose document is about this large as stored (or larger) is worth a collection when it unloads. */
  minRoomBytes?: number;
  /**
   * Any room unloading is worth a collection once the heap (with the buffers it holds) has grown this much
   * since the last one: what a refused attack or a burst of work left behind.
   */
  minGrowthBytes?: number;
  /** Least time from the end of one collection to the start of the next. */
  minGapMs?: number;
}

export interface MemoryReclaimer {
  /** A room unloaded; `storedBytes`: about its document's size as stored. */
  roomUnloaded(storedBytes: number): void;
  stop(): void;
}

/** Looks for which the crowd rule waits for the rooms the crowd left to unload, before it collects anyway. */
const MAX_WAIT_LOOKS = 3;

/** Why a collection was asked for, for the log. */
type Reason = Record<string, number | string>;

/**
 * Gives the memory of what the server let go back to the system. V8 collects its old generation when the
 * heap grows, and an emptied server allocates next to nothing, so the garbage of a crowd of closed
 * connections, or of a big document unloaded, stayed (and the RSS with it) for as long as the server sat
 * nearly idle. This asks V8 for a full collection, which frees those objects and unmaps the pages they
 * emptied, when
 * - the open connections fall to half of their peak since the last collection (once the rooms the crowd
 *   left have unloaded, so that their documents go in the same collection), or
 * - a room of a large document unloads, or the last of the rooms unloading once the heap has grown a lot
 *   since the last collection.
 * One collection at a time, at least `minGapMs` apart: requests meanwhile are served by one collection after.
 */
export function startMemoryReclaimer(options: MemoryReclaimerOptions): MemoryReclaimer {
  const { connections, emptying, logger, metrics } = options;
  const { intervalMs = 2_000, minPeak = 500, minRoomBytes = 1024 * 1024, minGrowthBytes = 16 * 1024 * 1024, minGapMs = 5_000 } = options;
  let peak = connections();
  /** The crowd that left, while the reclaimer waits for its rooms to unload. */
  let crowd: { from: number; to: number; looks: number } | null = null;
  /** A collection asked for and not started yet. */
  let queued: Reason | null = null;
  let deferred: NodeJS.Timeout | undefined;
  let collecting = false;
  let lastEnded = -Infinity;
  /** What the heap held after the last collection. */
  let heldAfter = heapHeld();
  let stopped = false;

  const timer = setInterval(() => {
    const open = connections();
    if (open > peak) peak = open;
    if (!crowd && peak >= minPeak && open <= peak / 2) {
      crowd = { from: peak, to: open, looks: 0 };
      peak = open;
    }
    if (!crowd || (emptying() > 0 && crowd.looks++ < MAX_WAIT_LOOKS)) return;
    ask({ why: 'connections fell by half', connectionsBefore: crowd.from, connections: crowd.to });
    crowd = null;
  }, intervalMs);
  timer.unref();

  function ask(reason: Reason): void {
    queued ??= reason;
    if (collecting || deferred || stopped) return;
    const wait = lastEnded + minGapMs - performance.now();
    if (wait <= 0) return collect();
    deferred = setTimeout(collect, wait);
    deferred.unref();
  }

  function collect(): void {
    deferred = undefined;
    // A crowd waiting for its rooms is served by this one as well.
    crowd = null;
    const reason = queued!;
    queued = null;
    collecting = true;
    const started = performance.now();
    const heapBefore = process.memoryUsage().heapTotal;
    const done = () => {
      collecting = false;
      lastEnded = performance.now();
      heldAfter = heapHeld();
      if (queued) ask(queued);
    };
    collectGarbage().then(
      () => {
        metrics.memoryReclaims.inc();
        logger.info(
          {
            ...reason,
            pauseMs: Math.round(performance.now() - started),
            heapTotalMbBefore: Math.round(heapBefore / 1e6),
            heapTotalMb: Math.round(process.memoryUsage().heapTotal / 1e6),
          },
          'memory reclaim: collected garbage',
        );
        done();
      },
      (err: unknown) => {
        logger.warn({ err }, 'memory reclaim: garbage collection failed');
        done();
      },
    );
  }

  return {
    roomUnloaded(storedBytes) {
      if (storedBytes >= minRoomBytes) return ask({ why: 'a large document unloaded', storedBytes });
      // The last of several rooms unloading together (a crowd's, an attacker's) asks for all of them.
      if (emptying() > 0) return;
      const grown = heapHeld() - heldAfter;
      if (grown >= minGrowthBytes) ask({ why: 'a room unloaded after the heap grew', grownMb: Math.round(grown / 1e6) });
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(deferred);
    },
  };
}

/**
 * The memory V8 holds: its heap as committed (a collection of its own frees objects but keeps their pages) and
 * the buffers outside it that its objects hold.
 */
function heapHeld(): number {
  const { total_heap_size, external_memory } = getHeapStatistics();
  return total_heap_size + external_memory;
}

/**
 * One full garbage collection, asked for through the inspector protocol: the public way to ask for one
 * without `--expose-gc`. It opens no port. V8 unmaps the pages the collection empties.
 */
export async function collectGarbage(): Promise<void> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.collectGarbage');
  } finally {
    session.disconnect();
  }
}
