import { Session } from 'node:inspector/promises';
import type { Logger, Metrics } from './observability.js';

export interface MemoryReclaimerOptions {
  /** Open connections now. */
  connections(): number;
  logger: Logger;
  metrics: Metrics;
  /** How often the count is looked at. A crowd that leaves together has left by the next look. */
  intervalMs?: number;
  /**
   * A peak below this is not worth a collection, which pauses every document on the server for as long as it
   * takes, longer the more garbage there is (bench/RESULTS.md has the pauses the bench saw).
   */
  minPeak?: number;
}

export interface MemoryReclaimer {
  stop(): void;
}

/**
 * Gives the memory of connections that left back to the system. V8 collects its old generation when the
 * heap grows, and an emptied server allocates next to nothing, so the garbage of a crowd of closed
 * connections stayed, and the RSS with it, for as long as the server sat nearly idle. Once the open
 * connections fall to half of their peak since the last collection, this asks V8 for a full collection, which
 * frees those objects and unmaps the pages they emptied (the bench's connections scenario checks the RSS).
 */
export function startMemoryReclaimer(options: MemoryReclaimerOptions): MemoryReclaimer {
  const { connections, logger, metrics, intervalMs = 2_000, minPeak = 500 } = options;
  let peak = connections();
  let collecting = false;

  const timer = setInterval(() => {
    const open = connections();
    if (open > peak) peak = open;
    if (collecting || peak < minPeak || open > peak / 2) return;
    const from = peak;
    peak = open;
    collecting = true;
    const started = performance.now();
    const heapBefore = process.memoryUsage().heapTotal;
    collectGarbage().then(
      () => {
        collecting = false;
        metrics.memoryReclaims.inc();
        logger.info(
          {
            connectionsBefore: from,
            connections: open,
            pauseMs: Math.round(performance.now() - started),
            heapTotalMbBefore: Math.round(heapBefore / 1e6),
            heapTotalMb: Math.round(process.memoryUsage().heapTotal / 1e6),
          },
          'memory reclaim: connections fell by half, collected garbage',
        );
      },
      (err: unknown) => {
        collecting = false;
        logger.warn({ err }, 'memory reclaim: garbage collection failed');
      },
    );
  }, intervalMs);
  timer.unref();

  return { stop: () => clearInterval(timer) };
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
