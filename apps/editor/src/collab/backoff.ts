/**
 * The ceiling of this client's reconnect backoff. y-websocket waits min(100 ms * 2^attempts, maxBackoffTime)
 * between attempts; with everyone on the stock 2.5 s ceiling, a restarted server sees every browser come back
 * in the same instant, every 2.5 s. A ceiling drawn once per client between 2 s and 6 s spreads the steady
 * retries of a long outage across that window.
 */
export const MIN_BACKOFF_CEILING_MS = 2000;
export const MAX_BACKOFF_CEILING_MS = 6000;

export function randomBackoffCeiling(random: () => number = Math.random): number {
  return Math.round(MIN_BACKOFF_CEILING_MS + random() * (MAX_BACKOFF_CEILING_MS - MIN_BACKOFF_CEILING_MS));
}
