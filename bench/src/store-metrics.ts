/**
 * What our server's /metrics says about its store over a measurement window: how long its write rounds
 * waited for the store, and how many writes shared one fsync. This is where DURABILITY=fsync shows its cost;
 * the peers have no such figures.
 */
import { type ServerProcess, isOurs } from './servers.js';
import type { Figure } from './scenarios/types.js';

interface Reading {
  persistSeconds: number;
  persists: number;
  writes: number;
  fsyncs: number;
}

async function read(server: ServerProcess): Promise<Reading> {
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
  const value = (series: string) => Number(new RegExp(`^${series} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    persistSeconds: value('collab_persist_seconds_sum'),
    persists: value('collab_persist_seconds_count'),
    writes: value('collab_store_writes_total'),
    fsyncs: value('collab_store_fsyncs_total'),
  };
}

/**
 * Starts a window; `end` returns its figures, rows named `<prefix> · …` (none for the peers). With the seconds
 * the load ran, also the share of them the document's write rounds spent waiting for the store (one document:
 * its rounds run one at a time).
 */
export async function storeWindow(server: ServerProcess): Promise<{ end(prefix: string, loadSeconds?: number): Promise<Figure[]> }> {
  if (!isOurs(server.name)) return { end: async () => [] };
  const start = await read(server);
  return {
    async end(prefix, loadSeconds) {
      const now = await read(server);
      const persistSeconds = now.persistSeconds - start.persistSeconds;
      const fsyncs = now.fsyncs - start.fsyncs;
      const figures: Figure[] = [
        { row: `${prefix} · store write, mean (ms)`, value: (1000 * persistSeconds) / (now.persists - start.persists), better: 'lower' },
      ];
      if (loadSeconds) {
        figures.push({ row: `${prefix} · rounds waiting for the store (% of the time)`, value: (100 * persistSeconds) / loadSeconds, better: 'lower' });
      }
      if (fsyncs > 0) figures.push({ row: `${prefix} · store writes per fsync`, value: (now.writes - start.writes) / fsyncs, better: 'higher' });
      return figures;
    },
  };
}
